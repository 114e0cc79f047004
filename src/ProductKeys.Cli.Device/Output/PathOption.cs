using System.CommandLine;

namespace ProductKeys.Cli.Output;

/// <summary>
/// Text options that name a file or folder (--data, --secrets, --from): an empty value (<c>--data ''</c>,
/// an unset shell variable) is a command line that does not parse, USAGE_INVALID naming the option, not
/// the current folder, nor an ArgumentException from the file system turned INTERNAL_ERROR.
/// </summary>
internal static class PathOption
{
    public static Option<T> NotEmpty<T>(this Option<T> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
            {
                result.AddError($"{option.Name} was given an empty value.");
            }
        });
        return option;
    }
}
