using ProductKeys.Core.Errors;

namespace ProductKeys.CalServer.Serving;

/// <summary>
/// How a server of pk tells the operator's listening mistakes apart (a bad --urls, a port already in use):
/// the rules live with the KMS host's ListenFailure, which <c>pk</c> passes in, since hosts never reference each other.
/// </summary>
/// <param name="CheckUrls">The refusal for a bad --urls value, or <c>null</c>.</param>
/// <param name="Explain">The refusal for an exception thrown while starting to listen, or <c>null</c> when it is not the operator's mistake.</param>
public sealed record ListenRules(Func<string?, Refusal?> CheckUrls, Func<Exception, Refusal?> Explain);
