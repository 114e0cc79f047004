using System.Globalization;
using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Signing;

/// <summary>
/// The publisher's signed key list (docs/formats/publisher-key-list-v1.md, ADR 0024): which signing keys
/// are trusted, which one signs new artifacts, and which were withdrawn. Purpose
/// <c>pk/publisher-key-list/v1</c>, never expires, no binding. Fields, in order: <c>sequence</c> (decimal,
/// from 1, higher for every change), <c>current</c> (key ID), one <c>trusted.KEYID</c> per trusted key (value:
/// its SubjectPublicKeyInfo in base64), one <c>withdrawn.KEYID</c> per withdrawn key (empty value). The
/// service signs the same list once with every trusted key it still holds, so a device that trusts any of
/// them can read it; the signer is always one of the list's trusted keys.
/// </summary>
public sealed class PublisherKeyList
{
    private const string TrustedPrefix = "trusted.";
    private const string WithdrawnPrefix = "withdrawn.";

    private PublisherKeyList(SignedArtifact artifact, long sequence, string currentKeyId, TrustedKeySet trusted, IReadOnlyList<string> withdrawn)
    {
        Artifact = artifact;
        Sequence = sequence;
        CurrentKeyId = currentKeyId;
        Trusted = trusted;
        Withdrawn = withdrawn;
    }

    /// <summary>The signed artifact (its <see cref="SignedArtifact.KeyId"/> is the key that signed this copy).</summary>
    public SignedArtifact Artifact { get; }

    /// <summary>Higher for every change: a device never goes back to a lower one.</summary>
    public long Sequence { get; }

    /// <summary>The key that signs new artifacts.</summary>
    public string CurrentKeyId { get; }

    /// <summary>The keys whose artifacts verify.</summary>
    public TrustedKeySet Trusted { get; }

    /// <summary>Key IDs whose artifacts no longer verify, whatever else trusts them.</summary>
    public IReadOnlyList<string> Withdrawn { get; }

    /// <summary>Signs a key list with one of its trusted keys.</summary>
    /// <exception cref="ArgumentException">The signer or the current key is not trusted, a key is both trusted and withdrawn, or the sequence is below 1.</exception>
    public static SignedArtifact Sign(ArtifactSigner signer, long sequence, string currentKeyId, TrustedKeySet trusted, IEnumerable<string> withdrawn)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(trusted);
        ArgumentNullException.ThrowIfNull(withdrawn);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        var gone = withdrawn.Distinct(StringComparer.Ordinal).ToList();
        if (trusted.Find(currentKeyId) is null || trusted.Find(signer.KeyId) is null || gone.Any(id => trusted.Find(id) is not null))
        {
            throw new ArgumentException("The current key and the signer must be trusted, and no trusted key withdrawn.", nameof(trusted));
        }

        var fields = new List<KeyValuePair<string, string>>
        {
            new("sequence", sequence.ToString(CultureInfo.InvariantCulture)),
            new("current", currentKeyId),
        };
        fields.AddRange(trusted.Keys.Select(k => new KeyValuePair<string, string>(TrustedPrefix + k.KeyId, Convert.ToBase64String(k.SubjectPublicKeyInfo.Span))));
        fields.AddRange(gone.Select(id => new KeyValuePair<string, string>(WithdrawnPrefix + id, "")));
        return signer.Sign(ArtifactPurpose.PublisherKeyList, fields);
    }

    /// <summary>Verifies a key list against keys already trusted, then reads it.</summary>
    /// <returns>The list; or <c>SIGNATURE_INVALID</c> when it is damaged, signed by a key not trusted here, or not a consistent list.</returns>
    public static Outcome<PublisherKeyList> Verify(string? text, TrustedKeySet trusted, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        ArgumentNullException.ThrowIfNull(time);
        // A list's issue time orders nothing (its sequence does) and it never expires: verified as at the end of
        // time, so a device clock set back before a withdrawal was signed cannot undo the withdrawal.
        var verified = new ArtifactVerifier(trusted, EndOfTime.Instance).Verify(text, ArtifactPurpose.PublisherKeyList);
        if (!verified.IsSuccess)
        {
            return verified.Refusal;
        }

        var artifact = verified.Value;
        if (!long.TryParse(artifact.Get("sequence"), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1)
        {
            return Inconsistent("its sequence is not a number from 1");
        }

        var keys = new List<TrustedKey>();
        var withdrawn = new List<string>();
        foreach (var (name, value) in artifact.Fields)
        {
            if (name.StartsWith(TrustedPrefix, StringComparison.Ordinal))
            {
                var key = ReadKey(value);
                if (key is null || key.KeyId != name[TrustedPrefix.Length..])
                {
                    return Inconsistent($"{name} is not the public key of that ID");
                }

                keys.Add(key);
            }
            else if (name.StartsWith(WithdrawnPrefix, StringComparison.Ordinal))
            {
                withdrawn.Add(name[WithdrawnPrefix.Length..]);
            }
        }

        var set = new TrustedKeySet(keys);
        var current = artifact.Get("current");
        if (current is null || set.Find(current) is null || set.Find(artifact.KeyId) is null || withdrawn.Any(id => set.Find(id) is not null))
        {
            return Inconsistent("its current key or its signer is not among its trusted keys, or a key is both trusted and withdrawn");
        }

        return new PublisherKeyList(artifact, sequence, current, set, withdrawn);
    }

    /// <summary>
    /// What a holder of <paramref name="anchors"/> trusts after the key lists it kept (oldest first): each list
    /// counts only when a key trusted at that point signed it and its sequence is higher than the last one's;
    /// it adds its trusted keys and removes its withdrawn ones (anchors included).
    /// </summary>
    /// <returns>The keys trusted now, the last sequence applied (0: none), and the lists that counted.</returns>
    public static (TrustedKeySet Trusted, long Sequence, IReadOnlyList<string> Applied) Apply(TrustedKeySet anchors, IEnumerable<string>? lists, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(time);
        var trusted = anchors;
        long sequence = 0;
        var applied = new List<string>();
        foreach (var text in lists ?? [])
        {
            var list = Verify(text, trusted, time);
            if (!list.IsSuccess || list.Value.Sequence <= sequence)
            {
                continue;
            }

            var withdrawn = list.Value.Withdrawn.ToHashSet(StringComparer.Ordinal);
            trusted = new TrustedKeySet(trusted.Keys.Concat(list.Value.Trusted.Keys).Where(k => !withdrawn.Contains(k.KeyId)));
            sequence = list.Value.Sequence;
            applied.Add(text);
        }

        return (trusted, sequence, applied);
    }

    private static TrustedKey? ReadKey(string base64)
    {
        try
        {
            return TrustedKey.FromSubjectPublicKeyInfo(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A clock at the last representable year: every issue time lies before it (lists carry no expiry).</summary>
    private sealed class EndOfTime : TimeProvider
    {
        public static readonly EndOfTime Instance = new();

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.MaxValue.AddYears(-1);
    }

    private static Refusal Inconsistent(string why) =>
        new(ErrorCatalogue.SignatureInvalid, $"This publisher key list cannot be used: {why}.");
}
