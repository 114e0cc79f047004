using System.CommandLine;
using ProductKeys.Cli.Output;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Cli.Server;

/// <summary>
/// <c>pk publisher-keys rotate|withdraw|show</c>: the publisher's signing keys in a secrets folder, changed
/// offline and then copied to every node (docs/operations.md "Rotating keys", ADR 0024).
/// </summary>
internal static class PublisherKeyRotationCommands
{
    public static void AddTo(Command publisherKeys)
    {
        publisherKeys.Subcommands.Add(Rotate());
        publisherKeys.Subcommands.Add(Withdraw());
        publisherKeys.Subcommands.Add(Show());
    }

    private static Command Rotate()
    {
        var folder = new SecretsFolder();
        var command = new Command("rotate", "Make a new signing key current; earlier keys keep verifying and sign the key list that introduces it.");
        folder.AddTo(command);
        command.SetAction(parseResult =>
        {
            if (folder.Unusable(parseResult) is { } missing)
            {
                return CommandOutput.Refuse(parseResult, missing);
            }

            var rotated = PublisherKeyRing.Rotate(folder.Path(parseResult), TimeProvider.System);
            return rotated.IsSuccess
                ? CommandOutput.Print(parseResult, new RotationResult(rotated.Value.NewKeyId, rotated.Value.PreviousKeyId, rotated.Value.Sequence, Path.GetFullPath(folder.Path(parseResult))),
                    r => $"Signing key {r.CurrentKeyId} is current (key list {r.Sequence}); {r.PreviousKeyId} still verifies. Copy {r.SecretsFolder} to every node and restart them; "
                        + "devices learn the new key from the signed key list ('pk trust update', or a 'pk ato' that meets it).")
                : CommandOutput.Refuse(parseResult, rotated.Refusal);
        });
        return command;
    }

    private static Command Withdraw()
    {
        var folder = new SecretsFolder();
        var keyId = new Argument<string>("KEYID") { Description = "The retired signing key whose artifacts must stop verifying." };
        var command = new Command("withdraw", "Withdraw a retired signing key: its private half is deleted and the key list says its artifacts no longer verify.") { keyId };
        folder.AddTo(command);
        command.SetAction(parseResult =>
        {
            if (folder.Unusable(parseResult) is { } missing)
            {
                return CommandOutput.Refuse(parseResult, missing);
            }

            var id = parseResult.GetValue(keyId)!.Trim();
            var withdrawn = PublisherKeyRing.Withdraw(folder.Path(parseResult), id, TimeProvider.System);
            return withdrawn.IsSuccess
                ? CommandOutput.Print(parseResult, new WithdrawalResult(id, withdrawn.Value, Path.GetFullPath(folder.Path(parseResult))),
                    r => $"Withdrew {r.KeyId} (key list {r.Sequence}). Copy {r.SecretsFolder} to every node and restart them; "
                        + "devices drop the key at their next 'pk trust update'.")
                : CommandOutput.Refuse(parseResult, withdrawn.Refusal);
        });
        return command;
    }

    private static Command Show()
    {
        var folder = new SecretsFolder();
        var command = new Command("show", "The signing keys of a secrets folder: current, retired, withdrawn, and the key list sequence.");
        folder.AddTo(command);
        command.SetAction(parseResult =>
        {
            if (folder.Unusable(parseResult) is { } missing)
            {
                return CommandOutput.Refuse(parseResult, missing);
            }

            try
            {
                using var ring = PublisherKeyRing.Load(folder.Path(parseResult), create: false, TimeProvider.System);
                var result = new KeyRingView(ring.Current.KeyId, [.. ring.Retired.Select(k => k.KeyId)], [.. ring.Missing.Select(k => k.KeyId)], ring.Withdrawn, ring.Sequence);
                return CommandOutput.Print(parseResult, result, r =>
                    $"current {r.CurrentKeyId}; retired {(r.RetiredKeyIds.Count == 0 ? "none" : string.Join(", ", r.RetiredKeyIds))}; "
                    + (r.MissingKeyIds.Count == 0 ? "" : $"trusted but their files are missing {string.Join(", ", r.MissingKeyIds)} (withdraw them, or put the files back); ")
                    + $"withdrawn {(r.WithdrawnKeyIds.Count == 0 ? "none" : string.Join(", ", r.WithdrawnKeyIds))}; key list {r.Sequence}");
            }
            catch (InvalidOperationException e)
            {
                return CommandOutput.Refuse(parseResult, new Core.Errors.Refusal(Core.Errors.ErrorCatalogue.StoreInvalid, e.Message));
            }
        });
        return command;
    }

    private sealed record RotationResult(string CurrentKeyId, string PreviousKeyId, long Sequence, string SecretsFolder);

    private sealed record WithdrawalResult(string KeyId, long Sequence, string SecretsFolder);

    private sealed record KeyRingView(string CurrentKeyId, IReadOnlyList<string> RetiredKeyIds, IReadOnlyList<string> MissingKeyIds, IReadOnlyList<string> WithdrawnKeyIds, long Sequence);
}
