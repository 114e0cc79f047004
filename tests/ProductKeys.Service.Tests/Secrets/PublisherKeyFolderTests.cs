using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Tests.Secrets;

/// <summary>
/// The publisher's secrets folder as an operator may damage it: key lists cut short, edited, reordered or lost,
/// a retired key's file deleted, and two rotations at once. Each is refused (or, for a lost key file, the key can
/// still be withdrawn); nothing is written from a folder read wrong (docs/operations.md "Rotating keys").
/// </summary>
public sealed class PublisherKeyFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-key-folder-").FullName;

    private string Lists => Path.Combine(_folder, PublisherKeyRing.KeyListsFileName);

    [Fact]
    public void A_key_lists_file_cut_short_edited_or_missing_lines_is_refused_and_left_as_it_was()
    {
        var (_, withdrawn) = RotatedTwiceAndWithdrawn();
        var whole = File.ReadAllText(Lists);
        var lines = File.ReadAllLines(Lists);

        foreach (var (damaged, detail) in new[]
        {
            (whole[..1000], "does not verify"),
            (whole + "garbage\n", "does not verify"),
            (whole.Replace(lines[^1][^20..], new string('A', 20), StringComparison.Ordinal), "does not verify"),
            (string.Join('\n', lines.Where(l => !l.Equals(lines[0], StringComparison.Ordinal))), null),
            ("", "holds no key list"),
        })
        {
            File.WriteAllText(Lists, damaged);
            var loaded = Record.Exception(() => PublisherKeyRing.Load(_folder, create: false, TimeProvider.System).Dispose());
            if (detail is null)
            {
                // Losing one copy of a list (another copy of it remains) loses nothing.
                Assert.Null(loaded);
                continue;
            }

            Assert.Contains(detail, Assert.IsType<InvalidOperationException>(loaded).Message, StringComparison.Ordinal);
            Assert.Equal(ErrorCatalogue.StoreInvalid, PublisherKeyRing.Rotate(_folder, TimeProvider.System).Refusal?.Error);
            Assert.Equal(damaged, File.ReadAllText(Lists));
        }

        // Cut after a whole list: the withdrawal's list is gone, so the withdrawn key is trusted again by the
        // newest list, and its file is gone. No list is signed from that: a rotation is refused.
        File.WriteAllLines(Lists, lines.Take(lines.Length - 2));
        using (var cut = PublisherKeyRing.Load(_folder, create: false, TimeProvider.System))
        {
            Assert.Equal([withdrawn], cut.Missing.Select(k => k.KeyId));
        }

        Assert.Contains("is missing", PublisherKeyRing.Rotate(_folder, TimeProvider.System).Refusal?.Detail, StringComparison.Ordinal);

        File.WriteAllText(Lists, whole);
        using var ring = PublisherKeyRing.Load(_folder, create: false, TimeProvider.System);
        Assert.Equal([withdrawn], ring.Withdrawn);
    }

    [Fact]
    public void A_list_missing_from_the_middle_is_refused()
    {
        RotatedTwiceAndWithdrawn();
        // List 1 has two copies (signed by the first and second keys), list 2 three, list 3 two.
        var lines = File.ReadAllLines(Lists);
        Assert.Equal(7, lines.Length);
        File.WriteAllLines(Lists, lines[..2].Concat(lines[5..]));

        var refused = Assert.Throws<InvalidOperationException>(() => PublisherKeyRing.Load(_folder, create: false, TimeProvider.System));
        Assert.Contains("has no key list 2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_retired_key_whose_file_is_lost_can_still_be_withdrawn_and_blocks_rotation_until_then()
    {
        using (PublisherKeyRing.Load(_folder, create: true, TimeProvider.System))
        {
        }

        var first = PublisherKeyRing.Rotate(_folder, TimeProvider.System).Value;
        var second = PublisherKeyRing.Rotate(_folder, TimeProvider.System).Value;
        File.Delete(Path.Combine(_folder, PublisherKeyRing.RetiredFolderName, first.PreviousKeyId + ".pem"));

        using (var ring = PublisherKeyRing.Load(_folder, create: false, TimeProvider.System))
        {
            Assert.Equal([first.PreviousKeyId], ring.Missing.Select(k => k.KeyId));
        }

        var blocked = PublisherKeyRing.Rotate(_folder, TimeProvider.System);
        Assert.Equal(ErrorCatalogue.StoreInvalid, blocked.Refusal?.Error);
        Assert.Contains($"withdraw {first.PreviousKeyId}", blocked.Refusal!.Detail, StringComparison.Ordinal);

        Assert.True(PublisherKeyRing.Withdraw(_folder, first.PreviousKeyId, TimeProvider.System).IsSuccess);
        using (var ring = PublisherKeyRing.Load(_folder, create: false, TimeProvider.System))
        {
            Assert.Empty(ring.Missing);
            Assert.Equal([first.PreviousKeyId], ring.Withdrawn);
            Assert.Equal([second.PreviousKeyId], ring.Retired.Select(k => k.KeyId));
        }

        // A device that trusted only the lost key learns that it is withdrawn and that the others are trusted.
        var lists = File.ReadAllLines(Lists);
        using var anchor = PublisherKeyRing.Load(_folder, create: false, TimeProvider.System);
        var applied = PublisherKeyList.Apply(new TrustedKeySet([anchor.Current.PublicKey]), lists, TimeProvider.System);
        Assert.Null(applied.Trusted.Find(first.PreviousKeyId));
        Assert.True(PublisherKeyRing.Rotate(_folder, TimeProvider.System).IsSuccess);
    }

    [Fact]
    public void A_change_while_another_holds_the_folder_is_refused_with_CONFLICT_and_writes_nothing()
    {
        var (current, _) = RotatedTwiceAndWithdrawn();
        var before = File.ReadAllText(Lists);
        using (var other = SecretsChangeLock.Take(_folder).Value)
        {
            Assert.Equal(ErrorCatalogue.Conflict, SecretsChangeLock.Take(_folder).Refusal?.Error);
            Assert.Equal(ErrorCatalogue.Conflict, PublisherKeyRing.Rotate(_folder, TimeProvider.System).Refusal?.Error);
            Assert.Equal(ErrorCatalogue.Conflict, PublisherKeyRing.Withdraw(_folder, current, TimeProvider.System).Refusal?.Error);
        }

        Assert.Equal(before, File.ReadAllText(Lists));

        // Rotations at once: every one either rotates or is refused, and the folder stays one that loads.
        var outcomes = Enumerable.Range(0, 6).AsParallel().WithDegreeOfParallelism(6)
            .Select(_ => PublisherKeyRing.Rotate(_folder, TimeProvider.System)).ToList();
        Assert.All(outcomes.Where(o => !o.IsSuccess), o => Assert.Equal(ErrorCatalogue.Conflict, o.Refusal?.Error));
        using var ring = PublisherKeyRing.Load(_folder, create: false, TimeProvider.System);
        Assert.Equal(2 + outcomes.Count(o => o.IsSuccess) + 1, ring.Sequence);
        Assert.Equal(outcomes.Where(o => o.IsSuccess).Select(o => o.Value.Sequence).Order(), Enumerable.Range(4, outcomes.Count(o => o.IsSuccess)).Select(n => (long)n));
    }

    [Fact]
    public void A_folder_that_cannot_be_changed_is_STORE_INVALID_not_an_internal_error()
    {
        var (current, _) = RotatedTwiceAndWithdrawn();
        File.Delete(Path.Combine(_folder, SecretsChangeLock.FileName));
        Directory.CreateDirectory(Path.Combine(_folder, SecretsChangeLock.FileName));
        Assert.Equal(ErrorCatalogue.StoreInvalid, PublisherKeyRing.Rotate(_folder, TimeProvider.System).Refusal?.Error);
        Assert.Equal(ErrorCatalogue.StoreInvalid, PublisherKeyRing.Withdraw(_folder, current, TimeProvider.System).Refusal?.Error);
        Assert.Equal(ErrorCatalogue.StoreInvalid, SecretsChangeLock.Take(_folder).Refusal?.Error);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Two rotations and a withdrawal of the first key: lists 1, 2 and 3. Returns the current key and the withdrawn one.</summary>
    private (string Current, string Withdrawn) RotatedTwiceAndWithdrawn()
    {
        using (PublisherKeyRing.Load(_folder, create: true, TimeProvider.System))
        {
        }

        var first = PublisherKeyRing.Rotate(_folder, TimeProvider.System).Value;
        var second = PublisherKeyRing.Rotate(_folder, TimeProvider.System).Value;
        Assert.True(PublisherKeyRing.Withdraw(_folder, first.PreviousKeyId, TimeProvider.System).IsSuccess);
        return (second.NewKeyId, first.PreviousKeyId);
    }
}
