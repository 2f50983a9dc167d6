using Microsoft.AspNetCore.Builder;

namespace Podium.Server.Tests;

/// <summary>A real podium server on a free loopback port over a store folder, and a client for it; stopped on dispose.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _server;

    private LoopbackServer(WebApplication server)
    {
        _server = server;
        Client = new HttpClient { BaseAddress = new Uri(server.Urls.Single()), Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>A client whose relative addresses go to the server.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts a server over <paramref name="store"/> (which must exist).</summary>
    public static async Task<LoopbackServer> Start(string store)
    {
        var server = PodiumServer.Create(new ServerOptions { Store = store, Port = 0 });
        await server.StartAsync();
        return new LoopbackServer(server);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
