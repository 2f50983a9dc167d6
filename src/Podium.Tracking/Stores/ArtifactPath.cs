using System.Security.Cryptography;
using System.Text;

namespace Podium.Tracking.Stores;

/// <summary>Checks artifact paths so that none can leave a run's artifact folder, by name or through a link.</summary>
internal static class ArtifactPath
{
    /// <summary>The longest name of one part of a path, in UTF-8 bytes: what common file systems allow.</summary>
    public const int MostPartBytes = 255;

    /// <summary>The longest whole path, in UTF-8 bytes.</summary>
    public const int MostPathBytes = 1024;

    /// <summary>Returns the path in canonical form (forward slashes), or throws naming what is wrong.</summary>
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            throw new ArgumentException("an artifact path cannot be empty", nameof(path));
        }

        if (path.Contains('\\', StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal) || path.Contains('%', StringComparison.Ordinal))
        {
            throw new ArgumentException($"artifact path '{path}' has a backslash, NUL or '%'; use plain '/'-separated names", nameof(path));
        }

        if (path.StartsWith('/') || (path.Length > 1 && path[1] == ':'))
        {
            throw new ArgumentException($"artifact path '{path}' is absolute; give a path relative to the run", nameof(path));
        }

        if (Encoding.UTF8.GetByteCount(path) > MostPathBytes)
        {
            throw new ArgumentException($"artifact path '{path[..40]}…' is longer than {MostPathBytes} bytes", nameof(path));
        }

        var parts = path.Split('/');
        foreach (var part in parts)
        {
            if (part is "" or "." or "..")
            {
                throw new ArgumentException($"artifact path '{path}' has an empty, '.' or '..' part", nameof(path));
            }

            if (Encoding.UTF8.GetByteCount(part) > MostPartBytes)
            {
                throw new ArgumentException($"artifact path '{path[..Math.Min(40, path.Length)]}…' has a name longer than {MostPartBytes} bytes", nameof(path));
            }
        }

        return string.Join('/', parts);
    }

    /// <summary>
    /// The file an artifact lives in under a run's folder, checked on disk: no part of the way may be a symbolic
    /// link (one planted in the folder could point anywhere), nor a file where a folder is needed, or the reverse.
    /// </summary>
    /// <exception cref="ArgumentException">The way goes through a link.</exception>
    /// <exception cref="ArtifactConflictException">A file stands where a folder is needed, or a folder where the file is.</exception>
    public static string OnDisk(string runFolder, string relative)
    {
        if (new DirectoryInfo(runFolder).LinkTarget is not null)
        {
            throw new ArgumentException($"the run's artifact folder '{runFolder}' is a symbolic link; Podium does not follow links there");
        }

        var at = runFolder;
        var parts = relative.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            at = Path.Combine(at, parts[i]);
            var last = i == parts.Length - 1;
            var info = new FileInfo(at);
            if (info.LinkTarget is not null)
            {
                throw new ArgumentException($"artifact path '{relative}' goes through a symbolic link in the run's folder; Podium does not follow links there");
            }

            if (!last && info.Exists)
            {
                throw new ArtifactConflictException($"artifact path '{relative}' needs a folder '{string.Join('/', parts[..(i + 1)])}', but an artifact file has that name");
            }

            if (last && Directory.Exists(at))
            {
                throw new ArtifactConflictException($"artifact path '{relative}' is a folder of other artifacts; give the file another name");
            }
        }

        return at;
    }

    /// <summary>
    /// Writes an artifact's content to its file under a run's folder: beside the file first, then renamed over it, so a
    /// reader never sees half a file. Returns its size and SHA-256.
    /// </summary>
    /// <exception cref="ArgumentException">The path leaves the run's folder, or goes through a link.</exception>
    public static (long Size, string Sha256) WriteFile(string runFolder, string relative, Stream content)
    {
        if (!Path.GetFullPath(Path.Combine(runFolder, relative)).StartsWith(runFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"artifact path '{relative}' leaves the run's folder", nameof(relative));
        }

        var target = OnDisk(runFolder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + "." + Guid.NewGuid().ToString("N") + ".partial";
        long size;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = content.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                output.Write(buffer, 0, read);
            }

            output.Flush(flushToDisk: true);
            size = output.Length;
        }

        File.Move(temporary, target, overwrite: true);
        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
