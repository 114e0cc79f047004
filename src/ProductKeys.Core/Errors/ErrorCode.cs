namespace ProductKeys.Core.Errors;

/// <summary>
/// One entry of the error catalogue: a stable machine-readable code, the HTTP status the REST API
/// answers with, the exit code of <c>pk</c>, and a one-line message that says what to do.
/// </summary>
/// <param name="Code">Stable identifier, e.g. <c>KEY_MALFORMED</c>. Never renamed once shipped.</param>
/// <param name="HttpStatus">HTTP status code used in problem details.</param>
/// <param name="ExitCode">Process exit code of <c>pk</c> when it refuses with this code.</param>
/// <param name="Message">One line telling the user what to do.</param>
public sealed record ErrorCode(string Code, int HttpStatus, int ExitCode, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Code;
}
