using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Podium.Server;

/// <summary>
/// The web UI: a page and its scripts, built into the assembly (ours from web/app, the libraries from npm at build
/// time). Only files built in are served, by exact name; the UI reads everything else through the API.
/// </summary>
/// <remarks>
/// Every file goes out compressed when the browser takes it (Brotli, else gzip; compressed once, on first asking)
/// with an ETag of its content, so a reload asks "still the same?" and gets 304 with no body. The page names the
/// libraries with their content hash (<c>/ui/plotly.min.js?v=…</c>), and those are cached for a year: a new build
/// has a new hash, so a browser never runs a stale copy.
/// </remarks>
internal static partial class WebUi
{
    [System.Text.RegularExpressions.GeneratedRegex(@"(\bfrom\s+"")(\./[a-z]+\.js)""")]
    private static partial System.Text.RegularExpressions.Regex ImportPath();

    private const string Prefix = "web/";

    private static readonly Assembly Self = typeof(WebUi).Assembly;

    private static readonly FrozenDictionary<string, Lazy<UiFile>> Files = Self.GetManifestResourceNames()
        .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(name => name[Prefix.Length..])
        .ToFrozenDictionary(name => name, name => new Lazy<UiFile>(() => UiFile.Load(name)), StringComparer.Ordinal);

    // Scripts only from this server, and no inline scripts or event attributes: data shown by the UI could never run
    // as a script, even if it reached the page as markup. Plotly sets inline styles, and its WebGL charts (parallel
    // coordinates) compile their drawing code at run time ('unsafe-eval'); Graphviz runs as WebAssembly.
    private const string Policy = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data: blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    // One hash over every built-in file: our modules import each other with it (./dom.js?v=…), so they too are cached
    // for good and a new build is fetched anew.
    private static readonly Lazy<string> Build = new(() =>
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var name in Files.Keys.Order(StringComparer.Ordinal))
        {
            using var stream = Self.GetManifestResourceStream(Prefix + name)!;
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            var buffer = new byte[1 << 16];
            for (int read; (read = stream.Read(buffer)) > 0;)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    });

    /// <summary>Whether the front-end libraries were built in (npm was available at build time).</summary>
    public static bool Built => Files.ContainsKey("plotly.min.js") && Files.ContainsKey("viz-global.js");

    /// <summary>Whether a request is for the UI's own files, which hold no data and are served without the token.</summary>
    public static bool IsUiFile(PathString path) => path == "/" || path.StartsWithSegments("/ui");

    /// <summary>A library's address with its content hash, for the page to name (cached for a year).</summary>
    public static string Versioned(string name) =>
        Files.TryGetValue(name, out var file) ? $"/ui/{name}?v={file.Value.Hash}" : $"/ui/{name}";

    public static void MapWebUi(this WebApplication app)
    {
        app.MapGet("/", (HttpContext context) => Built ? Serve(context, "index.html")
            : Results.Content(NotBuilt, "text/html; charset=utf-8"));
        app.MapGet("/ui/{name}", (HttpContext context, string name) => Files.ContainsKey(name) ? Serve(context, name)
            : throw new KeyNotFoundException($"the UI has no file '{name}'"));
    }

    private static IResult Serve(HttpContext context, string name)
    {
        var file = Files[name].Value;
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers.Vary = "Accept-Encoding";
        headers.ETag = file.ETag;
        // A hashed address never changes its content; any other is checked with the server on each use (and
        // answered 304 while the same).
        var version = context.Request.Query["v"];
        headers.CacheControl = version == file.Hash || version == Build.Value ? "public, max-age=31536000, immutable" : "no-cache";
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag is not null && tag.Split(',').Any(t => t.Trim() == file.ETag)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var accepted = context.Request.Headers.AcceptEncoding.ToString();
        var (body, encoding) = Accepts(accepted, "br") ? (file.Brotli.Value, "br")
            : Accepts(accepted, "gzip") ? (file.Gzip.Value, "gzip")
            : (file.Bytes, null);
        if (encoding is not null && body.Length < file.Bytes.Length)
        {
            headers.ContentEncoding = encoding;
        }
        else
        {
            body = file.Bytes;
        }

        return Results.Bytes(body, file.ContentType);
    }

    private static bool Accepts(string header, string coding) =>
        header.Split(',').Select(part => part.Split(';')).Any(part => part[0].Trim().Equals(coding, StringComparison.OrdinalIgnoreCase)
            && !(part.Length > 1 && part[1].Trim().Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000"));

    /// <summary>A built-in file: its bytes (the page with its libraries' hashed addresses filled in), hash and compressed forms.</summary>
    private sealed class UiFile
    {
        private UiFile(string name, byte[] bytes)
        {
            Bytes = bytes;
            ContentType = ContentTypes.Of(name);
            Hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
            ETag = $"\"{Hash}\"";
            Gzip = new(() => Compress(bytes, stream => new GZipStream(stream, CompressionLevel.Optimal)));
            Brotli = new(() => Compress(bytes, stream => new BrotliStream(stream, CompressionLevel.Optimal)));
        }

        public byte[] Bytes { get; }

        public string ContentType { get; }

        public string Hash { get; }

        public string ETag { get; }

        public Lazy<byte[]> Gzip { get; }

        public Lazy<byte[]> Brotli { get; }

        public static UiFile Load(string name)
        {
            using var stream = Self.GetManifestResourceStream(Prefix + name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            if (name == "index.html")
            {
                // The page names each file by its content hash: {{name}} becomes /ui/name?v=hash.
                var text = Encoding.UTF8.GetString(bytes);
                foreach (var other in Files.Keys.Where(other => other != name))
                {
                    text = text.Replace("{{" + other + "}}", Versioned(other), StringComparison.Ordinal);
                }

                text = text.Replace("{{build}}", Build.Value, StringComparison.Ordinal);
                bytes = Encoding.UTF8.GetBytes(text);
            }
            else if (name.EndsWith(".js", StringComparison.Ordinal) && !name.Contains(".min.", StringComparison.Ordinal) && name != "viz-global.js")
            {
                // Our modules: each import names the build (from "./dom.js?v=build").
                var text = ImportPath().Replace(Encoding.UTF8.GetString(bytes), match => $"{match.Groups[1].Value}{match.Groups[2].Value}?v={Build.Value}\"");
                bytes = Encoding.UTF8.GetBytes(text);
            }

            return new UiFile(name, bytes);
        }

        private static byte[] Compress(byte[] bytes, Func<Stream, Stream> compressor)
        {
            using var output = new MemoryStream();
            using (var compressing = compressor(output))
            {
                compressing.Write(bytes);
            }

            return output.ToArray();
        }
    }

    private const string NotBuilt = """
        <!doctype html><meta charset="utf-8"><title>Podium</title>
        <p>This build of Podium has no web UI: npm was not found when it was built. Install Node.js and npm
        and build again. The API is at <a href="/api/openapi.json">/api/</a>.</p>
        """;
}
