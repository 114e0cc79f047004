using System.CommandLine;
using Microsoft.Data.Sqlite;
using ProductKeys.CommandLine;
using ProductKeys.Core.Errors;
using ProductKeys.Hosting;

namespace ProductKeys.KmsHost.Serving;

/// <summary>
/// The entry point the Native AOT servers (pk-kms-host, pk-cal-server) share: a refusal as
/// <c>CODE: detail</c> on stderr with its exit code (a command line that does not parse: <c>USAGE_INVALID</c>, 2,
/// in <see cref="UsageRefusal"/>'s words), Ctrl-C as 130, a native library that cannot be loaded as
/// <c>NATIVE_LIBRARY_MISSING</c> naming the file (checked before the command runs), and a failure nobody expected as
/// <c>INTERNAL_ERROR</c> with its innermost cause (<see cref="NativeFailure"/>).
/// </summary>
public static class NativeProgram
{
    /// <summary>How a command of a native server reports a refusal.</summary>
    public static int Refuse(ParseResult parseResult, Refusal refusal) => Report(refusal);

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

            if (parseResult.Action == parseResult.CommandResult.Command.Action)
            {
                // Before the server makes anything in its data folder: without SQLite's library it would make a key and ID, then stop.
                LoadSqlite();
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
            if (NativeFailure.MissingLibrary(e, executable, publishScript) is { } missing)
            {
                return Report(missing);
            }

            await Console.Error.WriteLineAsync($"{ErrorCatalogue.Internal.Code}: {NativeFailure.Explain(e)}");
            return ErrorCatalogue.Internal.ExitCode;
        }
    }

    private static int Report(Refusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        Console.Error.WriteLine($"{refusal.Code}: {refusal.Detail}");
        return refusal.Error.ExitCode;
    }

    /// <summary>Opens an in-memory SQLite database, which loads <see cref="NativeFailure.SqliteLibrary"/>.</summary>
    private static void LoadSqlite()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
    }
}
