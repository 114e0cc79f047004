using Microsoft.Extensions.Time.Testing;

namespace ProductKeys.Hosting.Tests;

/// <summary>An overload is told in two lines, not one per refusal, and never left untold while it lasts.</summary>
public sealed class OverloadEpisodeTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_first_refusal_is_told_and_the_end_reports_every_refusal_since()
    {
        var episode = new OverloadEpisode(_time);

        Assert.Equal(1, episode.Refused());
        Assert.Null(episode.Refused());
        Assert.Null(episode.Refused());
        _time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal((3, TimeSpan.FromSeconds(4)), episode.Ended());
        Assert.Null(episode.Ended());
    }

    [Fact]
    public void A_short_relapse_right_after_an_end_is_not_told_but_counted_into_the_next_line()
    {
        var episode = new OverloadEpisode(_time);
        episode.Refused();
        episode.Ended();

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(episode.Refused());
        Assert.Null(episode.Refused());
        Assert.Null(episode.Ended());

        _time.Advance(OverloadEpisode.Quiet);
        Assert.Equal(3, episode.Refused());
        Assert.Equal(3, episode.Ended()!.Value.Refusals);
    }

    [Fact]
    public void A_relapse_that_lasts_is_told_once_it_has_lasted_the_quiet_time()
    {
        var episode = new OverloadEpisode(_time);
        episode.Refused();
        episode.Ended();

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(episode.Refused());
        _time.Advance(OverloadEpisode.Quiet);
        Assert.Equal(2, episode.Refused());
        Assert.Null(episode.Refused());
        Assert.NotNull(episode.Ended());
    }

    [Fact]
    public void Relapses_that_keep_coming_are_told_once_they_have_gone_on_for_the_quiet_time()
    {
        var episode = new OverloadEpisode(_time);
        episode.Refused();
        episode.Ended();

        // Two seconds on, one off, again and again: each relapse short, the overload going on.
        long? told = null;
        var relapses = 0;
        while (told is null && relapses < 20)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            told = episode.Refused();
            _time.Advance(TimeSpan.FromSeconds(2));
            told ??= episode.Refused();
            relapses++;
            if (told is null)
            {
                Assert.Null(episode.Ended());
            }
        }

        Assert.NotNull(told);
        Assert.True(relapses * 3 <= OverloadEpisode.Quiet.TotalSeconds + 3, $"told only after {relapses} relapses");
        Assert.Equal(2 * relapses, told); // every refusal since the last told end
        Assert.NotNull(episode.Ended());
    }
}
