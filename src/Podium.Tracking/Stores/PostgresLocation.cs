using System.Globalization;
using Npgsql;

namespace Podium.Tracking.Stores;

/// <summary>
/// A PostgreSQL store's address, <c>postgresql://user[:password]@host[:port]/database[?options]</c>, as libpq reads it.
/// A password left out comes from PGPASSWORD or the password file (~/.pgpass, or PGPASSFILE), as libpq users expect.
/// Options: <c>artifact_root</c> (a shared folder for artifacts instead of the database), and libpq's <c>sslmode</c>,
/// <c>connect_timeout</c> and <c>application_name</c>.
/// </summary>
internal sealed record PostgresLocation(string Host, int Port, string Database, string User, string? Password, string? ArtifactRoot, IReadOnlyDictionary<string, string> Options)
{
    private static readonly string[] KnownOptions = ["artifact_root", "sslmode", "connect_timeout", "application_name"];

    /// <summary>Whether a location names a PostgreSQL store.</summary>
    public static bool Names(string location) =>
        location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <summary>The address without its password: what messages and <see cref="ITrackingStore.Location"/> show.</summary>
    public string Display => $"postgresql://{Uri.EscapeDataString(User)}@{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(Database)}";

    /// <exception cref="StoreException">The text is not such an address.</exception>
    public static PostgresLocation Parse(string location)
    {
        var scheme = location.IndexOf("://", StringComparison.Ordinal);
        var rest = location[(scheme + 3)..];
        var hidden = Hide(location);
        var query = "";
        if (rest.IndexOf('?', StringComparison.Ordinal) is var q and >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        string? user = null, password = null;
        if (rest.LastIndexOf('@') is var at and >= 0)
        {
            var credentials = rest[..at];
            rest = rest[(at + 1)..];
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            user = Unescape(colon >= 0 ? credentials[..colon] : credentials);
            password = colon >= 0 ? Unescape(credentials[(colon + 1)..]) : null;
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var hostPort = slash >= 0 ? rest[..slash] : rest;
        var database = slash >= 0 ? Unescape(rest[(slash + 1)..]) : "";
        string host;
        var port = 5432;
        string? portText = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new StoreException($"store '{hidden}': the host's '[' has no ']'");
            }

            host = hostPort[1..close];
            portText = hostPort.Length > close + 1 && hostPort[close + 1] == ':' ? hostPort[(close + 2)..] : null;
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            host = colon >= 0 ? hostPort[..colon] : hostPort;
            portText = colon >= 0 ? hostPort[(colon + 1)..] : null;
        }

        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new StoreException($"store '{hidden}': the port '{portText}' is not a number from 1 to 65535");
        }

        if (host.Length == 0)
        {
            host = "localhost";
        }

        user = string.IsNullOrEmpty(user) ? Environment.GetEnvironmentVariable("PGUSER") is { Length: > 0 } fromEnvironment ? fromEnvironment : Environment.UserName : user;
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new StoreException(database.Length == 0
                ? $"store '{hidden}' names no database; give one after the host, e.g. postgresql://{user}@{host}:{port}/podium"
                : $"store '{hidden}': '{database}' is not a database name");
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Unescape(equals >= 0 ? pair[..equals] : pair);
            var value = equals >= 0 ? Unescape(pair[(equals + 1)..]) : "";
            if (!KnownOptions.Contains(key, StringComparer.Ordinal))
            {
                throw new StoreException($"store '{hidden}': unknown option '{key}'; the options are {string.Join(", ", KnownOptions)}");
            }

            options[key] = value;
        }

        var root = options.Remove("artifact_root", out var folder) && folder.Length > 0 ? Path.GetFullPath(folder) : null;
        return new PostgresLocation(host, port, database, user, password, root, options);
    }

    /// <summary>The Npgsql connection string; without a password here, Npgsql takes PGPASSWORD or the password file.</summary>
    public string ConnectionString(int? poolSize = null)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Database = Database,
            Username = User,
            Password = Password,
            // A store's statements are few and small; a pool as large as the machine's threads serves parallel reads.
            MaxPoolSize = poolSize ?? Math.Max(20, 2 * Environment.ProcessorCount),
            Timeout = 15,
            CommandTimeout = 0,
            ApplicationName = "podium",
            IncludeErrorDetail = false,
            NoResetOnClose = true,
            // A store runs the same few statements again and again: prepared once per connection, planned once.
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 2,
            // ...but planned for its values each time: a generic plan for "metrics.val_accuracy > $1" cannot know whether
            // the filter keeps a few runs or all of them, and on 100,000 runs picks a plan ten times slower.
            Options = "-c plan_cache_mode=force_custom_plan",
        };
        if (Options.TryGetValue("sslmode", out var ssl))
        {
            builder.SslMode = Enum.TryParse<SslMode>(ssl.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode) ? mode
                : throw new StoreException($"store '{Display}': sslmode '{ssl}' is not one of disable, allow, prefer, require, verify-ca, verify-full");
        }

        if (Options.TryGetValue("connect_timeout", out var timeout))
        {
            builder.Timeout = int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds
                : throw new StoreException($"store '{Display}': connect_timeout '{timeout}' is not a whole number of seconds");
        }

        if (Options.TryGetValue("application_name", out var name))
        {
            builder.ApplicationName = name;
        }

        return builder.ConnectionString;
    }

    /// <summary>The address as written with any password replaced, for messages about an address that does not parse.</summary>
    public static string Hide(string location)
    {
        var scheme = location.IndexOf("://", StringComparison.Ordinal);
        var end = location.IndexOfAny(['/', '?'], scheme + 3) is var e and >= 0 ? e : location.Length;
        var at = location.LastIndexOf('@', end - 1, end - (scheme + 3));
        if (at < 0)
        {
            return location;
        }

        var colon = location.IndexOf(':', scheme + 3, at - (scheme + 3));
        return colon < 0 ? location : location[..(colon + 1)] + "***" + location[at..];
    }

    private static string Unescape(string text) => Uri.UnescapeDataString(text);
}
