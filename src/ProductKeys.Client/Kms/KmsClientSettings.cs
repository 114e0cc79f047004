namespace ProductKeys.Client.Kms;

/// <summary>How the KMS client reaches hosts.</summary>
/// <param name="Transport">Sends requests to a host.</param>
/// <param name="Resolver">Looks up SRV records.</param>
/// <param name="Domain">The DNS domain to discover hosts in; <c>null</c>: the store's, else the system's search domains.</param>
public sealed record KmsClientSettings(IKmsTransport Transport, IKmsSrvResolver Resolver, string? Domain = null);
