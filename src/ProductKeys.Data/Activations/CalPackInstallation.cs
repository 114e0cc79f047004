namespace ProductKeys.Data.Activations;

/// <summary>
/// One CAL server a CAL pack's MAK was installed on (docs/product.md §5). The MAK's limit counts
/// distinct servers (<c>ActivationsUsed</c>); installing again on the same server is free and only
/// bumps <see cref="Installs"/>. A server holds packs of one mode, which the service checks
/// against the packs recorded here for the same <see cref="ServerId"/>.
/// </summary>
public sealed class CalPackInstallation
{
    public Guid Id { get; set; }

    public Guid KeyId { get; set; }

    public required string ServerId { get; set; }

    public DateTimeOffset FirstInstalledAt { get; set; }

    public DateTimeOffset LastInstalledAt { get; set; }

    public int Installs { get; set; }
}
