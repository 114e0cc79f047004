using ProductKeys.Data;
using ProductKeys.Service.Audit;

namespace ProductKeys.Service.Tests.Audit;

/// <summary>The chain's hash is a format (docs/adr/0004-audit-hash-chain.md), pinned; the vector was computed independently (Python hashlib).</summary>
public sealed class AuditChainVectorTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_123);

    [Fact]
    public void The_first_entry_hashes_to_the_committed_vector()
    {
        var entry = AuditChain.Seal(1, At, "alice", "keys.viewed", "billing-account:x", "2 key(s): ABCDE FGHJK", LicensingDbContext.GenesisHash);
        Assert.Equal(Expected, entry.Hash);
    }

    [Fact]
    public void Every_field_and_the_previous_hash_change_the_hash()
    {
        var entry = AuditChain.Seal(1, At, "alice", "keys.viewed", "billing-account:x", "2 key(s): ABCDE FGHJK", LicensingDbContext.GenesisHash);
        string[] variants =
        [
            AuditChain.Seal(2, At, "alice", "keys.viewed", "billing-account:x", "2 key(s): ABCDE FGHJK", LicensingDbContext.GenesisHash).Hash,
            AuditChain.Seal(1, At.AddMilliseconds(1), "alice", "keys.viewed", "billing-account:x", "2 key(s): ABCDE FGHJK", LicensingDbContext.GenesisHash).Hash,
            AuditChain.Seal(1, At, "alicf", "keys.viewed", "billing-account:x", "2 key(s): ABCDE FGHJK", LicensingDbContext.GenesisHash).Hash,
            AuditChain.Seal(1, At, "alice", "keys.exported", "billing-account:x", "2 key(s): ABCDE FGHJK", LicensingDbContext.GenesisHash).Hash,
            AuditChain.Seal(1, At, "alice", "keys.viewed", "billing-account:y", "2 key(s): ABCDE FGHJK", LicensingDbContext.GenesisHash).Hash,
            AuditChain.Seal(1, At, "alice", "keys.viewed", "billing-account:x", "2 key(s): ABCDE FGHJL", LicensingDbContext.GenesisHash).Hash,
            AuditChain.Seal(1, At, "alice", "keys.viewed", "billing-account:x", "2 key(s): ABCDE FGHJK", new string('1', 64)).Hash,
            // Moving text between fields must not keep the hash: fields are length-prefixed.
            AuditChain.Seal(1, At, "alicek", "eys.viewed", "billing-account:x", "2 key(s): ABCDE FGHJK", LicensingDbContext.GenesisHash).Hash,
        ];
        Assert.DoesNotContain(entry.Hash, variants);
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    private const string Expected = "83d50f9df671231bef7b0e8c4eb7e5a5b8694fbf35dc1137485ac1f24c302354";
}
