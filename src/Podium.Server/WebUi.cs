using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Podium.Server;

/// <summary>
/// The web UI: a page and its scripts, built into the assembly (ours from web/app, the libraries from npm at build
/// time). Only files built in are served, by exact name; the UI reads everything else through the API.
/// </summary>
internal static class WebUi
{
    private const string Prefix = "web/";

    private static readonly Assembly Self = typeof(WebUi).Assembly;

    private static readonly FrozenSet<string> Files = Self.GetManifestResourceNames()
        .Where(name => name.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(name => name[Prefix.Length..])
        .ToFrozenSet(StringComparer.Ordinal);

    // Scripts only from this server, and no inline scripts or event attributes: data shown by the UI could never run
    // as a script, even if it reached the page as markup. Plotly sets inline styles, and its WebGL charts (parallel
    // coordinates) compile their drawing code at run time ('unsafe-eval'); Graphviz runs as WebAssembly.
    private const string Policy = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data: blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>Whether the front-end libraries were built in (npm was available at build time).</summary>
    public static bool Built => Files.Contains("tabulator.min.js") && Files.Contains("plotly.min.js") && Files.Contains("viz-global.js");

    /// <summary>Whether a request is for the UI's own files, which hold no data and are served without the token.</summary>
    public static bool IsUiFile(PathString path) => path == "/" || path.StartsWithSegments("/ui");

    public static void MapWebUi(this WebApplication app)
    {
        app.MapGet("/", (HttpContext context) => Built ? Serve(context, "index.html")
            : Results.Content(NotBuilt, "text/html; charset=utf-8"));
        app.MapGet("/ui/{name}", (HttpContext context, string name) => Files.Contains(name) ? Serve(context, name)
            : throw new KeyNotFoundException($"the UI has no file '{name}'"));
    }

    private static IResult Serve(HttpContext context, string name)
    {
        context.Response.Headers.ContentSecurityPolicy = Policy;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Stream(Self.GetManifestResourceStream(Prefix + name)!, ContentTypes.Of(name));
    }

    private const string NotBuilt = """
        <!doctype html><meta charset="utf-8"><title>Podium</title>
        <p>This build of Podium has no web UI: npm was not found when it was built. Install Node.js and npm
        and build again. The API is at <a href="/api/openapi.json">/api/</a>.</p>
        """;
}
