using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk cal request</c> against a CAL server (hostile, broken, or a proxy) whose answer has no end: pk read it whole,
/// up to 2 GiB. It reads at most 1 MiB of it (a CAL is a few KB), then CAL_SERVER_UNREACHABLE saying so.
/// </summary>
public sealed class OversizedCalAnswerTests : IDisposable
{
    /// <summary>Where the stand-in server stops sending anyway (and hangs up), so that a pk without the limit ends too.</summary>
    private const long MostSent = 32L * 1024 * 1024;

    private readonly OversizedAnswerServer _server = new();

    [Fact]
    public async Task A_CAL_answer_over_1_MiB_is_CAL_SERVER_UNREACHABLE_saying_so()
    {
        var answering = _server.AnswerAsync(endless: true, MostSent);

        // Before: pk read the 32 MiB, then "could not reach" as the server hung up.
        var result = await Pk.RunAsync("cal", "request", "--cal-server", _server.Url, "--user", "alice");
        await answering.WaitAsync(Patience.Process, TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == ErrorCatalogue.CalServerUnreachable.ExitCode, result.ToString());
        Assert.Contains("answered more than 1 MiB, which no CAL server sends", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _server.Dispose();
}
