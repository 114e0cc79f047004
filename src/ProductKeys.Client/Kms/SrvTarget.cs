namespace ProductKeys.Client.Kms;

/// <summary>One DNS SRV record of <c>_pk-kms._tcp.&lt;domain&gt;</c>.</summary>
/// <param name="Target">The host name (without the trailing dot).</param>
/// <param name="Port">The port.</param>
/// <param name="Priority">Lower is tried first.</param>
/// <param name="Weight">Within one priority, the relative chance of being tried first.</param>
public sealed record SrvTarget(string Target, int Port, int Priority, int Weight);
