using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Hosting;
using ProductKeys.Core.Tls;
using ProductKeys.KmsHost.Activation;
using ProductKeys.KmsHost.Clients;
using ProductKeys.KmsHost.Counting;
using ProductKeys.KmsHost.Data;
using ProductKeys.Telemetry;

namespace ProductKeys.KmsHost;

/// <summary>The KMS host web application (<c>pk kms-host serve</c>): one line per feature.</summary>
public static class KmsHostApp
{
    /// <summary>The OpenTelemetry <c>service.name</c> of KMS hosts.</summary>
    public const string ServiceName = "pk-kms-host";

    /// <summary>The meta entry holding the addresses the host last listened on.</summary>
    public const string ListeningMeta = "listening";

    /// <summary>Builds the host; the data folder's key, ID and database are opened (created when new) here.</summary>
    /// <param name="options">Data folder and intervals.</param>
    /// <param name="urls">Where to listen, e.g. <c>http://0.0.0.0:16880</c>.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> unless testing.</param>
    /// <param name="logging">Adjusts logging (the CLI keeps the console quiet).</param>
    /// <param name="certificate">What https:// addresses answer with (--cert/--key); <c>null</c>: only Kestrel's configuration, if any.</param>
    public static Outcome<WebApplication> Build(
        KmsHostOptions options, IReadOnlyList<string> urls, TimeProvider time, Action<ILoggingBuilder>? logging = null, ServerCertificate? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(urls);
        if (options.Problem() is { } problem)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, problem);
        }

        var folder = new KmsHostFolder(options.DataDirectory);
        if (ServingFolder.Prepare(folder.Path) is { } notAFolder)
        {
            return notAFolder;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = folder.Path,
            // No live reload of appsettings*.json: watching for them puts an inotify watch on the data
            // folder, and every write of the database and its WAL then woke a watcher thread (measured:
            // a quarter of the host's CPU per request at 2 clients). Settings come from the command line anyway.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        // PK_ variables as for pk server (PK_Connections__Max); the command line's settings below win.
        builder.Configuration.AddEnvironmentVariables("PK_");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{KmsHostOptions.Section}:{nameof(KmsHostOptions.DataDirectory)}"] = folder.Path,
            [$"{KmsHostOptions.Section}:{nameof(KmsHostOptions.RenewalInterval)}"] = options.RenewalInterval.ToString("c"),
            [$"{KmsHostOptions.Section}:{nameof(KmsHostOptions.RetryInterval)}"] = options.RetryInterval.ToString("c"),
            [$"{KmsHostOptions.Section}:{nameof(KmsHostOptions.Sync)}"] = options.Sync.ToString(),
        });
        if (options.MaxConnections is { } max)
        {
            builder.Configuration.AddInMemoryCollection([new(ConnectionLimits.Setting, max.ToString(CultureInfo.InvariantCulture))]);
        }

        if (options.LogFormat is { } logFormat)
        {
            builder.Configuration[ConsoleLogFormat.Key] = logFormat;
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

        var identity = KmsHostIdentity.LoadOrCreate(folder);
        if (!identity.IsSuccess)
        {
            return identity.Refusal;
        }

        // Hand-edited publisher key files stop the start, naming the file, rather than leave the host unactivated unnoticed.
        if (new HostCertificateStore(folder, time).Damage() is { } damaged)
        {
            identity.Value.Dispose();
            return damaged;
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024);
        logging?.Invoke(builder.Logging);
        builder.Services.AddOptions<KmsHostOptions>().BindConfiguration(KmsHostOptions.Section)
            .Validate(o => o.Problem() is null, "Kms settings: a data folder, intervals between 15 minutes and 30 days, and a sync mode of normal or full.")
            .ValidateOnStart();
        // The hot path's types first; problem details and anything else fall through to the defaults.
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, KmsJsonContext.Default);
            json.SerializerOptions.AllowDuplicateProperties = false; // a member twice is refused, not last-wins
        });
        // Answers no endpoint chose (an unknown path: 404, a wrong method: 405) carry the code their status stands for.
        builder.Services.AddProblemDetails(p => p.CustomizeProblemDetails = c => c.ProblemDetails.Extensions.TryAdd(
            "code", ErrorCatalogue.ForHttpStatus(c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode).Code));
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(folder);
        builder.Services.AddSingleton(_ => identity.Value);
        builder.Services.AddSingleton(sp => KmsDatabase.Open(folder.DatabaseFile, options.Sync, sp.GetRequiredService<ILogger<KmsDatabase>>()));
        builder.Services.AddSingleton(sp => new HostCertificateStore(folder, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ActiveHostCertificate>();
        builder.Services.AddSingleton<KmsClientActivation>();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<KmsMetrics>();
        builder.AddTelemetry(new TelemetryPlan(ServiceName, [KmsMetrics.MeterName], []));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSharedRequestRules(); // charset=foo: 415 with its code, not a 500; HEAD without a body
        // HEAD too: load balancers and uptime checks probe with it (the body is not sent).
        app.MapMethods("/healthz", [HttpMethods.Get, HttpMethods.Head], () => TypedResults.Text("ok"));
        app.MapGet("/metrics", (MetricsScrape metrics) => TypedResults.Text(metrics.Render(), MetricsScrape.ContentType));
        app.MapKmsClients();
        KmsDatabase database;
        try
        {
            database = app.Services.GetRequiredService<KmsDatabase>();
        }
        catch (KmsDataFolderBusyException e)
        {
            ((IDisposable)app).Dispose();
            return new Refusal(ErrorCatalogue.Conflict, e.Message);
        }
        catch (SqliteException e) when (KmsDatabase.Unusable(folder.DatabaseFile, e) is { } unusable)
        {
            ((IDisposable)app).Dispose();
            return unusable;
        }

        app.Lifetime.ApplicationStarted.Register(() => database.SetMeta(ListeningMeta, string.Join(" ", Addresses(app))));
        return app;
    }

    /// <summary>The addresses a started host listens on (with the real port when 0 was asked for).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
    }

    /// <summary>The host's ID (created with the data folder).</summary>
    public static string HostId(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<KmsHostIdentity>().HostId;
    }
}
