using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProductKeys.CalServer.Data;
using ProductKeys.CalServer.Serving;
using ProductKeys.Core.Errors;
using ProductKeys.Hosting;
using ProductKeys.Core.Tls;

namespace ProductKeys.CalServer;

/// <summary>The CAL server web application (<c>pk cal-server serve</c>): one line per feature.</summary>
public static class CalServerApp
{
    /// <summary>Builds the server; the data folder's key, ID and database are opened (created when new) here.</summary>
    /// <param name="dataDirectory">The data folder.</param>
    /// <param name="urls">Where to listen, e.g. <c>http://0.0.0.0:16881</c>.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> unless testing.</param>
    /// <param name="logging">Adjusts logging (the CLI keeps the console quiet).</param>
    /// <param name="maxConnections">Connections each address holds at once (<c>--max-connections</c>); <c>null</c>: <c>Connections:Max</c>, else from the file limit.</param>
    /// <param name="certificate">What https:// addresses answer with (--cert/--key); <c>null</c>: only Kestrel's configuration, if any.</param>
    /// <param name="sync">How commits reach the disk (<c>--sync</c>; docs/adr/0018-cal-server.md).</param>
    public static Outcome<WebApplication> Build(
        string dataDirectory, IReadOnlyList<string> urls, TimeProvider time, Action<ILoggingBuilder>? logging = null, long? maxConnections = null,
        ServerCertificate? certificate = null, CalSyncMode sync = CalSyncMode.Auto)
    {
        ArgumentNullException.ThrowIfNull(urls);
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, "--data is required.");
        }

        if (maxConnections < 1)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{ConnectionLimits.Option} must be at least 1.");
        }

        var folder = new CalServerFolder(dataDirectory);
        if (ServingFolder.Prepare(folder.Path) is { } unusable)
        {
            return unusable;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = folder.Path,
            // No watcher on the data folder, whose database changes on every request (as the KMS host).
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        // PK_ variables as for pk server (PK_Connections__Max); the command line wins.
        builder.Configuration.AddEnvironmentVariables("PK_");
        if (maxConnections is { } max)
        {
            builder.Configuration.AddInMemoryCollection([new(ConnectionLimits.Setting, max.ToString(CultureInfo.InvariantCulture))]);
        }

        builder.WebHost.UseUrls([.. urls]);
        try
        {
            builder.AddConnectionGuard(urls.Count);
        }
        catch (InvalidOperationException e)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, e.Message);
        }

        // https:// addresses: the --cert/--key certificate, or Kestrel:Certificates:Default (PK_ variables, or the data folder's appsettings.json).
        // Checked before the key, the ID and the database are made: a start refused for them leaves the folder as it was.
        if (builder.UseHttps(urls, certificate, time) is { IsSuccess: false } tlsProblem)
        {
            return tlsProblem.Refusal;
        }

        var identity = CalServerIdentity.LoadOrCreate(folder);
        if (!identity.IsSuccess)
        {
            return identity.Refusal;
        }

        // One server per folder, as the KMS host: a second one is CONFLICT, not a second queue on the same ledger.
        var servingLock = DataFolderLock.Take(folder.LockFile, "CAL server");
        if (!servingLock.IsSuccess)
        {
            identity.Value.Dispose();
            return servingLock.Refusal;
        }

        var ledger = CalLedger.Open(folder, identity.Value, time, sync);
        if (!ledger.IsSuccess)
        {
            servingLock.Value.Dispose();
            identity.Value.Dispose();
            return ledger.Refusal;
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = CalEndpoints.MaxBodyBytes);
        logging?.Invoke(builder.Logging);
        // Answers no endpoint chose (unknown path, wrong method, unreadable JSON) carry the code their status stands for,
        // and a body the endpoint could not read says what to send.
        builder.Services.AddProblemDetails(p => p.CustomizeProblemDetails = c =>
        {
            var status = c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode;
            c.ProblemDetails.Extensions.TryAdd("code", ErrorCatalogue.ForHttpStatus(status).Code);
            c.ProblemDetails.Detail ??= CalEndpoints.DetailFor(status);
        });
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, CalJsonContext.Default);
            json.SerializerOptions.AllowDuplicateProperties = false; // a member twice is refused, not last-wins
        });
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(folder);
        builder.Services.AddSingleton(identity.Value);
        builder.Services.AddSingleton(ledger.Value);
        // Made by the container, so disposing the app (or its end) lets the folder go.
        builder.Services.AddSingleton(_ => servingLock.Value);

        var app = builder.Build();
        app.Services.GetRequiredService<DataFolderLock>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSharedRequestRules(); // charset=foo: 415 with its code, not a 500; HEAD without a body
        // HEAD too: load balancers and uptime checks probe with it (the body is not sent).
        app.MapMethods("/healthz", [HttpMethods.Get, HttpMethods.Head], () => TypedResults.Text("ok")).WithName("CalServerHealth").WithSummary("Answers ok while the CAL server runs.");
        app.MapCals();
        return app;
    }

    /// <summary>The addresses a started server listens on (with the real port when 0 was asked for).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
    }

    /// <summary>How the server's commits reach the disk, <c>--sync auto</c> resolved.</summary>
    public static CalSyncMode Sync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<CalLedger>().Sync;
    }

    /// <summary>Installed packs that do not count because the publisher withdrew the key that signed them.</summary>
    public static Task<IReadOnlyList<WithdrawnPack>> WithdrawnPacksAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<CalLedger>().WithdrawnPacksAsync(cancellationToken);
    }

    /// <summary>The installed packs that count.</summary>
    public static Task<IReadOnlyList<Core.Certificates.CalPackCertificate>> PacksAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<CalLedger>().PacksAsync(cancellationToken);
    }

    /// <summary>The server's ID (created with the data folder).</summary>
    public static string ServerId(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<CalServerIdentity>().ServerId;
    }
}
