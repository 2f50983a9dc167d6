using Podium.Tests;

namespace Podium.Tracking.Tests.Stores;

/// <summary>Makes a fresh, empty store of one kind for a contract test; a factory that is IDisposable is disposed after the store.</summary>
public interface IStoreFactory
{
    ITrackingStore Create(TempFolder folder);
}

public sealed class SqliteStoreFactory : IStoreFactory
{
    public ITrackingStore Create(TempFolder folder) => TrackingStores.Open(folder.File("store"));
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

    public void Dispose()
    {
        if (_database is not null)
        {
            PostgresServer.DropDatabase(_database);
        }
    }
}
