namespace ProductKeys.KmsHost.Status;

/// <summary>A client as status shows it.</summary>
/// <param name="Cmid">The client machine ID.</param>
/// <param name="Product">The product.</param>
/// <param name="LastSeen">When it last asked.</param>
public sealed record KmsClientSeen(string Cmid, string Product, DateTimeOffset LastSeen);
