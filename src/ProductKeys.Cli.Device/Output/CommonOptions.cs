using System.CommandLine;

namespace ProductKeys.Cli.Output;

/// <summary>Options every command understands.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the result as one JSON object on stdout.",
        Recursive = true,
    };
}
