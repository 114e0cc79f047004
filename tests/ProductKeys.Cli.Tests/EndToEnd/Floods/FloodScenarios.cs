using System.Diagnostics;
using System.Net.Sockets;

namespace ProductKeys.Cli.Tests.EndToEnd.Floods;

/// <summary>
/// Issue #13 item 2, the same three floods for every server of pk (docs/security.md, "Floods"): a
/// flood of idle connections past the file limit once made the server die at EMFILE ("Out of
/// memory.", measured for pk server and pk kms-host serve under <c>ulimit -n 1024</c> and 1,500
/// connections). Each takes a function that starts the server for an <c>--urls</c> value,
/// all on 127.0.0.1, bounded to at most 1,500 connections held for seconds.
/// </summary>
internal static class FloodScenarios
{
    private const int Flood = 1500;

    /// <summary>
    /// The default budgets: connections over a listener's share of the file limit are closed at once
    /// (one log line when it fills, one when it empties); the health address, with its own budget,
    /// answers during the flood; the flooded one answers again after.
    /// </summary>
    public static async Task PastTheFileLimitAsync(Func<string, ProcessStartInfo> start)
    {
        await using var server = await FloodedServer.StartAsync(start, files: 1024);
        var flood = await server.FloodAsync(Flood);
        try
        {
            Assert.True(flood.Count > 1024, $"only {flood.Count} connections were opened");
            Assert.True(await FloodedServer.AnswersNowAsync(server.HealthUrl), $"the health address did not answer during the flood:\n{server.Output}");
        }
        finally
        {
            Close(flood);
        }

        await AssertRecoveredAsync(server, "connections open, its limit");
    }

    /// <summary>
    /// <c>PK_Connections__Max</c> set far above what the file limit allows: the whole server still stops
    /// at the file limit less its reserve (logged), lives, and answers again after.
    /// </summary>
    public static async Task OverlyHighLimitAsync(Func<string, ProcessStartInfo> start)
    {
        await using var server = await FloodedServer.StartAsync(urls => WithLimit(start(urls), 3000), files: 1024);
        var flood = await server.FloodAsync(Flood);
        Close(flood);

        await AssertRecoveredAsync(server, "all its file limit allows");
    }

    /// <summary>
    /// Descriptors run out under the connection limits (the soft limit lowered under the running
    /// server to a few more than it holds): the server stops accepting before they are all gone (the
    /// runtime needs some to start a thread; with none it dies with "Out of memory."), logs it, gives
    /// its reserve of descriptors to the runtime, and accepts again once the flood's connections are gone.
    /// </summary>
    public static async Task OutOfDescriptorsAsync(Func<string, ProcessStartInfo> start)
    {
        await using var server = await FloodedServer.StartAsync(start, files: 4096);
        var before = server.OpenFiles;
        var flood = await server.FloodAsync(800);
        try
        {
            // Until the server holds them all: a connection still in its backlog when the limit is lowered
            // would be accepted over it, and the limit would fall below its highest descriptor. "All": its
            // count steady for half a second, within a few of what it held before plus the flood (the
            // start-up probes' connections, counted before, may have closed since).
            for (int wait = 0, last = -1, open = server.OpenFiles; wait < 120 && !(open == last && open >= before + flood.Count - 32); wait++)
            {
                await Task.Delay(500, TestContext.Current.CancellationToken);
                (last, open) = (open, server.OpenFiles);
            }

            await server.LowerFileLimitAsync(server.OpenFiles + 64);
            flood.AddRange(await server.FloodAsync(100));
            Assert.True(await server.PrintedAsync("within 32 of the file limit"), $"no line said the server stopped within its headroom of descriptors:\n{server.Output}");
        }
        finally
        {
            Close(flood);
        }

        await AssertRecoveredAsync(server, "out of file descriptors");
        Assert.True(await server.AnswersAsync(server.HealthUrl), "the health address did not answer after the flood");
    }

    private static async Task AssertRecoveredAsync(FloodedServer server, string overloadLine)
    {
        Assert.False(server.HasExited, $"the server died under the flood:\n{server.Output}");
        Assert.True(await server.AnswersAsync(server.PublicUrl), $"the flooded address did not answer again after the flood:\n{server.Output}");
        Assert.True(await server.PrintedAsync(overloadLine), $"no line told of the overload ('{overloadLine}'):\n{server.Output}");
        Assert.True(await server.PrintedAsync("accepting connections again"), $"no line told of the recovery:\n{server.Output}");
        Assert.False(server.HasExited);
    }

    private static ProcessStartInfo WithLimit(ProcessStartInfo start, int max)
    {
        start.Environment["PK_Connections__Max"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return start;
    }

    private static void Close(List<Socket> sockets) => sockets.ForEach(s => s.Dispose());
}
