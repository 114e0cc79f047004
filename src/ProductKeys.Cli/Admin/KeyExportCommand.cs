using System.CommandLine;
using System.Diagnostics;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Cli.Admin;

/// <summary><c>pk keys export</c>: streams the CSV/JSON export to a file or stdout, with progress on stderr.</summary>
internal static class KeyExportCommand
{
    public static Command Create()
    {
        var format = new Option<string?>("--format") { Description = "csv or json; default: json with --json and no --output, else csv." };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--output", "-o") { Description = "File to write (created 0600: it holds plaintext keys); default or -: stdout." };
        var export = new Command("export", "Download every key of a billing account as CSV or JSON (the key rule applies).") { AdminOptions.Account, format, output };
        AdminAction.Set(export, async (parseResult, client, ct) =>
        {
            // '-o -' is standard output, as leaving --output out is (a file named "-": './-').
            var path = OutputFile.IsStandardOutput(parseResult.GetValue(output)) ? null : parseResult.GetValue(output);
            var json = parseResult.GetValue(CommonOptions.Json);
            var chosen = parseResult.GetValue(format) ?? (json && path is null ? "json" : "csv");
            if (json && path is null && chosen == "csv")
            {
                // --json promises one JSON document on stdout; CSV there would break every script reading it.
                return CommandOutput.Refuse(parseResult, new Refusal(ErrorCatalogue.ValidationFailed,
                    "--json prints JSON, not CSV: leave out --format csv, or write the CSV to a file with --output FILE."));
            }

            if (path is not null && OutputFile.Check(path, "--output") is { } unwritable)
            {
                return CommandOutput.Refuse(parseResult, unwritable);
            }

            var account = await AdminAction.AccountAsync(parseResult, client, ct);
            if (!account.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, account.Refusal);
            }

            var opened = await client.OpenAsync($"api/v1/billing-accounts/{account.Value}/product-keys/export?format={chosen}", ct);
            if (!opened.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, opened.Refusal);
            }

            using var response = opened.Value;
            Stream target;
            try
            {
                target = path is null ? Console.OpenStandardOutput() : OutputFile.CreateOwnerOnly(path);
            }
            catch (Exception ex) when (OutputFile.IsWriteFailure(ex))
            {
                return CommandOutput.Refuse(parseResult, OutputFile.Unwritable(path!, "--output", ex));
            }

            long bytes = 0, keys = 0;
            Refusal? stopped = null;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                (bytes, keys) = await CopyWithProgressAsync(body, target, new ExportedKeyCounter(chosen == "json"), ct);
            }
            catch (UnwritableTarget ex)
            {
                // A full disk, a file size limit (EFBIG is ArgumentOutOfRangeException in .NET): the file's fault, not the service's.
                stopped = path is null
                    ? new Refusal(ErrorCatalogue.ValidationFailed, $"Standard output cannot be written ({ex.InnerException!.Message.TrimEnd('.')}).")
                    : OutputFile.Unwritable(path, "--output", ex.InnerException!);
            }
            catch (HttpRequestException ex)
            {
                stopped = new Refusal(ErrorCatalogue.ServiceUnreachable, $"The export stopped: {ex.Message}");
            }
            catch (IOException ex)
            {
                stopped = new Refusal(ErrorCatalogue.ServiceUnreachable, $"The export stopped: {ex.Message}");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                stopped = new Refusal(ErrorCatalogue.ServiceUnreachable,
                    $"The export stopped: {client.Service} sent nothing for {ServiceClient.AnswerTimeout.TotalSeconds:0} s (for a service known to be slow, set PK_TIMEOUT to more seconds).");
            }

            try
            {
                await target.DisposeAsync();
            }
            catch (Exception e) when (stopped is not null && (OutputFile.IsWriteFailure(e) || e is ArgumentOutOfRangeException))
            {
                // What the failed write left in the stream's buffer fails again: already told.
            }

            if (stopped is not null)
            {
                if (path is not null)
                {
                    // Part of the keys, cut anywhere, reads as a smaller export: a stopped export leaves no file.
                    File.Delete(path);
                }

                return CommandOutput.Refuse(parseResult, stopped);
            }

            if (path is null)
            {
                return 0;
            }

            return CommandOutput.Print(parseResult, new ExportResult(Path.GetFullPath(path), chosen, keys, bytes),
                r => $"Wrote {r.Keys} key(s) to {r.File} ({r.Format.ToUpperInvariant()}, {r.Bytes:N0} bytes).");
        });
        return export;
    }

    private static async Task<(long Bytes, long Keys)> CopyWithProgressAsync(Stream source, Stream target, ExportedKeyCounter keys, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        long bytes = 0;
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        int read;
        while ((read = await ReadAsync(source, buffer, ct)) > 0)
        {
            await WriteAsync(target, buffer.AsMemory(0, read), ct);
            bytes += read;
            keys.Add(buffer.AsSpan(0, read));
            if (clock.Elapsed - lastReport > TimeSpan.FromMilliseconds(250))
            {
                lastReport = clock.Elapsed;
                Console.Error.Write($"\rexporting: {bytes:N0} bytes, {keys.Keys:N0} keys");
            }
        }

        await WriteAsync(target, ReadOnlyMemory<byte>.Empty, ct);
        if (lastReport > TimeSpan.Zero)
        {
            Console.Error.WriteLine($"\rexported: {bytes:N0} bytes, {keys.Keys:N0} keys");
        }

        return (bytes, keys.Keys);
    }

    /// <summary>The next bytes of the body, within <see cref="ServiceClient.AnswerTimeout"/>: a service that stops sending held pk forever.</summary>
    private static async Task<int> ReadAsync(Stream source, byte[] buffer, CancellationToken ct)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
        waiting.CancelAfter(ServiceClient.AnswerTimeout);
        return await source.ReadAsync(buffer, waiting.Token);
    }

    /// <summary>Writes (an empty chunk: flushes) to the export's target; a failure there is an <see cref="UnwritableTarget"/>.</summary>
    private static async Task WriteAsync(Stream target, ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        try
        {
            if (chunk.IsEmpty)
            {
                await target.FlushAsync(ct);
            }
            else
            {
                await target.WriteAsync(chunk, ct);
            }
        }
        catch (Exception e) when (OutputFile.IsWriteFailure(e) || e is ArgumentOutOfRangeException)
        {
            throw new UnwritableTarget(e);
        }
    }

    /// <summary>The target could not be written: told apart from a body that stopped coming.</summary>
    private sealed class UnwritableTarget(Exception inner) : Exception(inner.Message, inner);

    private sealed record ExportResult(string File, string Format, long Keys, long Bytes);
}
