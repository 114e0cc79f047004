using ProductKeys.Cli.Device;
using ProductKeys.Cli.Output;

// pk-device VERB [options]: the device verbs of pk (ipk ato dli dlv xpr upk rearm skms ckms dti atp renew agent),
// with pk's options and output, as a Native AOT executable for devices (docs/adr/0013-device-executable.md).
var root = new System.CommandLine.RootCommand("pk-device — the device side of ProductKeys: install a product key, activate it (MAK or KMS), show the license.");
root.Options.Add(CommonOptions.Json);
root.Options.Add(CommonOptions.Field);
root.Options.Add(CommonOptions.Where);
DeviceCommands.AddTo(root);
return await CommandRunner.RunAsync(root, args);
