using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Cli.Output;

/// <summary>
/// A small text file a device command was given (an offline response, publisher keys, CA certificates):
/// read whole, at most 1 MiB, and every way it cannot be read is a refusal with the given code, never
/// INTERNAL_ERROR (a folder, a missing file, a file this user cannot read, /proc/self/mem, /dev/zero); <see cref="InputText"/>.
/// </summary>
internal static class InputFile
{
    /// <summary>The most read of such a file; the real ones are a few kilobytes.</summary>
    public const int MaxBytes = InputText.MaxBytes;

    public static Outcome<string> Read(FileInfo file, ErrorCode refusal, string what) => InputText.Read(file.FullName, refusal, what);
}
