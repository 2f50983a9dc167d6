using Podium.Tests;
using Xunit;

namespace Podium.Cli.Tests;

/// <summary>The commands on a PostgreSQL store, as a user meets them: run, board, show, compare and reproduce work as on SQLite.</summary>
public sealed class PostgresStoreCommandTests : IDisposable
{
    private const string Tiny = "data: {source: shapes, count: 120, size: 16, classes: 3}\nmodel: basic_cnn\nmodel_width: 0.25\npadding: same\nbatch_size: 16\nepochs: 2\n";
    private readonly TempFolder _folder = new();
    private readonly string _database = PostgresServer.CreateDatabase();

    public void Dispose()
    {
        PostgresServer.DropDatabase(_database);
        _folder.Dispose();
    }

    private (int ExitCode, string Out, string Err) Podium(params string[] arguments) => PodiumProcess.Run(_folder.Path, [.. arguments, "--store", _database]);

    [Fact]
    public void Runs_recorded_in_PostgreSQL_rank_compare_and_reproduce_bit_identically()
    {
        File.WriteAllText(_folder.File("a.yaml"), Tiny + "optimizer: adam\n");
        File.WriteAllText(_folder.File("b.yaml"), Tiny + "optimizer: rmsprop\n");
        Assert.Equal(0, Podium("run", "a.yaml", "-q").ExitCode);
        Assert.Equal(0, Podium("run", "b.yaml", "-q").ExitCode);

        var (code, board, error) = Podium("board", "--format", "csv", "--columns", "run,optimizer,run_id");
        Assert.True(code == 0, error);
        var rows = board.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).ToList();
        Assert.Equal(2, rows.Count);
        var ids = rows.Select(r => r.Split(',')[^1][..8]).ToArray();

        (code, var compared, error) = Podium(["compare", .. ids]);
        Assert.True(code == 0, error);
        Assert.Matches(@"optimizer\s*│\s*(adam|rmsprop)\s*│\s*(adam|rmsprop)", compared);

        (code, var shown, error) = Podium("show", ids[0]);
        Assert.True(code == 0, error);
        Assert.Contains("weights/", shown, StringComparison.Ordinal);

        // Reproducing reads the run's spec and data fingerprint back from the database's artifacts.
        (code, var reproduced, error) = Podium("reproduce", ids[0]);
        Assert.True(code == 0, reproduced + error);
        Assert.Contains("bit-identical", reproduced, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_password_is_one_line_without_the_password_and_exit_code_1()
    {
        var uri = new Uri(_database);
        var wrong = $"postgresql://podium:hunter2@{uri.Host}:{uri.Port}{uri.AbsolutePath}";

        var (code, output, error) = PodiumProcess.Run(_folder.Path, "board", "--store", wrong);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"podium: store postgresql://podium@{uri.Host}:{uri.Port}{uri.AbsolutePath}: the password for user 'podium' was refused; give the right one in the address, PGPASSWORD or ~/.pgpass\n", error);
    }
}
