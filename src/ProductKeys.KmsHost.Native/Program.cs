using System.CommandLine;
using ProductKeys.KmsHost.Serving;

// pk-kms-host --data DIR [--urls URL] [--sync normal|full] ...: the options of 'pk kms-host serve'.
var root = KmsHostServing.Configure(new RootCommand(KmsHostServing.Description), NativeProgram.Refuse);
return await NativeProgram.RunAsync(root, args, "pk-kms-host", "scripts/publish-kms-host.sh");
