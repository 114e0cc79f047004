namespace ProductKeys.Core.Certificates;

/// <summary>
/// One line of a usage report (docs/formats/usage-report-v1.md): what was bought, installed and used
/// of one product in one mode on one server.
/// </summary>
/// <param name="Product">The product id (a CAL server with packs of several products of one mode joins them with commas).</param>
/// <param name="Mode"><c>PerUser</c>, <c>PerDevice</c> (CAL server) or <c>Kms</c> (KMS host).</param>
/// <param name="Purchased">CALs bought; <c>null</c> for a KMS host, which counts clients, not CALs.</param>
/// <param name="Installed">CALs the server may hand out; for a KMS host, the product's activation threshold.</param>
/// <param name="Used">CALs held now (per user: issued and over-used; per device: temporary and permanent); for a KMS host, the count in the window.</param>
/// <param name="OverUsed">Per-user CALs served from the over-used pool; 0 otherwise.</param>
public sealed record UsageLine(string Product, string Mode, long? Purchased, long? Installed, long Used, long OverUsed);
