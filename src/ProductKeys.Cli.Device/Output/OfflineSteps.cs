using ProductKeys.Core.Files;

namespace ProductKeys.Cli.Output;

/// <summary>
/// The two commands that follow an offline request file, each on a line of its own and written as a POSIX shell takes it
/// (<see cref="ShellWord"/>): a folder or file name with a space, a quote or a <c>;</c> printed bare ran another command when pasted.
/// </summary>
internal static class OfflineSteps
{
    /// <summary>
    /// "On a machine that reaches the licensing service … <c>pk offline activate REQUEST --out DIR</c>, then here: INSTALL"; DIR stands for
    /// the folder the operator chooses, and the response is <c>DIR/REQUEST.response.json</c>, its publisher keys <c>DIR/publisher-keys.pem</c>.
    /// </summary>
    /// <param name="request">The request file's name, as the operator will give it on the connected machine.</param>
    /// <param name="install">The command that installs the response here, given the response file's path and the trust file's, quoted.</param>
    /// <param name="signedInAs">Who may run <c>pk offline activate</c>, e.g. "an Owner or Contributor"; <c>null</c> says nothing of it.</param>
    public static string Hint(string request, Func<string, string, string> install, string? signedInAs = null) =>
        $"On a machine that reaches the licensing service, signed in{(signedInAs is null ? "" : $" as {signedInAs}")}, run:\n"
        + $"  pk offline activate {ShellWord.Quote(request)} --out DIR\n"
        + "then here:\n"
        + $"  {install(ShellWord.Quote($"DIR/{Path.GetFileNameWithoutExtension(request)}.response.json"), "DIR/publisher-keys.pem")}";
}
