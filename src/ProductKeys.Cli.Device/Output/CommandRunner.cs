using System.CommandLine;
using ProductKeys.CommandLine;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Output;

/// <summary>Runs a root command (pk or pk-device): the one place an unexpected failure becomes a clear message and exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        try
        {
            // Nothing typed: the help is the answer, exit 0 (System.CommandLine added "Required command was not provided." and exit 1).
            var parseResult = root.Parse(args.Length == 0 ? ["--help"] : args);
            if (UsageRefusal.Of(parseResult) is { } usage)
            {
                return CommandOutput.Refuse(UsageErrors.WantsJson(args), usage);
            }

            return await parseResult.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Cancelled.");
            return 130;
        }
#pragma warning disable CA1031 // The one place that turns an unexpected failure into a clear message and exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"{ErrorCatalogue.Internal.Code}: {TerminalText.Safe(e.Message)}");
            Console.Error.WriteLine(ErrorCatalogue.Internal.Message);
            if (Environment.GetEnvironmentVariable("PK_DEBUG") == "1")
            {
                Console.Error.WriteLine(e);
            }

            return ErrorCatalogue.Internal.ExitCode;
        }
    }
}
