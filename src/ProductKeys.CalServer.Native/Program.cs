using System.CommandLine;
using ProductKeys.CalServer.Serving;
using ProductKeys.KmsHost.Serving;

// pk-cal-server --data DIR [--urls URL] ...: the options of 'pk cal-server serve' (docs/adr/0018-cal-server.md).
var data = new Option<string>("--data") { Description = "The CAL server's data folder (key, ID, packs, CAL database).", Required = true };
var root = CalServing.Configure(
    new RootCommand(CalServing.Description), data, NativeProgram.Refuse, new ListenRules(urls => ListenFailure.CheckUrls(urls, out _), ListenFailure.Explain));
return await NativeProgram.RunAsync(root, args, "pk-cal-server", "scripts/publish-cal-server.sh");
