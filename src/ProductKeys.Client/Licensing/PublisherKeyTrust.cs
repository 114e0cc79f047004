namespace ProductKeys.Client.Licensing;

/// <summary>What a device trusts after learning from the publisher's signed key lists (<see cref="DeviceLicense.LearnPublisherKeys"/>).</summary>
/// <param name="Sequence">The sequence of the newest key list applied; 0: none.</param>
/// <param name="KeyIds">The publisher keys artifacts verify against now.</param>
/// <param name="Learned">Keys trusted now that were not before this call.</param>
/// <param name="Dropped">Keys trusted before this call that were withdrawn.</param>
public sealed record PublisherKeyTrust(long Sequence, IReadOnlyList<string> KeyIds, IReadOnlyList<string> Learned, IReadOnlyList<string> Dropped);
