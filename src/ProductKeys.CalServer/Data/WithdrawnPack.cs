using ProductKeys.Core.Cal;

namespace ProductKeys.CalServer.Data;

/// <summary>
/// An installed pack that no longer counts: its certificate is genuine, but the publisher withdrew the key that signed it (ADR
/// 0024: withdrawing a key invalidates what it signed). Installing the pack again gets it signed by a current key.
/// </summary>
/// <param name="PackId">The pack.</param>
/// <param name="ProductId">Its CAL product.</param>
/// <param name="Mode">Per user or per device.</param>
/// <param name="Installed">The CALs it installed.</param>
/// <param name="KeyId">The withdrawn key that signed its certificate.</param>
/// <param name="WithdrawnBy">The sequence of the key list that withdrew it.</param>
public sealed record WithdrawnPack(string PackId, string ProductId, CalMode Mode, int Installed, string KeyId, long WithdrawnBy)
{
    /// <summary>What the operator reads, at start and in the report.</summary>
    public string Describe() =>
        $"pack {PackId} ({Installed} {Mode} CALs of {ProductId}) does not count: the publisher withdrew {KeyId} (key list {WithdrawnBy}), which signed it. "
        + "Install it again with its MAK ('pk cal-server install-pack --key MAK': on the same server no activation is used).";
}
