namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// How long an end-to-end test waits for a process before calling it hung. Generous on purpose: a
/// loaded 2-core machine can take a minute to start a JIT server; these bound hangs, they measure nothing.
/// </summary>
internal static class Patience
{
    /// <summary>For one process to start, answer, or finish a command.</summary>
    public static readonly TimeSpan Process = TimeSpan.FromMinutes(3);
}
