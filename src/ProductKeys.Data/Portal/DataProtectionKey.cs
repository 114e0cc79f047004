namespace ProductKeys.Data.Portal;

/// <summary>
/// One key of the portal's Data Protection key ring, which signs and encrypts its antiforgery tokens:
/// shared by every node of the database so a form rendered by one node is accepted by another, and after a
/// restart (docs/adr/0022-portal.md). The XML is the key as Data Protection wrote it, its secret part
/// encrypted under a key derived from the publisher secrets folder, which the database does not hold.
/// </summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }

    /// <summary>Data Protection's name for the element, e.g. <c>key-0f8fad5b-d9cb-469f-a165-70867728950e</c>.</summary>
    public required string FriendlyName { get; set; }

    public required string Xml { get; set; }
}
