using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.CalServer.Data;

/// <summary>
/// Which stored pack certificates count: those that verify against the publisher keys the folder trusts now and name this server
/// (editing <c>cal.db</c> cannot add CALs). A genuine pack signed by a key a later key list withdrew is set apart and named, not
/// counted (ADR 0024); anything else that does not verify is ignored while serving and stops the start (<see cref="Damage"/>).
/// </summary>
internal sealed class InstalledPacks
{
    private InstalledPacks(IReadOnlyList<CalPackCertificate> counted, IReadOnlyList<WithdrawnPack> withdrawn, PublisherKeyChain? trust)
    {
        Counted = counted;
        Withdrawn = withdrawn;
        Trust = trust;
    }

    /// <summary>The packs that count, in the order given (pack id).</summary>
    public IReadOnlyList<CalPackCertificate> Counted { get; }

    /// <summary>Genuine packs whose signing key the publisher withdrew.</summary>
    public IReadOnlyList<WithdrawnPack> Withdrawn { get; }

    /// <summary>The publisher keys they were checked against; <c>null</c> when the folder trusts none (or its files are damaged).</summary>
    public PublisherKeyChain? Trust { get; }

    /// <summary>Sorts stored certificates; none counts without trust.</summary>
    public static InstalledPacks Read(IEnumerable<string> certificates, PublisherKeyChain? trust, CalServerIdentity identity)
    {
        var counted = new List<CalPackCertificate>();
        var withdrawn = new List<WithdrawnPack>();
        foreach (var text in trust is null ? [] : certificates)
        {
            if (Check(text, trust!.Trusted, identity) is { IsSuccess: true } pack)
            {
                counted.Add(pack.Value);
            }
            else if (WithdrawnOne(text, trust, identity) is { } gone)
            {
                withdrawn.Add(gone);
            }
        }

        return new InstalledPacks(counted, withdrawn, trust);
    }

    /// <summary>
    /// Why the stored packs no longer hold, naming the file to restore, or <c>null</c>: the start check (<c>serve</c>, <c>report</c>,
    /// <c>install-pack</c>), so a damaged folder is <c>STORE_INVALID</c> instead of answering every request <c>CAL_PACK_NOT_INSTALLED</c>.
    /// A pack of a withdrawn key is not damage: it is reported (<see cref="Withdrawn"/>).
    /// </summary>
    public static Refusal? Damage(IReadOnlyList<string> certificates, CalServerFolder folder, CalServerIdentity identity, TimeProvider time)
    {
        var keys = folder.PublisherKeys;
        if (certificates.Count == 0 && !keys.IsPinned)
        {
            return null;
        }

        var loaded = keys.Load(time);
        if (!loaded.IsSuccess)
        {
            return loaded.Refusal;
        }

        if (loaded.Value is not { } trust)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid,
                $"{keys.AnchorsFile} is missing: it holds the publisher keys the installed packs verify against; restore it from a backup of the data folder.");
        }

        foreach (var text in certificates)
        {
            var pack = CalPackCertificate.Verify(text, trust.Trusted, FixedClock.EndOfTime);
            if (!pack.IsSuccess && WithdrawnOne(text, trust, identity) is not null)
            {
                continue;
            }

            var problem = !pack.IsSuccess
                ? $"A pack certificate in {folder.DatabaseFile} does not verify against the publisher keys of {keys.AnchorsFile} and {keys.ListsFile} ({pack.Refusal.Detail}): restore them from a backup of the data folder."
                : pack.Value.ServerId != identity.ServerId
                    ? $"{folder.ServerIdFile} says {identity.ServerId}, but the installed pack {pack.Value.PackId} is for {pack.Value.ServerId}: restore the file from a backup."
                    : pack.Value.ServerPublicKey.KeyId != identity.Key.KeyId
                        ? $"{Path.Combine(folder.Path, SigningKeyFile.PrivateKeyFileName)} is key {identity.Key.KeyId}, but the installed pack {pack.Value.PackId} certifies key {pack.Value.ServerPublicKey.KeyId}: restore the file from a backup."
                        : null;
            if (problem is not null)
            {
                return new Refusal(ErrorCatalogue.StoreInvalid, problem);
            }
        }

        return null;
    }

    /// <summary>A pack certificate that verifies against <paramref name="trust"/> (without the clock: packs never expire) and names this server.</summary>
    public static Outcome<CalPackCertificate> Check(string? text, TrustedKeySet trust, CalServerIdentity identity) => Check(text, trust, identity, FixedClock.EndOfTime);

    /// <summary>As <see cref="Check(string?, TrustedKeySet, CalServerIdentity)"/> at <paramref name="clock"/>'s time (a new pack is not issued in the future).</summary>
    public static Outcome<CalPackCertificate> Check(string? text, TrustedKeySet trust, CalServerIdentity identity, TimeProvider clock)
    {
        var verified = CalPackCertificate.Verify(text, trust, clock);
        if (!verified.IsSuccess)
        {
            return verified;
        }

        var pack = verified.Value;
        return pack.ServerId == identity.ServerId && pack.ServerPublicKey.KeyId == identity.Key.KeyId
            ? pack
            : new Refusal(ErrorCatalogue.SignatureInvalid,
                $"The pack certificate is for CAL server {pack.ServerId} with key {pack.ServerPublicKey.KeyId}, not this server {identity.ServerId} with key {identity.Key.KeyId}.");
    }

    /// <summary>The pack as a genuine one for this server signed by a withdrawn key, or <c>null</c>.</summary>
    public static WithdrawnPack? WithdrawnOne(string? text, PublisherKeyChain trust, CalServerIdentity identity)
    {
        foreach (var key in trust.Withdrawn.Keys)
        {
            if (Check(text, new TrustedKeySet(key), identity) is { IsSuccess: true } pack)
            {
                var p = pack.Value;
                return new WithdrawnPack(p.PackId, p.ProductId, p.Mode, p.Installed, key.KeyId, trust.WithdrawnBy(key.KeyId) ?? 0);
            }
        }

        return null;
    }
}
