using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk</c> against a service (hostile, broken, or a proxy) whose JSON answer has no end, or says it is a terabyte:
/// pk buffered up to 2 GiB of it before giving up with "Could not reach". It reads at most 64 MiB of one answer, then
/// SERVICE_UNREACHABLE saying so.
/// </summary>
public sealed class OversizedAnswerTests : IDisposable
{
    /// <summary>Where the stand-in service stops sending anyway, so that a pk without the limit ends too.</summary>
    private const long MostSent = 256L * 1024 * 1024;

    private readonly OversizedAnswerServer _server = new();

    [Theory]
    [InlineData("endless")]
    [InlineData("declared")]
    public async Task A_JSON_answer_over_64_MiB_is_SERVICE_UNREACHABLE_saying_so_and_pk_stops_reading_it(string kind)
    {
        var answering = _server.AnswerAsync(kind == "endless", MostSent);
        var environment = new Dictionary<string, string> { ["PK_CREDENTIALS"] = Path.Combine(Path.GetTempPath(), $"pk-oversized-{Guid.NewGuid():N}.json") };

        // Before: pk read the endless answer up to 2 GiB, and either answer was "Could not reach … the configured maximum buffer size".
        var result = await Pk.RunAsync(environment, "orgs", "list", "--service", _server.Url, "--token", "pk_unused");
        var sent = await answering.WaitAsync(Patience.Process, TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == ErrorCatalogue.ServiceUnreachable.ExitCode, result.ToString());
        Assert.StartsWith($"SERVICE_UNREACHABLE: {_server.Url}/ answered more than 64 MiB, more than pk reads of one answer", result.Stderr, StringComparison.Ordinal);
        // What the socket buffers hold beside what pk read: far less than the 32 MiB allowed here.
        Assert.True(sent < ServiceClientLimit + (32L * 1024 * 1024), $"pk read on: {sent} bytes were sent");
    }

    public void Dispose() => _server.Dispose();

    private const long ServiceClientLimit = 64L * 1024 * 1024;
}
