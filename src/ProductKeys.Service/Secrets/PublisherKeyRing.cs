using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Service.Secrets;

/// <summary>
/// The publisher's signing keys in the secrets folder (ADR 0024): <c>signing-key.pem</c> signs new artifacts;
/// <c>signing-keys/KEYID.pem</c> are earlier keys still trusted (their artifacts verify, and they sign the key
/// lists that introduce their successors); <c>publisher-key-lists.txt</c> holds every signed key list, one per
/// line, oldest first (docs/formats/publisher-key-list-v1.md). A folder without key lists has one key and has
/// never rotated. Every node of a deployment holds the same folder.
/// </summary>
public sealed class PublisherKeyRing : IDisposable
{
    public const string RetiredFolderName = "signing-keys";
    public const string KeyListsFileName = "publisher-key-lists.txt";

    private PublisherKeyRing(SigningKey current, IReadOnlyList<SigningKey> retired, IReadOnlyList<string> keyLists, PublisherKeyList? latest)
    {
        Current = current;
        Retired = retired;
        KeyLists = keyLists;
        Sequence = latest?.Sequence ?? 0;
        Withdrawn = latest?.Withdrawn ?? [];
        Trusted = new TrustedKeySet(retired.Select(k => k.PublicKey).Prepend(current.PublicKey));
        Missing = latest is null ? [] : [.. latest.Trusted.Keys.Where(k => Trusted.Find(k.KeyId) is null)];
    }

    /// <summary>The key that signs new artifacts.</summary>
    public SigningKey Current { get; }

    /// <summary>Earlier keys, still trusted, whose private halves are kept to sign key lists.</summary>
    public IReadOnlyList<SigningKey> Retired { get; }

    /// <summary>The public keys whose artifacts verify: the current one first.</summary>
    public TrustedKeySet Trusted { get; }

    /// <summary>Every key list signed so far, oldest first, exact text.</summary>
    public IReadOnlyList<string> KeyLists { get; }

    /// <summary>The newest key list's sequence; 0 before the first rotation.</summary>
    public long Sequence { get; }

    /// <summary>Key IDs withdrawn so far.</summary>
    public IReadOnlyList<string> Withdrawn { get; }

    /// <summary>
    /// Keys the newest key list trusts whose private halves are not in <c>signing-keys/</c> (a file lost or deleted):
    /// devices still trust them. They can be withdrawn; no rotation is made until they are, or their files are back.
    /// </summary>
    public IReadOnlyList<TrustedKey> Missing { get; }

    /// <summary>
    /// What the database records of these keys (ADR 0017, 0024): the ID of every key ever used (trusted or
    /// withdrawn) and a <c>withdrawn:KEYID</c> for each withdrawal. It only grows with rotations and withdrawals,
    /// so a node whose entries lack one of the database's has older (or other) secrets.
    /// </summary>
    public IReadOnlyList<string> FingerprintEntries =>
        [.. Trusted.Keys.Select(k => k.KeyId).Concat(Withdrawn).Concat(Withdrawn.Select(id => "withdrawn:" + id)).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Loads the keys; creates <c>signing-key.pem</c> when <paramref name="create"/> and it is missing.</summary>
    /// <exception cref="InvalidOperationException">A key file or the key lists cannot be used.</exception>
    public static PublisherKeyRing Load(string secretsDirectory, bool create, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var loaded = create
            ? SigningKeyFile.LoadOrCreate(secretsDirectory)
            : SigningKeyFile.Load(Path.Combine(secretsDirectory, SigningKeyFile.PrivateKeyFileName));
        if (!loaded.IsSuccess)
        {
            throw new InvalidOperationException($"The publisher signing key cannot be used: {loaded.Refusal.Detail}");
        }

        var current = loaded.Value;
        var retired = new List<SigningKey>();
        try
        {
            var folder = Path.Combine(secretsDirectory, RetiredFolderName);
            string[] files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.pem") : [];
            foreach (var file in files.Order(StringComparer.Ordinal))
            {
                var key = SigningKeyFile.Load(file);
                if (!key.IsSuccess)
                {
                    throw new InvalidOperationException($"A retired publisher signing key cannot be used: {key.Refusal.Detail}");
                }

                retired.Add(key.Value);
            }

            var lists = ReadKeyLists(secretsDirectory);
            var latest = Latest(lists, new TrustedKeySet(retired.Select(k => k.PublicKey).Prepend(current.PublicKey)), time);
            if (latest is null && retired.Count > 0)
            {
                throw new InvalidOperationException(
                    $"{RetiredFolderName} holds retired keys but {KeyListsFileName} holds no key list: restore the secrets folder as 'pk publisher-keys rotate' left it.");
            }
            if (latest is not null && latest.CurrentKeyId != current.KeyId)
            {
                throw new InvalidOperationException(
                    $"{KeyListsFileName} names {latest.CurrentKeyId} as the current key, but {SigningKeyFile.PrivateKeyFileName} is {current.KeyId}: restore the secrets folder as 'pk publisher-keys rotate' left it.");
            }

            // A withdrawn key's file put back (a restored backup, a copy from an old node) must not be trusted,
            // published or used to sign again.
            if (latest is not null && retired.Prepend(current).FirstOrDefault(k => latest.Withdrawn.Contains(k.KeyId)) is { } revived)
            {
                throw new InvalidOperationException(
                    $"The signing key {revived.KeyId} in the secrets folder was withdrawn ({KeyListsFileName}, list {latest.Sequence}): delete {Path.Combine(RetiredFolderName, revived.KeyId + ".pem")} and never use it again.");
            }

            if (latest is not null && retired.FirstOrDefault(k => latest.Trusted.Find(k.KeyId) is null) is { } unlisted)
            {
                throw new InvalidOperationException(
                    $"The retired key {unlisted.KeyId} is not in the newest key list ({KeyListsFileName}, list {latest.Sequence}): the file lost its newer lists; restore the secrets folder as 'pk publisher-keys' left it.");
            }

            return new PublisherKeyRing(current, retired, lists, latest);
        }
        catch
        {
            current.Dispose();
            retired.ForEach(k => k.Dispose());
            throw;
        }
    }

    /// <summary>
    /// Makes a new key current (the old one stays trusted, in <c>signing-keys/</c>) and appends the new key list,
    /// signed by every trusted key, so a device that trusts any of them learns the new one.
    /// </summary>
    /// <returns>The new and the previous current key ID, and the new sequence.</returns>
    public static Outcome<(string NewKeyId, string PreviousKeyId, long Sequence)> Rotate(string secretsDirectory, TimeProvider time)
    {
        var taken = SecretsChangeLock.Take(secretsDirectory);
        if (!taken.IsSuccess)
        {
            return taken.Refusal;
        }

        using var change = taken.Value;

        using var ring = Loaded(secretsDirectory, time, out var refusal);
        if (ring is null)
        {
            return refusal!;
        }

        if (ring.Missing.Count > 0)
        {
            var id = ring.Missing[0].KeyId;
            return new Refusal(ErrorCatalogue.StoreInvalid,
                $"The key lists trust {id}, but {Path.Combine(RetiredFolderName, id + ".pem")} is missing, so a new list could not be signed by it: put the file back from the secrets folder's backup, or withdraw the key ('pk publisher-keys withdraw {id}'), then rotate.");
        }

        using var fresh = SigningKey.Generate();
        var retired = Path.Combine(secretsDirectory, RetiredFolderName);
        var previous = ring.Current;
        var trusted = new TrustedKeySet(ring.Trusted.Keys.Append(fresh.PublicKey));
        var signers = ring.Retired.Append(previous).Append(fresh);
        var lists = signers.Select(k => PublisherKeyList.Sign(new ArtifactSigner(k, time), ring.Sequence + 1, fresh.KeyId, trusted, ring.Withdrawn).ToText()).ToList();
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(retired);
            }
            else
            {
                Directory.CreateDirectory(retired, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var kept = Path.Combine(retired, previous.KeyId + ".pem");
            if (!File.Exists(kept))
            {
                SigningKeyFile.Save(kept, previous);
            }

            var replaced = Path.Combine(secretsDirectory, SigningKeyFile.PrivateKeyFileName + ".new");
            File.Delete(replaced);
            SigningKeyFile.Save(replaced, fresh);
            File.Move(replaced, Path.Combine(secretsDirectory, SigningKeyFile.PrivateKeyFileName), overwrite: true);
            File.AppendAllLines(Path.Combine(secretsDirectory, KeyListsFileName), lists);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"The secrets folder {secretsDirectory} cannot be changed: {e.Message}");
        }

        return (fresh.KeyId, previous.KeyId, ring.Sequence + 1);
    }

    /// <summary>
    /// Withdraws a retired key: its private half is deleted and the new key list, signed by every key still
    /// trusted, says it no longer verifies. The current key cannot be withdrawn: rotate first.
    /// </summary>
    /// <returns>The new sequence; or <c>VALIDATION_FAILED</c> for the current key or one that is not retired here.</returns>
    public static Outcome<long> Withdraw(string secretsDirectory, string keyId, TimeProvider time)
    {
        var taken = SecretsChangeLock.Take(secretsDirectory);
        if (!taken.IsSuccess)
        {
            return taken.Refusal;
        }

        using var change = taken.Value;

        using var ring = Loaded(secretsDirectory, time, out var refusal);
        if (ring is null)
        {
            return refusal!;
        }

        if (keyId == ring.Current.KeyId)
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"{keyId} is the current signing key: rotate first ('pk publisher-keys rotate'), then withdraw it.");
        }

        // A retired key, or one the lists trust whose file is lost: a key that leaked and was then deleted must
        // still be withdrawable, and its private half is not needed to say so.
        var target = ring.Retired.FirstOrDefault(k => k.KeyId == keyId);
        if (target is null && ring.Missing.All(k => k.KeyId != keyId))
        {
            var retired = ring.Retired.Select(k => k.KeyId).Concat(ring.Missing.Select(k => k.KeyId)).ToList();
            return new Refusal(ErrorCatalogue.ValidationFailed,
                $"{keyId} is not a retired key of this secrets folder (retired: {(retired.Count == 0 ? "none" : string.Join(", ", retired))}).");
        }

        var keep = ring.Retired.Where(k => k != target).Append(ring.Current).ToList();
        var trusted = new TrustedKeySet(keep.Select(k => k.PublicKey).Concat(ring.Missing.Where(k => k.KeyId != keyId)));
        var withdrawn = ring.Withdrawn.Append(keyId).ToList();
        var lists = keep.Select(k => PublisherKeyList.Sign(new ArtifactSigner(k, time), ring.Sequence + 1, ring.Current.KeyId, trusted, withdrawn).ToText()).ToList();
        try
        {
            File.AppendAllLines(Path.Combine(secretsDirectory, KeyListsFileName), lists);
            File.Delete(Path.Combine(secretsDirectory, RetiredFolderName, keyId + ".pem"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"The secrets folder {secretsDirectory} cannot be changed: {e.Message}");
        }

        return ring.Sequence + 1;
    }

    public void Dispose()
    {
        Current.Dispose();
        foreach (var key in Retired)
        {
            key.Dispose();
        }
    }

    private static PublisherKeyRing? Loaded(string secretsDirectory, TimeProvider time, out Refusal? refusal)
    {
        refusal = null;
        if (!File.Exists(Path.Combine(secretsDirectory, SigningKeyFile.PrivateKeyFileName)))
        {
            refusal = new Refusal(ErrorCatalogue.StoreInvalid,
                $"{secretsDirectory} holds no {SigningKeyFile.PrivateKeyFileName}: name the secrets folder of a service that has started once (--data DIR or --secrets DIR).");
            return null;
        }

        try
        {
            return Load(secretsDirectory, create: false, time);
        }
        catch (InvalidOperationException e)
        {
            refusal = new Refusal(ErrorCatalogue.StoreInvalid, e.Message);
            return null;
        }
    }

    private static List<string> ReadKeyLists(string secretsDirectory)
    {
        var path = Path.Combine(secretsDirectory, KeyListsFileName);
        if (Directory.Exists(path))
        {
            throw new InvalidOperationException($"{path} is a folder, not the key lists file: restore the secrets folder as 'pk publisher-keys' left it.");
        }

        return File.Exists(path) ? [.. File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0)] : [];
    }

    /// <summary>
    /// The newest list, after every list in the file has verified: each against the keys the folder holds or the
    /// keys an earlier-verified list trusts (a withdrawn key's copies verify through the lists that trusted it).
    /// A list that verifies against none of them is damaged, cut short or not the publisher's: the folder is
    /// refused, rather than read as fewer lists, which would drop withdrawals from the next list signed.
    /// </summary>
    private static PublisherKeyList? Latest(IReadOnlyList<string> lists, TrustedKeySet held, TimeProvider time)
    {
        var known = held.Keys.ToList();
        var pending = lists.Select((text, index) => (Text: text, Number: index + 1)).ToList();
        var verified = new List<PublisherKeyList>();
        for (var learned = true; learned && pending.Count > 0;)
        {
            learned = false;
            var trusted = new TrustedKeySet(known);
            foreach (var list in pending.ToList())
            {
                var read = PublisherKeyList.Verify(list.Text, trusted, time);
                if (read.IsSuccess)
                {
                    verified.Add(read.Value);
                    pending.Remove(list);
                    known.AddRange(read.Value.Trusted.Keys.Where(k => known.All(x => x.KeyId != k.KeyId)));
                    learned = true;
                }
            }
        }

        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"Key list {pending[0].Number} of {KeyListsFileName} does not verify against any key of this secrets folder (damaged, cut short or added by hand): restore the secrets folder as 'pk publisher-keys' left it.");
        }

        var sequences = verified.Select(l => l.Sequence).ToHashSet();
        var newest = sequences.Count == 0 ? 0 : sequences.Max();
        if (Enumerable.Range(1, (int)Math.Min(newest, int.MaxValue)).FirstOrDefault(n => !sequences.Contains(n)) is var gap and > 0)
        {
            throw new InvalidOperationException(
                $"{KeyListsFileName} has no key list {gap} although it has list {newest}: restore the secrets folder as 'pk publisher-keys' left it.");
        }

        // Any copy of the newest list will do: they differ only in their signer.
        return verified.LastOrDefault(l => l.Sequence == newest);
    }
}
