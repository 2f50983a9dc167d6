using Microsoft.AspNetCore.Builder;
using Podium.Tests;
using Podium.Tracking;
using Podium.Tracking.Tests.Stores;

namespace Podium.Server.Tests;

/// <summary>The remote store passes the same contract as SQLite, against a real server on 127.0.0.1 over a real SQLite store.</summary>
public sealed class HttpStoreContractTests : StoreContractTests<ServedStoreFactory>;

/// <summary>The remote store in front of PostgreSQL: podium serve --store postgresql://….</summary>
public sealed class HttpPostgresStoreContractTests : StoreContractTests<ServedPostgresStoreFactory>;

/// <summary>Serves a new PostgreSQL database on a free loopback port, and opens the store by its http:// address.</summary>
public sealed class ServedPostgresStoreFactory : IStoreFactory, IDisposable
{
    private readonly ServedStoreFactory _served = new();
    private string? _database;

    public ITrackingStore Create(TempFolder folder)
    {
        _database = PostgresServer.CreateDatabase();
        return _served.Create(_database);
    }

    public ITrackingStore OpenAgain() => _served.OpenAgain();

    public void Dispose()
    {
        _served.Dispose();
        if (_database is not null)
        {
            PostgresServer.DropDatabase(_database);
        }
    }
}

/// <summary>Starts <c>podium serve</c>'s server on a free loopback port over a new SQLite store, and opens the store by its http:// address.</summary>
public sealed class ServedStoreFactory : IStoreFactory, IDisposable
{
    private WebApplication? _server;
    private string? _url;

    public ITrackingStore Create(TempFolder folder) => Create(folder.File("store"));

    /// <summary>Serves the store at a location (a SQLite path or a postgresql:// address) and opens it by its http:// address.</summary>
    public ITrackingStore Create(string store)
    {
        var (server, url) = Serve(store);
        _server = server;
        return TrackingStores.Open(_url = url);
    }

    public ITrackingStore OpenAgain() => TrackingStores.Open(_url!);

    /// <summary>Creates a store at a location and serves it; returns the running server and its address.</summary>
    public static (WebApplication Server, string Url) Serve(string storePath, ServerOptions? options = null)
    {
        TrackingStores.Open(storePath).Dispose();
        var server = PodiumServer.Create((options ?? new ServerOptions()) with { Store = storePath, Port = 0 });
        server.StartAsync().GetAwaiter().GetResult();
        return (server, server.Urls.Single());
    }

    public void Dispose()
    {
        if (_server is { } server)
        {
            server.StopAsync().GetAwaiter().GetResult();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}

/// <summary>The trial queue through podium serve, over SQLite.</summary>
public sealed class HttpTrialQueueContractTests : TrialQueueContractTests<ServedStoreFactory>;
