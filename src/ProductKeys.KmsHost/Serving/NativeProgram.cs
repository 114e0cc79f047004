using System.CommandLine;
using ProductKeys.CommandLine;
using ProductKeys.Core.Errors;
using ProductKeys.Hosting;

namespace ProductKeys.KmsHost.Serving;

/// <summary>
/// The entry point the Native AOT servers (pk-kms-host, pk-cal-server) share: a refusal as
/// <c>CODE: detail</c> on stderr with its exit code (a command line that does not parse: <c>USAGE_INVALID</c>, 2,
/// in <see cref="UsageRefusal"/>'s words), Ctrl-C as 130, and a failure nobody expected as
/// <c>INTERNAL</c> with its innermost cause (<see cref="NativeFailure"/>).
/// </summary>
public static class NativeProgram
{
    /// <summary>How a command of a native server reports a refusal.</summary>
    public static int Refuse(ParseResult parseResult, Refusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        Console.Error.WriteLine($"{refusal.Code}: {refusal.Detail}");
        return refusal.Error.ExitCode;
    }

    /// <summary>Runs <paramref name="root"/> on <paramref name="args"/>; the exit code.</summary>
    /// <param name="root">The server's command, its options configured.</param>
    /// <param name="args">The command line.</param>
    /// <param name="executable">The server's file name, e.g. <c>pk-kms-host</c>.</param>
    /// <param name="publishScript">The script that publishes it with its libraries.</param>
    public static async Task<int> RunAsync(Command root, string[] args, string executable, string publishScript)
    {
        ArgumentNullException.ThrowIfNull(root);
        try
        {
            var parseResult = root.Parse(args);
            if (UsageRefusal.Of(parseResult) is { } usage)
            {
                return Refuse(parseResult, usage);
            }

            return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
#pragma warning disable CA1031 // The one place that turns an unexpected failure into a clear message and exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"{ErrorCatalogue.Internal.Code}: {NativeFailure.Explain(e, executable, publishScript)}");
            return ErrorCatalogue.Internal.ExitCode;
        }
    }
}
