using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ProductKeys.AdminApi.Audit;
using ProductKeys.Data;
using ProductKeys.Data.Audit;

namespace ProductKeys.Service.Audit;

/// <summary>
/// The audit hash chain: hash = SHA-256(previous hash || canonical fields), hex. Canonical fields are
/// "pk-audit-v1", the sequence, the time in Unix milliseconds, then actor, action, subject and detail,
/// each as its UTF-8 length, ':', the text and '\n' — so no two different entries share bytes.
/// </summary>
internal static class AuditChain
{
    public static AuditEntry Seal(long sequence, DateTimeOffset at, string actor, string action, string subject, string detail, string previousHash)
    {
        var entry = new AuditEntry
        {
            Sequence = sequence,
            At = at,
            Actor = actor,
            Action = action,
            Subject = subject,
            Detail = detail,
            PreviousHash = previousHash,
            Hash = string.Empty,
        };
        entry.Hash = ComputeHash(entry);
        return entry;
    }

    public static string ComputeHash(AuditEntry entry)
    {
        var text = new StringBuilder();
        text.Append(entry.PreviousHash).Append('\n').Append("pk-audit-v1\n");
        Field(text, entry.Sequence.ToString(CultureInfo.InvariantCulture));
        Field(text, entry.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Field(text, entry.Actor);
        Field(text, entry.Action);
        Field(text, entry.Subject);
        Field(text, entry.Detail);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Checks entries in sequence order against each other and against the head row.</summary>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditEntry> entries, AuditHead head)
    {
        var expected = 1L;
        var previous = LicensingDbContext.GenesisHash;
        await foreach (var entry in entries)
        {
            if (entry.Sequence != expected)
            {
                return AuditVerification.Broken(expected - 1, expected, $"entry {expected} is missing: it was deleted");
            }

            if (entry.PreviousHash != previous)
            {
                return AuditVerification.Broken(expected - 1, expected, $"entry {expected} does not follow entry {expected - 1}: one of them was changed");
            }

            if (ComputeHash(entry) != entry.Hash)
            {
                return AuditVerification.Broken(expected - 1, expected, $"entry {expected} was changed after it was written");
            }

            previous = entry.Hash;
            expected++;
        }

        var last = expected - 1;
        if (head.LastSequence != last || head.LastHash != previous)
        {
            return head.LastSequence > last
                ? AuditVerification.Broken(last, last + 1, $"entries {last + 1} to {head.LastSequence} are missing: they were deleted")
                : AuditVerification.Broken(last, last, "the chain's head does not match its last entry");
        }

        return new AuditVerification(true, last, null, null);
    }

    private static void Field(StringBuilder text, string value) =>
        text.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
}
