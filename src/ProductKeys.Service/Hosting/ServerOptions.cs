using ProductKeys.Data;

namespace ProductKeys.Service.Hosting;

/// <summary>How <c>pk server</c> was asked to run: where data lives, which database, where to listen.</summary>
public sealed record ServerOptions
{
    /// <summary>The data folder: the SQLite file, <c>secrets/</c>, <c>demo.json</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>PostgreSQL instead of SQLite when set.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Operator-supplied secrets folder; defaults to <c>DATA/secrets</c>, generated on first start.</summary>
    public string? SecretsDirectory { get; init; }

    public string Urls { get; init; } = "http://127.0.0.1:8080";

    /// <summary>The certificate https:// addresses answer with (--cert/--key, or --self-signed); <c>null</c>: none.</summary>
    public Core.Tls.ServerCertificate? Certificate { get; init; }

    /// <summary>Said at start when --self-signed made or replaced its certificate: why, and the pin clients need now.</summary>
    public string? CertificateNotice { get; init; }

    /// <summary>Seed the demo catalog, organization, users and orders, and write <c>demo.json</c>.</summary>
    public bool Demo { get; init; }

    /// <summary>Apply migrations at start (always on an empty SQLite folder and with <c>--demo</c>).</summary>
    public bool Migrate { get; init; }

    /// <summary>Extra configuration (tests, operators): e.g. <c>Orders:MaxQuantity</c>.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; init; } = new Dictionary<string, string?>();

    public DatabaseSettings Database => PostgresConnectionString is { Length: > 0 } pg
        ? DatabaseSettings.ForPostgres(pg)
        : DatabaseSettings.ForDataDirectory(DataDirectory);

    public string SecretsPath => SecretsDirectory ?? Path.Combine(DataDirectory, "secrets");
}
