using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Podium.Tracking;
using Podium.Server;

namespace Podium.Cli.Commands;

/// <summary>podium serve: the REST API over a store, on loopback unless told otherwise.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output)
    {
        var host = new Option<string>("--host") { Description = "The address to listen on; anything but loopback needs --token", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "The port (0 picks a free one)", DefaultValueFactory = _ => 5000 };
        var token = new Option<string?>("--token") { Description = "Every API call must send Authorization: Bearer TOKEN (default: $PODIUM_TOKEN)" };
        var command = new Command(
            "serve",
            """
            Serve the store over HTTP (creating it when missing): the web UI at /, JSON under /api/, and remote
            tracking: with PODIUM_TRACKING_URI=http://HOST:PORT (and PODIUM_TRACKING_TOKEN when --token is set),
            podium run, sweep and the Podium.Tracking library log through this server. Ctrl+C stops it.

            Examples:
              podium serve
              podium serve --host 0.0.0.0 --port 8080 --token "$(openssl rand -hex 16)"
              curl -s 'http://127.0.0.1:5000/api/runs?filter=metrics.val_accuracy%20%3E%200.9&limit=5'
              PODIUM_TRACKING_URI=http://127.0.0.1:5000 podium run spec.yaml
            """)
        {
            host, port, token,
        };
        command.SetAction(async (parsed, cancellation) =>
        {
            var app = PodiumServer.Create(new ServerOptions
            {
                Store = PodiumCommand.StoreOf(parsed),
                CreateStore = true,
                Host = parsed.GetValue(host)!,
                Port = parsed.GetValue(port),
                Token = parsed.GetValue(token) ?? Environment.GetEnvironmentVariable("PODIUM_TOKEN"),
            });
            await using (app)
            {
                await app.StartAsync(cancellation);
                var store = app.Services.GetRequiredService<ITrackingStore>().Location;
                TerminalTable.WriteWrapped(output, $"podium serve: listening on {string.Join(", ", app.Urls)} over the store {store} (Ctrl+C stops)");
                await app.WaitForShutdownAsync(cancellation);
            }

            return 0;
        });
        return command;
    }
}
