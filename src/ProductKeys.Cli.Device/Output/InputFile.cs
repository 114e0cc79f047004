using System.Text;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Output;

/// <summary>
/// A small text file a device command was given (an offline response, publisher keys, CA certificates):
/// read whole, at most 1 MiB, and every way it cannot be read is a refusal with the given code, never
/// INTERNAL_ERROR (a folder, a missing file, a file this user cannot read, /proc/self/mem, /dev/zero).
/// </summary>
internal static class InputFile
{
    /// <summary>The most read of such a file; the real ones are a few kilobytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static Outcome<string> Read(FileInfo file, ErrorCode refusal, string what)
    {
        if (Directory.Exists(file.FullName))
        {
            return new Refusal(refusal, $"{what}: {file.FullName} is a folder, not a file.");
        }

        if (!file.Exists)
        {
            return new Refusal(refusal, $"{what}: {file.FullName} does not exist.");
        }

        try
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new byte[MaxBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            return total > MaxBytes
                ? new Refusal(refusal, $"{what}: {file.FullName} is larger than 1 MiB.")
                : new UTF8Encoding(false).GetString(buffer, 0, total).TrimStart('\uFEFF');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new Refusal(refusal, $"{what}: {file.FullName} cannot be read ({e.Message.TrimEnd('.')}).");
        }
    }
}
