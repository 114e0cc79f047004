using ProductKeys.Core.Kms;

namespace ProductKeys.KmsHost;

/// <summary>The KMS host's settings (configuration section <c>Kms</c>).</summary>
public sealed class KmsHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Kms";

    /// <summary>The data folder (key, ID, trust, certificate, database).</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>How often activated clients renew; 15 minutes to 30 days.</summary>
    public TimeSpan RenewalInterval { get; set; } = KmsProtocol.DefaultRenewalInterval;

    /// <summary>How soon clients that are not activated (or failed to renew) retry; 15 minutes to 30 days.</summary>
    public TimeSpan RetryInterval { get; set; } = KmsProtocol.DefaultRetryInterval;

    /// <summary>How far each commit is pushed to disk before answering; <see cref="KmsSyncMode.Normal"/> unless set.</summary>
    public KmsSyncMode Sync { get; set; } = KmsSyncMode.Normal;

    /// <summary>How many connections each address holds at once (<c>--max-connections</c>); <c>null</c>: <c>Connections:Max</c>, else from the file limit.</summary>
    public long? MaxConnections { get; set; }

    /// <summary>Console log format (<c>simple</c>, <c>json</c>, <c>systemd</c>); <c>null</c>: as configured, else simple.</summary>
    public string? LogFormat { get; set; }

    /// <summary>Why the settings cannot be used, or <c>null</c>.</summary>
    public string? Problem() =>
        string.IsNullOrWhiteSpace(DataDirectory) ? "Kms:DataDirectory (--data) is required."
        : !InBounds(RenewalInterval) ? $"The renewal interval must be between {KmsProtocol.MinInterval} and {KmsProtocol.MaxInterval}."
        : !InBounds(RetryInterval) ? $"The retry interval must be between {KmsProtocol.MinInterval} and {KmsProtocol.MaxInterval}."
        : !Enum.IsDefined(Sync) ? "The sync mode must be normal or full."
        : MaxConnections < 1 ? "--max-connections must be at least 1."
        : null;

    private static bool InBounds(TimeSpan interval) => interval >= KmsProtocol.MinInterval && interval <= KmsProtocol.MaxInterval;
}
