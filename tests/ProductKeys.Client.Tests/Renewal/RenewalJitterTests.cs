using ProductKeys.Client.Renewal;

namespace ProductKeys.Client.Tests.Renewal;

/// <summary>The jitter that spreads attempts due at the same moment (ADR 0012).</summary>
public sealed class RenewalJitterTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 6, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2 * 60, 30)]            // retry: 2 hours, spread over 30 minutes
    [InlineData(7 * 24 * 60, 60)]       // renewal: 7 days, spread over at most an hour
    [InlineData(15, 3.75)]              // the shortest interval a host may ask for
    [InlineData(0, 0)]                  // already due: at once
    public void The_window_is_a_quarter_of_the_wait_and_at_most_an_hour(double waitMinutes, double windowMinutes) =>
        Assert.Equal(TimeSpan.FromMinutes(windowMinutes), RenewalJitter.Window(TimeSpan.FromMinutes(waitMinutes)));

    [Fact]
    public void An_attempt_is_never_before_it_is_due_nor_after_the_window()
    {
        var waits = new[] { TimeSpan.FromMinutes(15), TimeSpan.FromHours(2), TimeSpan.FromDays(7), TimeSpan.FromDays(30) };
        for (var seed = 0UL; seed < 2_000; seed++)
        {
            foreach (var wait in waits)
            {
                var due = Now + wait;
                var wake = RenewalJitter.WakeTime(due, Now, seed * 7919);
                Assert.InRange(wake, due, due + RenewalJitter.Window(wait) - TimeSpan.FromTicks(1));
            }
        }
    }

    [Fact]
    public void An_attempt_already_due_is_made_at_once()
    {
        Assert.Equal(Now - TimeSpan.FromDays(3), RenewalJitter.WakeTime(Now - TimeSpan.FromDays(3), Now, 42));
        Assert.Equal(Now, RenewalJitter.WakeTime(Now, Now, 42));
    }

    [Fact]
    public void A_thousand_devices_due_in_the_same_second_are_spread_over_the_window()
    {
        // 1,000 re-imaged devices whose first attempt failed at 09:00:00 all retry "at 11:00:00".
        // Seeds as devices draw them (random), from a seeded generator so the test is repeatable.
        var random = new Random(2026);
        var due = Now + TimeSpan.FromHours(2);
        var perSecond = Enumerable.Range(0, 1_000)
            .Select(_ => RenewalJitter.WakeTime(due, Now, (ulong)random.NextInt64()))
            .GroupBy(wake => wake.ToUnixTimeSeconds())
            .Select(g => g.Count())
            .ToList();

        // 30 minutes = 1,800 seconds for 1,000 devices: a busy second holds a handful, never a storm.
        Assert.True(perSecond.Max() <= 8, $"{perSecond.Max()} devices in one second");
        Assert.True(perSecond.Count >= 600, $"only {perSecond.Count} distinct seconds");
    }

    [Fact]
    public void One_device_spreads_its_own_attempts_too()
    {
        const ulong seed = 12345;
        var offsets = Enumerable.Range(0, 50)
            .Select(day => Now.AddDays(day))
            .Select(now => RenewalJitter.WakeTime(now + TimeSpan.FromDays(7), now, seed) - (now + TimeSpan.FromDays(7)))
            .Distinct()
            .Count();
        Assert.True(offsets > 40, $"{offsets} distinct offsets in 50 renewals");
    }
}
