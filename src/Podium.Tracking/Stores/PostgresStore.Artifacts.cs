using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace Podium.Tracking.Stores;

internal sealed partial class PostgresStore
{
    /// <summary>Bytes per row of artifact_chunks: large enough for few rows, small enough to stream.</summary>
    internal const int ArtifactChunkBytes = 1 << 20;

    /// <inheritdoc/>
    public ArtifactInfo LogArtifact(string runId, string path, Stream content)
    {
        var relative = ArtifactPath.Normalize(path);
        using var connection = Open();
        var run = RunKey(connection, runId);
        return Address.ArtifactRoot is { } root
            ? LogArtifactFile(connection, run, runId, root, relative, content)
            : LogArtifactRows(connection, run, relative, content);
    }

    /// <summary>Streams the content into artifact_chunks by binary COPY, in one transaction with its row: a reader sees all of it or the old one.</summary>
    private static ArtifactInfo LogArtifactRows(NpgsqlConnection connection, long run, string relative, Stream content)
    {
        using var transaction = connection.BeginTransaction();
        CheckArtifactClash(connection, run, relative, transaction);
        using (var clear = new NpgsqlCommand("DELETE FROM artifact_chunks WHERE run_pk = @run AND path = @path;", connection, transaction))
        {
            clear.Parameters.AddWithValue("run", run);
            clear.Parameters.AddWithValue("path", relative);
            clear.ExecuteNonQuery();
        }

        long size = 0;
        string sha;
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            using (var copy = connection.BeginBinaryImport("COPY artifact_chunks (run_pk, path, seq, data) FROM STDIN (FORMAT BINARY)"))
            {
                var buffer = new byte[ArtifactChunkBytes];
                long seq = 0;
                int filled;
                while ((filled = content.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
                {
                    hash.AppendData(buffer, 0, filled);
                    size += filled;
                    copy.StartRow();
                    copy.Write(run, NpgsqlDbType.Bigint);
                    copy.Write(relative, NpgsqlDbType.Text);
                    copy.Write(seq++, NpgsqlDbType.Bigint);
                    copy.Write(new ArraySegment<byte>(buffer, 0, filled), NpgsqlDbType.Bytea);
                }

                copy.Complete();
            }

            sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        RecordArtifact(connection, run, relative, size, sha, inDatabase: true, transaction);
        transaction.Commit();
        return new ArtifactInfo(relative, size, sha);
    }

    /// <summary>Writes the file under the artifact root (beside it, then renamed, as the SQLite store does), then its row.</summary>
    private ArtifactInfo LogArtifactFile(NpgsqlConnection connection, long run, string runId, string root, string relative, Stream content)
    {
        var (size, sha) = ArtifactPath.WriteFile(Path.GetFullPath(Path.Combine(root, runId)), relative, content);
        using var transaction = connection.BeginTransaction();
        RecordArtifact(connection, run, relative, size, sha, inDatabase: false, transaction);
        using (var clear = new NpgsqlCommand("DELETE FROM artifact_chunks WHERE run_pk = @run AND path = @path;", connection, transaction))
        {
            clear.Parameters.AddWithValue("run", run);
            clear.Parameters.AddWithValue("path", relative);
            clear.ExecuteNonQuery();
        }

        transaction.Commit();
        return new ArtifactInfo(relative, size, sha);
    }

    private static void RecordArtifact(NpgsqlConnection connection, long run, string relative, long size, string sha, bool inDatabase, NpgsqlTransaction transaction)
    {
        using var command = new NpgsqlCommand(
            """
            INSERT INTO artifacts(run_pk, path, size, sha256, in_database) VALUES (@run, @path, @size, @sha, @db)
            ON CONFLICT (run_pk, path) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, in_database = excluded.in_database;
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("run", run);
        command.Parameters.AddWithValue("path", relative);
        command.Parameters.AddWithValue("size", size);
        command.Parameters.AddWithValue("sha", sha);
        command.Parameters.AddWithValue("db", inDatabase);
        command.ExecuteNonQuery();
    }

    /// <summary>Refuses a path that needs a folder where an artifact file is, or names a folder of other artifacts, as files on disk would.</summary>
    private static void CheckArtifactClash(NpgsqlConnection connection, long run, string relative, NpgsqlTransaction transaction)
    {
        var parts = relative.Split('/');
        var folders = Enumerable.Range(1, parts.Length - 1).Select(n => string.Join('/', parts[..n])).ToArray();
        using var command = new NpgsqlCommand(
            "SELECT path FROM artifacts WHERE run_pk = @run AND (path = ANY(@folders) OR starts_with(path, @inside)) LIMIT 1;", connection, transaction);
        command.Parameters.AddWithValue("run", run);
        command.Parameters.AddWithValue("folders", folders);
        command.Parameters.AddWithValue("inside", relative + "/");
        if (command.ExecuteScalar() is string clash)
        {
            throw new ArtifactConflictException(folders.Contains(clash, StringComparer.Ordinal)
                ? $"artifact path '{relative}' needs a folder '{clash}', but an artifact file has that name"
                : $"artifact path '{relative}' is a folder of other artifacts; give the file another name");
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<ArtifactInfo> ListArtifacts(string runId)
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("SELECT path, size, sha256 FROM artifacts WHERE run_pk = @run ORDER BY path;", connection);
        command.Parameters.AddWithValue("run", RunKey(connection, runId));
        using var reader = command.ExecuteReader();
        var list = new List<ArtifactInfo>();
        while (reader.Read())
        {
            list.Add(new ArtifactInfo(reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        }

        return list;
    }

    /// <inheritdoc/>
    public Stream OpenArtifact(string runId, string path)
    {
        var relative = ArtifactPath.Normalize(path);
        long run, size;
        bool inDatabase;
        using (var connection = Open())
        {
            run = RunKey(connection, runId);
            using var command = new NpgsqlCommand("SELECT size, in_database FROM artifacts WHERE run_pk = @run AND path = @path;", connection);
            command.Parameters.AddWithValue("run", run);
            command.Parameters.AddWithValue("path", relative);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                throw new FileNotFoundException($"run {runId} has no artifact '{relative}'");
            }

            (size, inDatabase) = (reader.GetInt64(0), reader.GetBoolean(1));
        }

        if (inDatabase)
        {
            return new ChunkStream(this, run, relative, size);
        }

        if (Address.ArtifactRoot is not { } root)
        {
            throw new StoreException(
                $"run {runId[..Math.Min(8, runId.Length)]}'s artifact '{relative}' is kept in the store's artifact root, a shared folder; open the store with ?artifact_root=FOLDER, or read it through podium serve");
        }

        return File.OpenRead(ArtifactPath.OnDisk(Path.GetFullPath(Path.Combine(root, runId)), relative));
    }

    /// <summary>An artifact kept in the database, read a chunk at a time as the reader asks for it.</summary>
    private sealed class ChunkStream(PostgresStore store, long run, string path, long size) : Stream
    {
        private byte[] _chunk = [];
        private int _offset;
        private long _next;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => size;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_offset == _chunk.Length && !Fetch())
            {
                return 0;
            }

            var n = Math.Min(buffer.Length, _chunk.Length - _offset);
            _chunk.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            _position += n;
            return n;
        }

        private bool Fetch()
        {
            if (_position >= size)
            {
                return false;
            }

            using var connection = store.Open();
            using var command = new NpgsqlCommand("SELECT data FROM artifact_chunks WHERE run_pk = @run AND path = @path AND seq = @seq;", connection);
            command.Parameters.AddWithValue("run", run);
            command.Parameters.AddWithValue("path", path);
            command.Parameters.AddWithValue("seq", _next);
            _chunk = command.ExecuteScalar() as byte[]
                ?? throw new IOException($"artifact '{path}' lost its part {_next} while being read (it was written again or purged)");
            _next++;
            _offset = 0;
            return _chunk.Length > 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
