using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Data;
using ProductKeys.Data.Postgres;
using ProductKeys.Data.Sqlite;
using ProductKeys.Hosting;
using ProductKeys.Service.Activations;
using ProductKeys.Service.Demo;
using ProductKeys.Service.Secrets;
using ProductKeys.Telemetry;

namespace ProductKeys.Service.Hosting;

/// <summary>Builds and runs the licensing service for <c>pk server</c> and for tests.</summary>
public static class LicensingServiceHost
{
    public const string DemoFileName = "demo.json";

    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        // "Hosting failed to start" with a stack trace: pk server reports a port in use or an unreachable
        // database in one line with its code (ADDRESS_IN_USE, DATABASE_UNREACHABLE), and anything else too.
        ["Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host"] = "Critical",
    };

    /// <summary>Prepares the database and secrets, then builds the app (not yet started).</summary>
    public static async Task<WebApplication> BuildAsync(ServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        PrivateFolder.Create(options.DataDirectory);
        if ((DataFolder.RefuseShared(options.DataDirectory) ?? SecretsFolderAccess.RefuseShared(options.SecretsPath)) is { } shared)
        {
            throw new StartRefusedException(shared.Error, shared.Detail);
        }

        var serving = HoldSqlite(options.Database);
        try
        {
            return await BuildAsync(options, serving, ct);
        }
        catch
        {
            serving?.Dispose();
            throw;
        }
    }

    private static async Task<WebApplication> BuildAsync(ServerOptions options, SqliteServingLock? serving, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // No live reload of appsettings*.json: watching for them puts an inotify watch on the data
            // folder (the content root), and every write of the SQLite database and its WAL then woke
            // a watcher thread. Settings are read once at start.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = typeof(LicensingServiceHost).Assembly.GetName().Name,
            ContentRootPath = Path.GetFullPath(options.DataDirectory),
        });
        builder.Configuration.AddInMemoryCollection(Defaults).AddEnvironmentVariables("PK_").AddInMemoryCollection(options.Configuration);
        builder.WebHost.UseUrls(options.Urls);
        ServerTls.Configure(builder, options.Certificate, options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries));

        // Only once the addresses and the certificate are known to serve: a start refused for them migrates no
        // database and generates no secrets.
        await PrepareDatabaseAsync(options, ct);
        var (secrets, publisherKeys) = await LoadSecretsAsync(options, ct);
        builder.AddConnectionGuard(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries).Length);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Services.AddSingleton(secrets);
        builder.Services.AddSingleton(sp => new PublisherSigning(publisherKeys, sp.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton(TimeProvider.System);
        AddDatabase(builder.Services, options.Database);
        Program.AddFeatures(builder);

        if (serving is not null)
        {
            // Made by the container, so the app's disposal lets the lock go.
            builder.Services.AddSingleton(_ => serving);
        }

        var app = builder.Build();
        if (serving is not null)
        {
            app.Services.GetRequiredService<SqliteServingLock>();
        }

        Program.MapFeatures(app);
        return app;
    }

    /// <summary>A node's hold on its SQLite database, so that no restore rolls it back while it serves.</summary>
    private static SqliteServingLock? HoldSqlite(DatabaseSettings database)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }

        var path = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        SqliteServingLock held;
        try
        {
            held = SqliteServingLock.TryServe(path) ?? throw new StartRefusedException(ErrorCatalogue.Conflict,
                $"pk db restore is writing {path}, or pk db migrate is migrating it (it holds {SqliteServingLock.PathFor(path)}): start the server when it has finished.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartRefusedException(ErrorCatalogue.StoreInvalid,
                $"{SqliteServingLock.PathFor(path)} cannot be opened ({e.Message}): it must be a file this user can read and write; delete it while no node or restore runs.");
        }

        // Held, no restore runs: a restore's file left is one cut short. And a database an earlier version made 0644 is tightened.
        if ((SqliteRestoreMarker.Check(path) ?? LicensingDatabase.OwnerOnly(database, create: false)) is { } unusable)
        {
            held.Dispose();
            throw new StartRefusedException(unusable.Error, unusable.Detail);
        }

        return held;
    }

    /// <summary>Runs until SIGTERM/Ctrl-C or <paramref name="ct"/>; prints the address and, with --demo, how to sign in.</summary>
    public static async Task RunAsync(ServerOptions options, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var app = await BuildAsync(options, ct);
        var say = new ServerAnnouncements(app.Configuration, app.Services.GetRequiredService<ILoggerFactory>(), output);
        if (options.CertificateNotice is { } notice)
        {
            // Before the start can fail on its address: clients that pinned a replaced certificate stop working, and this is why.
            say.Say($"pk server: {notice}");
            say.Flush();
        }

        await app.StartAsync(ct);
        var url = app.Urls.First();
        // "listening" is said once the service is ready to use: with --demo, after the demo data is in.
        var demo = options.Demo ? await SeedDemoAsync(app, url, options.DataDirectory, ct) : null;
        var others = app.Urls.Skip(1).ToList();
        say.Say($"pk server: listening on {url} ({options.Database.Describe()}){(others.Count > 0 ? $"; also on {string.Join(", ", others)}" : "")}");
        say.Say($"pk server: portal: open {url}/ in a browser and sign in");
        var certificate = ServerHttps.Chosen(app.Services);
        if (certificate is not null)
        {
            say.Say($"pk server: {certificate.Describe()}");
        }

        if (demo is not null)
        {
            say.Say(DescribeDemo(demo, Path.Combine(options.DataDirectory, DemoFileName), url.StartsWith("https:", StringComparison.Ordinal) ? certificate?.Pin : null));
        }

        say.Flush();
        await app.WaitForShutdownAsync(ct);
    }

    /// <summary>Seeds the demo and writes demo.json (0600: it holds tokens) into the data folder.</summary>
    public static async Task<DemoFile> SeedDemoAsync(WebApplication app, string url, string dataDirectory, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var demo = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(url, ct);
        var path = Path.Combine(dataDirectory, DemoFileName);
        // Owner-only even when an earlier demo.json was readable by others: a new file's create mode alone left its old mode.
        await using (var file = OutputFile.CreateOwnerOnly(path))
        {
            await JsonSerializer.SerializeAsync(file, demo, DemoJson, ct);
        }

        return demo;
    }

    private static readonly JsonSerializerOptions DemoJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The demo's sign-in lines; over HTTPS the login names the certificate's pin, without which it is refused.</summary>
    private static string DescribeDemo(DemoFile demo, string path, string? pin) =>
        $"""
        pk server: demo data written to {Path.GetFullPath(path)}
          billing account: {demo.BillingAccounts[0].Id} ({demo.BillingAccounts[0].Name})
          users (password '{DemoSeeder.Password}'): {string.Join(", ", demo.Users.Select(u => u.Name))}
          portal:   open {demo.ServiceUrl}/ and sign in as any user above
          sign in:  ./pk login --service {demo.ServiceUrl} --user billing-contributor --password {DemoSeeder.Password}{(pin is null ? "" : $" --pin-sha256 {pin}")}
          then:     ./pk keys list --account {demo.BillingAccounts[0].Id}
        """;

    /// <summary>
    /// The publisher secrets, generated only when the operator supplied none and the database has no
    /// record of other secrets; checked against the database's fingerprint (ADR 0017).
    /// </summary>
    private static async Task<(KeySecrets, PublisherKeyRing)> LoadSecretsAsync(ServerOptions options, CancellationToken ct)
    {
        var create = options.SecretsDirectory is null;
        await using var db = LicensingDatabase.Create(options.Database);
        if (create)
        {
            await SecretsFingerprints.RefuseGeneratingAsync(db, options.SecretsPath, ct);
        }

        KeySecrets secrets;
        PublisherKeyRing publisherKeys;
        try
        {
            secrets = KeySecrets.LoadOrCreate(options.SecretsPath, create);
            publisherKeys = PublisherKeyRing.Load(options.SecretsPath, create, TimeProvider.System);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or (InvalidOperationException and not StartRefusedException))
        {
            // A secrets folder that is missing a file or holds a damaged one: the operator's to fix, with its own code.
            throw new StartRefusedException(ErrorCatalogue.StoreInvalid, e.Message);
        }

        try
        {
            await SecretsFingerprints.VerifyOrRecordAsync(
                db, secrets.Fingerprint(), publisherKeys.FingerprintEntries.Concat(secrets.FingerprintEntries()), TimeProvider.System.GetUtcNow(), ct);
        }
        catch
        {
            publisherKeys.Dispose();
            throw;
        }

        return (secrets, publisherKeys);
    }

    private static void AddDatabase(IServiceCollection services, DatabaseSettings database)
    {
        services.AddSingleton(database);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            services.AddDbContextPool<LicensingDbContext, SqliteLicensingDbContext>(o => o.UseSqlite(database.ConnectionString));
        }
        else
        {
            services.AddDbContextPool<LicensingDbContext, PostgresLicensingDbContext>(o => o.UseNpgsql(database.ConnectionString));
        }
    }

    /// <summary>
    /// Migrates when asked (--demo, pk db migrate) or when the SQLite folder is new; otherwise refuses
    /// to start on an outdated schema and names the explicit step.
    /// </summary>
    private static async Task PrepareDatabaseAsync(ServerOptions options, CancellationToken ct)
    {
        var database = options.Database;
        var newSqlite = database.Provider == DatabaseProvider.Sqlite
            && !File.Exists(Path.Combine(options.DataDirectory, DatabaseSettings.SqliteFileName));
        if (options.Migrate || options.Demo || newSqlite)
        {
            var path = database.Provider == DatabaseProvider.Sqlite ? new SqliteConnectionStringBuilder(database.ConnectionString).DataSource : null;
            if (path is not null && LicensingDatabase.MigrationLockLeft(path))
            {
                // EF Core would wait for the row without end, saying nothing; only pk db migrate, alone on the file, may remove it.
                throw new StartRefusedException(ErrorCatalogue.Conflict,
                    $"{path} holds a migration lock (__EFMigrationsLock): another node is migrating it, or a migration was cut short (killed, the power lost). "
                    + $"Start this node once that migration has finished; if none runs, stop every node on it and run: pk db migrate --data {ShellWord.Quote(options.DataDirectory)} (it removes the lock).");
            }

            await LicensingDatabase.MigrateAsync(database, ct);
            return;
        }

        await using var db = LicensingDatabase.Create(database);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0)
        {
            throw new StartRefusedException(ErrorCatalogue.DatabaseSchemaOutdated,
                $"The database ({database.Describe()}) needs {pending.Count} migration(s): run 'pk db migrate' with the same --data/--db first.");
        }
    }
}
