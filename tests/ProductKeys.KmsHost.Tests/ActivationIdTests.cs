using ProductKeys.KmsHost.Clients;

namespace ProductKeys.KmsHost.Tests;

/// <summary>Activation IDs keep their documented shape and come out in issue order, never twice.</summary>
public sealed class ActivationIdTests
{
    [Fact]
    public void Ids_are_kmsa_and_16_hex_digits_sort_in_issue_order_and_never_repeat()
    {
        var ids = new ActivationIds();
        var issued = new List<string>();
        for (var second = 0; second < 3; second++)
        {
            for (var i = 0; i < 1000; i++)
            {
                issued.Add(ids.Next(HostFixture.Start.AddSeconds(second)));
            }
        }

        Assert.All(issued, id => Assert.Matches("^kmsa-[0-9a-f]{16}$", id));
        Assert.Equal(issued.Count, issued.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal($"kmsa-{HostFixture.Start.ToUnixTimeSeconds():x8}", issued[0][..13]);
        Assert.Equal($"kmsa-{HostFixture.Start.AddSeconds(2).ToUnixTimeSeconds():x8}", issued[^1][..13]);
        // Across seconds the time decides; within a second the counter, unless it wraps (once in 2^32).
        var wraps = issued.Zip(issued.Skip(1)).Count(pair => string.CompareOrdinal(pair.First, pair.Second) >= 0);
        Assert.InRange(wraps, 0, 1);
    }

    [Fact]
    public void Ids_sort_after_the_last_one_stored_even_when_the_clock_is_behind_it()
    {
        var last = $"kmsa-{HostFixture.Start.AddSeconds(30).ToUnixTimeSeconds():x8}0000abcd";
        var ids = new ActivationIds(last);

        var next = ids.Next(HostFixture.Start); // a restart whose clock is 30 s behind the last ID
        var later = ids.Next(HostFixture.Start.AddMinutes(1));

        Assert.Equal($"kmsa-{HostFixture.Start.AddSeconds(30).ToUnixTimeSeconds():x8}0000abce", next);
        Assert.True(string.CompareOrdinal(last, next) < 0);
        Assert.True(string.CompareOrdinal(next, later) < 0);
    }

    [Fact]
    public void After_a_last_id_whose_counter_is_at_its_end_the_next_second_begins()
    {
        var seconds = HostFixture.Start.ToUnixTimeSeconds();
        var ids = new ActivationIds($"kmsa-{seconds:x8}ffffffff");

        Assert.Equal($"kmsa-{seconds + 1:x8}00000000", ids.Next(HostFixture.Start));
    }

    [Fact]
    public void The_bound_leaves_out_random_ids_from_before_the_time_ordered_format()
    {
        var bound = ActivationIds.Bound(HostFixture.Start.AddDays(1));

        Assert.True(string.CompareOrdinal($"kmsa-{HostFixture.Start.ToUnixTimeSeconds():x8}00000001", bound) < 0);
        Assert.True(string.CompareOrdinal("kmsa-f3a9c0de12345678", bound) > 0);
    }
}
