using System.Globalization;
using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Contracts;

/// <summary>
/// The check every reader of an offline response file makes of its <c>format</c> member before reading anything else
/// (docs/formats/offline-activation-v1.md): the format the reader knows, or none where the online answer is also taken.
/// A file of another kind, or a later version of this one, is <c>OFFLINE_DATA_INVALID</c> saying which: read as this
/// version, a later file's members could mean something else, and another kind's members are simply missing.
/// </summary>
public static class OfflineFileFormat
{
    /// <summary>
    /// <c>null</c> when <paramref name="format"/> is <paramref name="expected"/> (or absent and <paramref name="absentAllowed"/>);
    /// else <c>OFFLINE_DATA_INVALID</c> naming the file, the format it carries and what to do.
    /// </summary>
    /// <param name="format">The file's <c>format</c> member.</param>
    /// <param name="expected">The format this reader reads, e.g. <c>pk-cal-pack-response-v1</c> (name, <c>-v</c>, version).</param>
    /// <param name="absentAllowed">True where a file without <c>format</c> (the online answer's JSON) is read too.</param>
    /// <param name="file">The file, as the user named it.</param>
    /// <param name="remedy">What to give instead, e.g. "the NAME.response.json 'pk offline activate' wrote for this request".</param>
    public static Refusal? Check(string? format, string expected, bool absentAllowed, string file, string remedy)
    {
        ArgumentException.ThrowIfNullOrEmpty(expected);
        if (format == expected || (format is null && absentAllowed))
        {
            return null;
        }

        if (format is null)
        {
            return new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{file} has no format member, so it is not a {expected} file: give {remedy}.");
        }

        var shown = format.Length > 60 ? format[..60] + "…" : format;
        return Version(format, Name(expected)) is { } version && version > Version(expected, Name(expected))
            ? new Refusal(ErrorCatalogue.OfflineDataInvalid,
                $"{file} is a {shown} file, written by a newer version of ProductKeys than this one, which reads {expected}: install it with that version, or answer the request with this version's 'pk offline activate'.")
            : new Refusal(ErrorCatalogue.OfflineDataInvalid, $"{file} is a '{shown}' file, not a {expected} file: give {remedy}.");
    }

    /// <summary>The name before the version: <c>pk-cal-pack-response</c> for <c>pk-cal-pack-response-v1</c>.</summary>
    private static string Name(string format)
    {
        var dash = format.LastIndexOf("-v", StringComparison.Ordinal);
        return dash < 0 ? format : format[..dash];
    }

    /// <summary>The version of <paramref name="format"/> when it is <paramref name="name"/><c>-vN</c> (N digits only), else <c>null</c>.</summary>
    private static int? Version(string format, string name) =>
        format.StartsWith(name + "-v", StringComparison.Ordinal)
        && format[(name.Length + 2)..] is { Length: > 0 and <= 9 } digits
        && digits.All(char.IsAsciiDigit)
        && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : null;
}
