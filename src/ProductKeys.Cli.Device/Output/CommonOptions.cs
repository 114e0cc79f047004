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

    public static readonly Option<string?> Field = new("--field")
    {
        Description = "Print only this member of the result, one value per line (for scripts: MAK=$(pk keys list --field key --where type=Mak)).",
        Recursive = true,
    };

    public static readonly Option<string[]> Where = new("--where")
    {
        Description = "With --field: only from objects whose member NAME equals VALUE (case-insensitive); repeatable: --where type=Mak --where product=P.",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };
}
