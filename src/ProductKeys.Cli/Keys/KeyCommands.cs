using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Core.Keys;

namespace ProductKeys.Cli.Keys;

/// <summary><c>pk key inspect</c>: what anyone can learn from a key offline.</summary>
internal static class KeyCommands
{
    public static Command AddTo(RootCommand root)
    {
        var key = new Command("key", "Product keys on this device: inspect, install, uninstall.");
        key.Subcommands.Add(Inspect());
        root.Subcommands.Add(key);
        return key;
    }

    private static Command Inspect()
    {
        var keyArgument = new Argument<string>("KEY") { Description = "A product key, e.g. XXXXX-XXXXX-XXXXX-XXXXX-XXXXX." };
        var command = new Command("inspect", "Check a key's format and checksum offline and show its type, group and serial.") { keyArgument };
        command.SetAction(parseResult =>
        {
            var parsed = ProductKey.Parse(parseResult.GetValue(keyArgument));
            if (!parsed.IsSuccess)
            {
                return CommandOutput.Refuse(parseResult, parsed.Refusal);
            }

            var k = parsed.Value;
            var result = new KeyInspection(k.ToString(), ProductKey.FormatVersion, k.Type, k.Group, k.Serial, k.Checksum, k.PartialKey);
            return CommandOutput.Print(parseResult, result, r =>
                $"""
                Key:        {r.Key}
                Format:     v{r.FormatVersion}
                Type:       {r.Type}
                Group:      {r.Group}
                Serial:     {r.Serial}
                Checksum:   {r.Checksum} (valid)
                Note:       only the licensing service can tell whether the key was really issued.
                """);
        });
        return command;
    }

    private sealed record KeyInspection(string Key, int FormatVersion, KeyType Type, int Group, int Serial, int Checksum, string PartialKey);
}
