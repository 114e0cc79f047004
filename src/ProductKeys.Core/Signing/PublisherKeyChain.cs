using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Signing;

/// <summary>
/// What a holder of pinned publisher keys trusts after the signed key lists it kept (docs/formats/publisher-key-list-v1.md,
/// ADR 0024): its anchors, then each list a key trusted at that point signed, in rising sequence, adding the list's keys and
/// removing those it withdraws. It also keeps copies of an applied list signed by the list's other keys, so that it can hand
/// every copy on (a KMS host to its clients, which may trust another of the keys). It never goes back: a list whose sequence
/// is not higher than the last one applied counts only as such a copy. Immutable.
/// </summary>
public sealed class PublisherKeyChain
{
    private readonly IReadOnlyList<Kept> _kept;
    private readonly Dictionary<string, long> _withdrawals;

    private PublisherKeyChain(TrustedKeySet anchors, IReadOnlyList<Kept> kept)
    {
        Anchors = anchors;
        _kept = kept;
        Lists = [.. kept.Select(k => k.Text)];
        var trusted = anchors;
        var everTrusted = new Dictionary<string, TrustedKey>(StringComparer.Ordinal);
        _withdrawals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in anchors.Keys)
        {
            everTrusted.TryAdd(key.KeyId, key);
        }

        foreach (var list in kept.Where(k => k.Applied).Select(k => k.List))
        {
            var gone = list.Withdrawn.ToHashSet(StringComparer.Ordinal);
            trusted = new TrustedKeySet(trusted.Keys.Concat(list.Trusted.Keys).Where(k => !gone.Contains(k.KeyId)));
            foreach (var key in list.Trusted.Keys)
            {
                everTrusted.TryAdd(key.KeyId, key);
                _withdrawals.Remove(key.KeyId); // trusted again by a later list
            }

            foreach (var id in gone)
            {
                _withdrawals.TryAdd(id, list.Sequence);
            }

            Sequence = list.Sequence;
        }

        Trusted = trusted;
        Withdrawn = new TrustedKeySet(everTrusted.Values.Where(k => _withdrawals.ContainsKey(k.KeyId) && trusted.Find(k.KeyId) is null));
    }

    /// <summary>The keys trusted before any list: pinned from outside (a trust file, or the service's keys on first contact).</summary>
    public TrustedKeySet Anchors { get; }

    /// <summary>The keys trusted now: those whose artifacts verify.</summary>
    public TrustedKeySet Trusted { get; }

    /// <summary>The sequence of the last list applied; 0 when none was.</summary>
    public long Sequence { get; }

    /// <summary>The kept lists (the applied ones and their copies), in rising sequence: what a reader needs to follow this chain.</summary>
    public IReadOnlyList<string> Lists { get; }

    /// <summary>
    /// Keys once trusted here (anchors or keys of an applied list) that a later list withdrew: an artifact that verifies against
    /// these alone is genuine but no longer counts (ADR 0024: withdrawing a key invalidates what it signed).
    /// </summary>
    public TrustedKeySet Withdrawn { get; }

    /// <summary>What is trusted, for people: the key IDs, and the last list applied when there is one.</summary>
    public string Describe() =>
        string.Join(", ", Trusted.Keys.Select(k => k.KeyId)) + (Sequence > 0 ? $" (key list {Sequence})" : "");

    /// <summary>Trusts the anchors alone, with no list applied.</summary>
    public static PublisherKeyChain Start(TrustedKeySet anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        return new PublisherKeyChain(anchors, []);
    }

    /// <summary>
    /// Reads kept lists back (e.g. from a file the holder wrote) strictly: every one must count, applied from the anchors or as a
    /// copy of one applied, whatever their order.
    /// </summary>
    /// <param name="anchors">The keys pinned before any list.</param>
    /// <param name="lines">The kept lists, one per line; blank lines are skipped.</param>
    /// <param name="time">The clock (lists are verified without it: they never expire).</param>
    /// <returns>The chain; or <c>SIGNATURE_INVALID</c> naming the first line (1-based) that does not count.</returns>
    public static Outcome<PublisherKeyChain> Read(TrustedKeySet anchors, IEnumerable<string> lines, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var (chain, unused) = Start(anchors).Grow([.. lines.Select(l => l.Trim())], time);
        return unused.Count == 0
            ? chain
            : new Refusal(ErrorCatalogue.SignatureInvalid,
                $"line {unused[0] + 1} is not a publisher key list signed by a key trusted before it, nor a copy of one applied");
    }

    /// <summary>
    /// This chain after the lists offered (any order; an older one may make a newer one's signer trusted): those that count are
    /// applied or kept as copies; the others (signed by a key not trusted, or older than the last applied) are ignored.
    /// </summary>
    public PublisherKeyChain Extend(IEnumerable<string>? offered, TimeProvider time) =>
        Grow([.. (offered ?? []).Select(l => (l ?? "").Trim())], time).Chain;

    /// <summary>The sequence of the list that withdrew <paramref name="keyId"/>, or <c>null</c> when it is not withdrawn here.</summary>
    public long? WithdrawnBy(string keyId) =>
        keyId is not null && Trusted.Find(keyId) is null && _withdrawals.TryGetValue(keyId, out var sequence) ? sequence : null;

    /// <summary>Applies what counts among <paramref name="offered"/> until nothing more does; returns the indexes that never counted (blank ones count).</summary>
    private (PublisherKeyChain Chain, List<int> Unused) Grow(IReadOnlyList<string> offered, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var kept = _kept.ToList();
        var known = kept.Select(k => k.Text).ToHashSet(StringComparer.Ordinal);
        var chain = this;
        var pending = Enumerable.Range(0, offered.Count).Where(i => offered[i].Length > 0 && !known.Contains(offered[i])).ToList();
        for (var progress = true; progress;)
        {
            progress = false;
            foreach (var i in pending.ToList())
            {
                var text = offered[i];
                var list = PublisherKeyList.Verify(text, chain.Trusted, time);
                var entry = list.IsSuccess && list.Value.Sequence > chain.Sequence
                    ? new Kept(text, list.Value, Applied: true)
                    : CopyOf(text, kept, time);
                if (entry is null)
                {
                    continue; // another list may make its signer trusted
                }

                pending.Remove(i);
                if (known.Add(text))
                {
                    kept.Add(entry);
                    // Stable: within a sequence, the applied list stays before its copies.
                    kept = [.. kept.OrderBy(k => k.List.Sequence)];
                    chain = new PublisherKeyChain(Anchors, kept);
                }

                progress = true;
            }
        }

        return (chain, pending);
    }

    /// <summary>The list as a copy of one applied here (same content, signed by another of its keys), or <c>null</c>.</summary>
    private static Kept? CopyOf(string text, IReadOnlyList<Kept> kept, TimeProvider time)
    {
        foreach (var applied in kept.Where(k => k.Applied).Select(k => k.List))
        {
            var copy = PublisherKeyList.Verify(text, applied.Trusted, time);
            if (copy.IsSuccess && SameContent(applied, copy.Value))
            {
                return new Kept(text, copy.Value, Applied: false);
            }
        }

        return null;
    }

    private static bool SameContent(PublisherKeyList a, PublisherKeyList b) =>
        a.Sequence == b.Sequence && a.CurrentKeyId == b.CurrentKeyId
        && a.Trusted.Keys.Select(k => k.KeyId).Order(StringComparer.Ordinal).SequenceEqual(b.Trusted.Keys.Select(k => k.KeyId).Order(StringComparer.Ordinal))
        && a.Withdrawn.Order(StringComparer.Ordinal).SequenceEqual(b.Withdrawn.Order(StringComparer.Ordinal));

    /// <summary>A kept list: applied (it changed the trust) or a copy of an applied one.</summary>
    private sealed record Kept(string Text, PublisherKeyList List, bool Applied);
}
