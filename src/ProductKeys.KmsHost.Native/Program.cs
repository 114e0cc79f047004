using System.CommandLine;
using ProductKeys.Core.Errors;
using ProductKeys.Hosting;
using ProductKeys.KmsHost.Serving;

// pk-kms-host --data DIR [--urls URL] [--sync normal|full] ...: the options of 'pk kms-host serve'.
var root = KmsHostServing.Configure(new RootCommand(KmsHostServing.Description), (_, refusal) =>
{
    Console.Error.WriteLine($"{refusal.Code}: {refusal.Detail}");
    return refusal.Error.ExitCode;
});

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
    Console.Error.WriteLine($"{ErrorCatalogue.Internal.Code}: {NativeFailure.Explain(e, "pk-kms-host", "scripts/publish-kms-host.sh")}");
    return ErrorCatalogue.Internal.ExitCode;
}
