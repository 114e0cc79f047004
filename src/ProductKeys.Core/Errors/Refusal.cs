namespace ProductKeys.Core.Errors;

/// <summary>
/// An expected refusal: a catalogue entry plus the detail of this occurrence
/// (e.g. which character of a key is wrong). Returned, never thrown.
/// </summary>
/// <param name="Error">The catalogue entry.</param>
/// <param name="Detail">What exactly was wrong this time; falls back to the catalogue message.</param>
public sealed record Refusal(ErrorCode Error, string Detail)
{
    /// <summary>Creates a refusal whose detail is the catalogue's own message.</summary>
    public Refusal(ErrorCode error)
        : this(error, error.Message)
    {
    }

    /// <summary>
    /// What to do, the line <c>pk</c> prints under the detail: the catalogue entry's message, unless this occurrence needs another
    /// (a file or folder open to other users is made private, not restored from a backup: <see cref="Files.OpenToOthers"/>).
    /// </summary>
    public string Hint { get; init; } = Error.Message;

    /// <summary>The stable code, e.g. <c>KEY_CHECKSUM</c>.</summary>
    public string Code => Error.Code;

    /// <inheritdoc />
    public override string ToString() => $"{Error.Code}: {Detail}";
}
