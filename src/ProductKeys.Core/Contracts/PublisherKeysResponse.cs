namespace ProductKeys.Core.Contracts;

/// <summary>Answer of <c>GET /api/v1/publisher-keys</c>: the public keys devices may trust.</summary>
/// <param name="Keys">Each key's id and PEM.</param>
public sealed record PublisherKeysResponse(IReadOnlyList<PublisherKey> Keys);

/// <summary>One publisher public key.</summary>
/// <param name="KeyId">The signing key id artifacts carry.</param>
/// <param name="Pem">SubjectPublicKeyInfo, PEM.</param>
public sealed record PublisherKey(string KeyId, string Pem);
