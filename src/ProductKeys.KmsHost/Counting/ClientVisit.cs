namespace ProductKeys.KmsHost.Counting;

/// <summary>One valid client request, as the count database records it.</summary>
/// <param name="Cmid">The client machine ID.</param>
/// <param name="Product">The product.</param>
/// <param name="HardwareId">The client's hardware ID (text form).</param>
/// <param name="ClientState">The license state the client reported.</param>
/// <param name="At">The host's clock when it arrived.</param>
internal sealed record ClientVisit(string Cmid, string Product, string HardwareId, string ClientState, DateTimeOffset At);
