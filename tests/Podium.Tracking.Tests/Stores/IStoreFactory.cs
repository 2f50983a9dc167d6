using Podium.Tests;

namespace Podium.Tracking.Tests.Stores;

/// <summary>Makes a fresh, empty store of one kind for a contract test; a factory that is IDisposable is disposed after the store.</summary>
public interface IStoreFactory
{
    ITrackingStore Create(TempFolder folder);

    /// <summary>The store made last, opened again: another connection, as another process would have.</summary>
    ITrackingStore OpenAgain();
}

public sealed class SqliteStoreFactory : IStoreFactory
{
    private string? _path;

    public ITrackingStore Create(TempFolder folder) => TrackingStores.Open(_path = folder.File("store"));

    public ITrackingStore OpenAgain() => TrackingStores.Open(_path!);
}

/// <summary>A PostgreSQL store in a database of its own on the tests' server, dropped after the test.</summary>
public sealed class PostgresStoreFactory : IStoreFactory, IDisposable
{
    private string? _database;

    public ITrackingStore Create(TempFolder folder)
    {
        _database = PostgresServer.CreateDatabase();
        return TrackingStores.Open(_database);
    }

    public ITrackingStore OpenAgain() => TrackingStores.Open(_database!);

    public void Dispose()
    {
        if (_database is not null)
        {
            PostgresServer.DropDatabase(_database);
        }
    }
}
