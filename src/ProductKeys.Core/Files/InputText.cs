using System.Text;
using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Files;

/// <summary>
/// A small text file a command was given (an offline response, publisher keys, CA certificates): read whole, at most
/// 1 MiB, and every way it cannot be read is a refusal with the given code, never INTERNAL_ERROR or a read without end
/// (a folder, a missing file, a file this user cannot read, /proc/self/mem, a FIFO, /dev/zero). The one reader for device
/// commands, <c>pk kms-host activate</c> and <c>pk cal-server install-pack</c>.
/// </summary>
public static class InputText
{
    /// <summary>The most read of such a file; the real ones are a few kilobytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The file's text (UTF-8, a byte order mark dropped), or why it cannot be had.</summary>
    /// <param name="path">The file.</param>
    /// <param name="refusal">The code of every refusal.</param>
    /// <param name="what">What the file is, for the message ("The response").</param>
    public static Outcome<string> Read(string path, ErrorCode refusal, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(refusal);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return new Refusal(refusal, $"{what}: {full} is a folder, not a file.");
        }

        if (!File.Exists(full))
        {
            return new Refusal(refusal, $"{what}: {full} does not exist.");
        }

        if (RegularFile.NotReadable(full) is { } why)
        {
            // A FIFO with no writer blocks the open below: the command would hang, saying nothing.
            return new Refusal(refusal, $"{what}: {full} is {why}: name the file itself.");
        }

        try
        {
            using var stream = RegularFile.OpenRead(full); // a FIFO put here since the check still does not block
            var buffer = new byte[MaxBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            return total > MaxBytes
                ? new Refusal(refusal, $"{what}: {full} is larger than 1 MiB.")
                : new UTF8Encoding(false).GetString(buffer, 0, total).TrimStart('\uFEFF');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new Refusal(refusal, $"{what}: {full} cannot be read ({e.Message.TrimEnd('.')}).");
        }
    }
}
