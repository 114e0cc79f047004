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
}
