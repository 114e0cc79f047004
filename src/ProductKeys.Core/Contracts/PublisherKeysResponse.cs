namespace ProductKeys.Core.Contracts;

/// <summary>Answer of <c>GET /api/v1/publisher-keys</c>: the public keys devices may trust.</summary>
/// <param name="Keys">Each key's id and PEM: the keys trusted now, the current one first.</param>
/// <param name="KeyLists">
/// Every signed publisher key list, oldest first (docs/formats/publisher-key-list-v1.md): how a device that
/// trusts an earlier key learns the new ones and the withdrawals. <c>null</c> or empty before the first rotation.
/// </param>
public sealed record PublisherKeysResponse(IReadOnlyList<PublisherKey> Keys, IReadOnlyList<string>? KeyLists = null);

/// <summary>One publisher public key.</summary>
/// <param name="KeyId">The signing key id artifacts carry.</param>
/// <param name="Pem">SubjectPublicKeyInfo, PEM.</param>
public sealed record PublisherKey(string KeyId, string Pem);
