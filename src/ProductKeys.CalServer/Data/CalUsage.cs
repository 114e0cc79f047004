using ProductKeys.Core.Certificates;

namespace ProductKeys.CalServer.Data;

/// <summary>A CAL server's usage at one moment: its packs and what is held from them (docs/product.md §5).</summary>
/// <param name="Packs">The installed packs whose certificates hold.</param>
/// <param name="Withdrawn">Installed packs that no longer count: the publisher withdrew the key that signed them.</param>
/// <param name="IssuedUsers">Users holding one of the installed per-user CALs.</param>
/// <param name="OverUsedUsers">Users served from the over-used pool.</param>
/// <param name="ExpiringUsers">User CALs that return to the pool soon unless used.</param>
/// <param name="Permanent">Devices holding a permanent CAL.</param>
/// <param name="Temporary">Devices holding a temporary CAL that has not expired.</param>
/// <param name="ExpiringDevices">Device CALs that lapse soon unless the device connects (or, temporary ones, at all).</param>
/// <param name="At">When it was read: the ledger's time (docs/adr/0018-cal-server.md, "The ledger's clock").</param>
/// <param name="PublisherKeys">The key IDs of the publisher keys the folder trusts now.</param>
/// <param name="KeyListSequence">The last publisher key list the folder applied (0: none).</param>
/// <param name="ClockProblem">What is wrong with the server's clock, or <c>null</c> (<see cref="LedgerClock.Problem"/>).</param>
public sealed record CalUsage(
    IReadOnlyList<CalPackCertificate> Packs, IReadOnlyList<WithdrawnPack> Withdrawn, long IssuedUsers, long OverUsedUsers, long ExpiringUsers,
    long Permanent, long Temporary, long ExpiringDevices, DateTimeOffset At, IReadOnlyList<string> PublisherKeys, long KeyListSequence,
    string? ClockProblem = null);
