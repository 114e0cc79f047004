using System.Globalization;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Core.Signing;

/// <summary>
/// The publisher keys a server's data folder trusts (a KMS host's, a CAL server's; ADR 0024): the keys pinned at its first
/// trust (<see cref="AnchorsFileName"/>, never rewritten), the signed key lists applied since (<see cref="ListsFileName"/>) and
/// the highest sequence applied (<see cref="SequenceFileName"/>). Once pinned, the trust changes only through lists verified from
/// what the folder trusts at that point (<see cref="Accept"/>), never by a trust file given later. The files are the customer's to
/// edit, so every read verifies them again from the pinned keys: an edited list or sequence the files do not explain is
/// <c>STORE_INVALID</c> naming the file. Removing lists together with the sequence (as restoring an old backup does) goes
/// back to what they taught before, as a device's user can with its store. The pinned keys themselves are the operator's
/// first choice and nothing signs them: this protects an honest operator, not against the server's administrator, whom
/// only the devices' own trust holds (ADR 0024).
/// </summary>
public sealed class PinnedPublisherKeys
{
    /// <summary>The keys pinned at the folder's first trust (PEM).</summary>
    public const string AnchorsFileName = "publisher-keys.pem";

    /// <summary>The signed key lists the folder applied (and their copies), one per line.</summary>
    public const string ListsFileName = "publisher-key-lists.txt";

    /// <summary>The highest list sequence the folder applied (decimal): the lists file may never fall below it.</summary>
    public const string SequenceFileName = "publisher-key-sequence";

    /// <summary>How a pinned folder learns a rotated key, for refusals of an artifact signed by a key it does not trust.</summary>
    public const string HowKeysAreLearned =
        "a data folder learns keys rotated in since it was pinned only from the publisher's signed key lists: online (--service URL), or in a response from 'pk offline activate', which carries them";

    /// <summary>A kept lists file is far smaller (one line per key per rotation); a larger one is not ours.</summary>
    private const long MaxListsBytes = 1 << 20;

    /// <summary>The trust files of the data folder <paramref name="folder"/> (nothing is read or created here).</summary>
    public PinnedPublisherKeys(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = folder;
    }

    /// <summary>The data folder.</summary>
    public string Folder { get; }

    /// <summary>The pinned keys' file.</summary>
    public string AnchorsFile => Path.Combine(Folder, AnchorsFileName);

    /// <summary>The kept lists' file.</summary>
    public string ListsFile => Path.Combine(Folder, ListsFileName);

    /// <summary>The highest sequence's file.</summary>
    public string SequenceFile => Path.Combine(Folder, SequenceFileName);

    /// <summary>True once the folder trusts publisher keys: any of its trust files exists (a missing one is then damage, not a new start).</summary>
    public bool IsPinned => File.Exists(AnchorsFile) || File.Exists(ListsFile) || File.Exists(SequenceFile);

    /// <summary>What the folder trusts, verified from its pinned keys.</summary>
    /// <returns>The chain, <c>null</c> when nothing is pinned yet, or <c>STORE_INVALID</c> naming the file to restore.</returns>
    public Outcome<PublisherKeyChain?> Load(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (!IsPinned)
        {
            return (PublisherKeyChain?)null;
        }

        var anchors = SigningKeyFile.LoadPublicKeys(AnchorsFile);
        if (!anchors.IsSuccess)
        {
            return Damaged(AnchorsFile, $"{anchors.Refusal.Detail} It holds the publisher keys this folder pinned first");
        }

        var chain = PublisherKeyChain.Start(anchors.Value);
        if (File.Exists(ListsFile))
        {
            var lines = ReadLines(ListsFile);
            if (!lines.IsSuccess)
            {
                return lines.Refusal;
            }

            var read = PublisherKeyChain.Read(anchors.Value, lines.Value, time);
            if (!read.IsSuccess)
            {
                return Damaged(ListsFile, $"{ListsFile} cannot be used: {read.Refusal.Detail} (from the keys of {AnchorsFileName})");
            }

            chain = read.Value;
        }

        var floor = ReadSequence();
        if (!floor.IsSuccess)
        {
            return floor.Refusal;
        }

        return chain.Sequence < floor.Value
            ? Damaged(ListsFile, $"{SequenceFile} says key list {floor.Value} was applied, but {ListsFile} reaches only {chain.Sequence}: the lists file lost lists")
            : chain;
    }

    /// <summary>
    /// What the folder would trust after an installation offered these keys and lists — the one rule for changing it. A folder
    /// not pinned yet pins <paramref name="given"/> (a trust file), else <paramref name="published"/> (the service's keys on
    /// first contact), then applies the lists. A pinned folder applies the lists to what it trusts and ignores keys offered
    /// otherwise: a trust file is accepted only when every key in it is trusted after the lists, else
    /// <c>PUBLISHER_KEY_NOT_VOUCHED</c> (never replacing the trust). Nothing is written here (<see cref="Save"/>).
    /// </summary>
    /// <param name="given">The keys of a trust file (<c>--trust FILE</c>), or <c>null</c>.</param>
    /// <param name="published">The keys the service published, or <c>null</c> (offline, or not asked).</param>
    /// <param name="lists">Signed key lists in hand: the service's, or those an offline response carries.</param>
    /// <param name="time">The clock.</param>
    /// <returns>The chain to verify against and then save; or the refusal.</returns>
    public Outcome<PublisherKeyChain> Accept(TrustedKeySet? given, TrustedKeySet? published, IEnumerable<string>? lists, TimeProvider time)
    {
        var loaded = Load(time);
        if (!loaded.IsSuccess)
        {
            return loaded.Refusal;
        }

        if (loaded.Value is null)
        {
            return (given ?? published) is { } anchors
                ? PublisherKeyChain.Start(anchors).Extend(lists, time)
                : new Refusal(ErrorCatalogue.ValidationFailed,
                    $"{Folder} trusts no publisher key yet: give --trust FILE (the {AnchorsFileName} that 'pk offline activate' wrote beside the response), or activate or install online once (--service URL) to pin the service's keys.");
        }

        var chain = loaded.Value.Extend(lists, time);
        var unvouched = given?.Keys.Where(k => chain.Trusted.Find(k.KeyId) is null).ToList() ?? [];
        return unvouched.Count == 0 ? chain : NotVouched(chain, unvouched);
    }

    /// <summary>
    /// <see cref="Accept"/> for an installation online: the service's answer brings the key lists, and its keys when this is the
    /// folder's first trust and no trust file was given (trust on first contact: the caller prints the keys pinned).
    /// </summary>
    /// <param name="given">The keys of a trust file (<c>--trust FILE</c>), or <c>null</c>.</param>
    /// <param name="service">The answer of <c>GET /api/v1/publisher-keys</c>; a pinned folder goes on without it.</param>
    /// <param name="time">The clock.</param>
    /// <returns>The chain and the service's keys when they are pinned now (else <c>null</c>); or the refusal.</returns>
    public Outcome<(PublisherKeyChain Trust, TrustedKeySet? PinnedFromService)> AcceptOnline(TrustedKeySet? given, Outcome<PublisherKeysResponse> service, TimeProvider time)
    {
        TrustedKeySet? published = null;
        if (given is null && !IsPinned)
        {
            if (!service.IsSuccess)
            {
                return service.Refusal;
            }

            var keys = new List<TrustedKey>();
            foreach (var pem in service.Value.Keys.Select(k => k.Pem))
            {
                if (!TrustedKey.TryFromPem(pem, out var key, out var problem))
                {
                    return new Refusal(ErrorCatalogue.SignatureInvalid, $"The service published a key that is not a P-256 public key: {problem}");
                }

                keys.Add(key);
            }

            if (keys.Count == 0)
            {
                return new Refusal(ErrorCatalogue.SignatureInvalid, "The service published no publisher key: there is nothing to pin.");
            }

            published = new TrustedKeySet(keys);
        }

        var chain = Accept(given, published, service.IsSuccess ? service.Value.KeyLists : null, time);
        return chain.IsSuccess ? (chain.Value, published) : chain.Refusal;
    }

    /// <summary>
    /// Keeps <paramref name="chain"/> (from <see cref="Accept"/>) as the folder's trust: the pinned keys when the folder had none,
    /// then the lists, then the sequence (a crash in between leaves lists above the sequence, which is harmless).
    /// </summary>
    /// <returns>The chain; <c>CONFLICT</c> when the folder's trust changed since <see cref="Accept"/> read it; <c>STORE_INVALID</c> when a file cannot be written.</returns>
    public Outcome<PublisherKeyChain> Save(PublisherKeyChain chain, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var now = Load(time);
        if (!now.IsSuccess)
        {
            return now.Refusal;
        }

        if (now.Value is { } before && (!SameKeys(before.Anchors, chain.Anchors) || before.Sequence > chain.Sequence || before.Lists.Except(chain.Lists).Any()))
        {
            return new Refusal(ErrorCatalogue.Conflict, $"The publisher keys {Folder} trusts changed while this command ran (another installation?): run it again.");
        }

        try
        {
            PrivateFolder.Create(Folder);
            if (now.Value is null)
            {
                ReplacedFile.Write(AnchorsFile, chain.Anchors.ToPem());
            }

            ReplacedFile.Write(ListsFile, string.Concat(chain.Lists.Select(l => l + "\n")));
            ReplacedFile.Write(SequenceFile, chain.Sequence.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"The publisher keys of {Folder} cannot be written: {e.Message}");
        }

        return chain;
    }

    private static Refusal NotVouched(PublisherKeyChain chain, IReadOnlyList<TrustedKey> unvouched)
    {
        var why = unvouched.Select(k => chain.WithdrawnBy(k.KeyId) is { } sequence
            ? $"{k.KeyId} was withdrawn by the publisher (key list {sequence})"
            : $"{k.KeyId} is not trusted here and no signed key list in hand vouches for it");
        return new Refusal(ErrorCatalogue.PublisherKeyNotVouched,
            $"--trust names keys this data folder does not accept: {string.Join("; ", why)}. The folder trusts {chain.Describe()} and keeps that trust: "
            + $"leave out --trust ({HowKeysAreLearned}). Nothing was changed.");
    }

    private static bool SameKeys(TrustedKeySet a, TrustedKeySet b) =>
        a.Keys.Select(k => k.KeyId).Order(StringComparer.Ordinal).SequenceEqual(b.Keys.Select(k => k.KeyId).Order(StringComparer.Ordinal));

    private static Outcome<IReadOnlyList<string>> ReadLines(string path)
    {
        try
        {
            return new FileInfo(path).Length > MaxListsBytes
                ? Damaged(path, $"{path} is larger than any key lists file ({MaxListsBytes} bytes at most)")
                : File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Damaged(path, $"{path} cannot be read: {e.Message}");
        }
    }

    /// <summary>The highest sequence applied, 0 when the file is missing (a folder pinned before sequences were kept).</summary>
    private Outcome<long> ReadSequence()
    {
        try
        {
            if (!File.Exists(SequenceFile))
            {
                return 0L;
            }

            var text = File.ReadAllText(SequenceFile).Trim();
            return text.Length <= 19 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                ? sequence
                : Damaged(SequenceFile, $"{SequenceFile} is not a key list sequence");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Damaged(SequenceFile, $"{SequenceFile} cannot be read: {e.Message}");
        }
    }

    private static Refusal Damaged(string file, string why) =>
        new(ErrorCatalogue.StoreInvalid, $"{why}: restore {Path.GetFileName(file)} (with the other publisher key files) from a backup of the data folder.");
}
