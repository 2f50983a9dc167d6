using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Podium.Server.Apis;
using Podium.Tracking;
using Podium.Tracking.Protocol;
using Podium.Tracking.Query;

namespace Podium.Server;

/// <summary>
/// The REST API over one tracking store (experiments; runs: search, get, create, log, end; leaderboard rows; metric
/// history with server-side downsampling; datasets; artifacts) and the web UI built on it. It binds to loopback unless told otherwise, and refuses any other
/// address without a token; with a token every call must carry it. Errors are RFC 9457 problem details.
/// </summary>
public static class PodiumServer
{
    /// <summary>The JSON the API speaks: snake_case names, enums as text.</summary>
    public static JsonSerializerOptions Json => TrackingJson.Options;

    /// <summary>Builds the server (not yet started) over the store the options name.</summary>
    /// <exception cref="ArgumentException">A non-loopback address without a token, or a host that is not an address.</exception>
    public static WebApplication Create(ServerOptions options)
    {
        var address = options.Host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(options.Host, out var parsed) ? parsed
            : throw new ArgumentException($"--host '{options.Host}' is not an IP address");
        if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(options.Token))
        {
            throw new ArgumentException($"refusing to listen on {options.Host} without --token: only loopback may go unauthenticated");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port);
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxRequestBytes, options.MaxArtifactBytes);
        });
        // Malformed or oversize bodies throw, so they get problem details like every other error.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(json =>
        {
            TrackingJson.Apply(json.SerializerOptions);
            // A null sent for a member that cannot be null is bad input (400 naming it), not a null that fails deep in
            // the store (500); members left out are caught by RequestValidation.
            json.SerializerOptions.RespectNullableAnnotations = true;
        });
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Podium";
            document.Info.Description = "Experiment tracking and a model leaderboard: runs, metrics, datasets, models and artifacts.";
            return Task.CompletedTask;
        }));
        var location = TrackingStores.Resolve(options.Store);
        if (TrackingStores.IsServer(location))
        {
            throw new ArgumentException($"the server keeps a local store (a folder or .db file), not another server: '{location}'"
                + (options.Store is null ? $" comes from {TrackingStores.UriVariable}; give --store" : ""));
        }

        var store = TrackingStores.Open(location, create: options.CreateStore);
        builder.Services.AddSingleton(store);
        // Downsampled series for charts (RunsApi): up to two million points kept.
        builder.Services.AddMemoryCache(memory => memory.SizeLimit = 2_000_000);
        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(store.Dispose);
        app.Use(Problems);
        app.Use(async (context, next) =>
        {
            // A declared length over the bound is answered before reading; Kestrel would answer an unread one
            // itself, with an empty body.
            // Routing has run: an endpoint may set its own bound (artifact uploads).
            var most = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? options.MaxRequestBytes;
            if (context.Request.ContentLength > most)
            {
                context.Response.Headers.Connection = "close"; // the unread body makes the connection unusable
                await Problem(context, StatusCodes.Status413PayloadTooLarge, $"the body is {context.Request.ContentLength:N0} bytes; the server takes at most {most:N0}");
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            {
                bodyLimit.MaxRequestBodySize = most;
            }

            await next(context);
        });
        if (!string.IsNullOrEmpty(options.Token))
        {
            var expected = SHA256.HashData(Encoding.UTF8.GetBytes("Bearer " + options.Token));
            app.Use(async (context, next) =>
            {
                if (WebUi.IsUiFile(context.Request.Path))
                {
                    await next(context);
                    return;
                }

                var given = SHA256.HashData(Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString()));
                if (!CryptographicOperations.FixedTimeEquals(given, expected))
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await Problem(context, StatusCodes.Status401Unauthorized, "a valid token is required: send Authorization: Bearer TOKEN");
                    return;
                }

                await next(context);
            });
        }

        Map(app, options);
        return app;
    }

    private static void Map(WebApplication app, ServerOptions options)
    {
        var api = app.MapGroup("/api");
        api.AddEndpointFilter(RequestValidation.Filter);
        app.MapOpenApi("/api/openapi.json");
        api.MapRunsApi(options.MaxArtifactBytes);
        api.MapLeaderboardApi();
        api.MapDatasetsApi();
        api.MapSweepsApi();
        app.MapWebUi();
        app.MapFallback((HttpContext context) => Problem(context, StatusCodes.Status404NotFound, $"no such endpoint: {context.Request.Method} {context.Request.Path}"));
    }

    /// <summary>Turns every error into a problem details answer: bad input 400, missing things 404, oversize 413; never a stack trace.</summary>
    private static async Task Problems(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception error) when (!context.Response.HasStarted)
        {
            var (status, detail) = error switch
            {
                ParamConflictException => (StatusCodes.Status409Conflict, error.Message),
                ReadOnlyStoreException => (StatusCodes.Status403Forbidden, error.Message),
                ArtifactConflictException => (StatusCodes.Status409Conflict, error.Message),
                QueryException or ArgumentException or FormatException or JsonException => (StatusCodes.Status400BadRequest, error.Message),
                // The JSON reader's path names the member ($.dataset.name); its message names .NET types, so it is not sent.
                BadHttpRequestException { InnerException: JsonException { Path: { Length: > 2 } path } } bad =>
                    (bad.StatusCode, $"the body's {path[2..]} is null where a value is required, a value of the wrong kind, or text that is not valid Unicode"),
                // The framework's own message names the .NET parameter type; say what is wrong with the body instead.
                BadHttpRequestException { InnerException: JsonException } bad => (bad.StatusCode, "the body is not valid JSON; send a JSON object as the API describes at /api/openapi.json"),
                BadHttpRequestException bad => (bad.StatusCode, bad.Message),
                KeyNotFoundException or FileNotFoundException => (StatusCodes.Status404NotFound, error.Message),
                _ => (StatusCodes.Status500InternalServerError, ""),
            };
            var problem = Described(error, status, detail);
            if (status == StatusCodes.Status500InternalServerError)
            {
                // The answer carries an id and the log the whole error under it, so a user's report finds the cause.
                var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
                problem = problem with { Detail = $"the server failed to answer (error {id}); its log has the details", ErrorId = id };
                await Console.Error.WriteLineAsync($"podium serve: error {id} on {context.Request.Method} {context.Request.Path}: {error}");
            }

            await Problem(context, problem);
        }
    }

    /// <summary>The problem answer for an error, with what a client needs to raise the same error again: a query error's place, a param conflict's values.</summary>
    private static ProblemResponse Described(Exception? error, int status, string detail)
    {
        var problem = new ProblemResponse("about:blank", Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), status, UserText.OneLine(detail, 2000));
        return error switch
        {
            QueryException query => problem with { Problem = query.Problem, Column = query.Column, Token = query.Token },
            ParamConflictException conflict => problem with { Key = conflict.Key, Stored = conflict.Stored, Refused = conflict.Refused },
            _ => problem,
        };
    }

    private static Task Problem(HttpContext context, int status, string detail) => Problem(context, Described(null, status, detail));

    private static Task Problem(HttpContext context, ProblemResponse problem)
    {
        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = "application/problem+json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(problem, Json));
    }
}
