using ProductKeys.Client.Kms;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>RFC 2782 selection order, with a scripted random source.</summary>
public sealed class SrvOrderingTests
{
    private static readonly SrvTarget A = new("a.corp.test", 16880, 10, 60);
    private static readonly SrvTarget B = new("b.corp.test", 16880, 10, 40);
    private static readonly SrvTarget Backup = new("backup.corp.test", 16880, 20, 0);

    [Fact]
    public void Lower_priority_comes_first_whatever_the_weights()
    {
        var order = SrvOrdering.Order([Backup, B, A], _ => 0);
        Assert.Equal(Backup, order[^1]);
    }

    [Theory]
    [InlineData(0, "a.corp.test")]
    [InlineData(60, "a.corp.test")]
    [InlineData(61, "b.corp.test")]
    [InlineData(100, "b.corp.test")]
    public void Within_a_priority_the_draw_falls_on_running_weight_sums(int draw, string first)
    {
        var draws = new Queue<int>([draw, 0, 0]);
        var order = SrvOrdering.Order([A, B, Backup], max => Math.Min(draws.Dequeue(), max));
        Assert.Equal(first, order[0].Target);
        Assert.Equal(3, order.Count);
    }

    [Fact]
    public void Heavier_targets_come_first_more_often()
    {
        var random = new Random(2782);
        var aFirst = Enumerable.Range(0, 2000).Count(_ => SrvOrdering.Order([A, B], max => random.Next(max + 1))[0] == A);
        Assert.InRange(aFirst, 1000, 1400);
    }

    [Fact]
    public void A_dot_target_means_no_service()
    {
        Assert.Empty(SrvOrdering.Order([new SrvTarget(".", 0, 0, 0)]));
    }
}
