using System.CommandLine;
using ProductKeys.CalServer.Serving;
using ProductKeys.Core.Errors;
using ProductKeys.Hosting;
using ProductKeys.KmsHost.Serving;

// pk-cal-server --data DIR [--urls URL] ...: the options of 'pk cal-server serve' (docs/adr/0018-cal-server.md).
var data = new Option<string>("--data") { Description = "The CAL server's data folder (key, ID, packs, CAL database).", Required = true };
var root = CalServing.Configure(new RootCommand(CalServing.Description), data, (_, refusal) =>
{
    Console.Error.WriteLine($"{refusal.Code}: {refusal.Detail}");
    return refusal.Error.ExitCode;
}, new ListenRules(urls => ListenFailure.CheckUrls(urls, out _), ListenFailure.Explain));

try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (OperationCanceledException)
{
    return 130;
}
#pragma warning disable CA1031 // The one place that turns an unexpected failure into a clear message and exit code.
catch (Exception e)
#pragma warning restore CA1031
{
    Console.Error.WriteLine($"{ErrorCatalogue.Internal.Code}: {NativeFailure.Explain(e, "pk-cal-server", "scripts/publish-cal-server.sh")}");
    return ErrorCatalogue.Internal.ExitCode;
}
