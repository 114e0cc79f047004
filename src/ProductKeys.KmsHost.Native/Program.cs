using System.CommandLine;
using ProductKeys.Core.Errors;
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
    Console.Error.WriteLine($"{ErrorCatalogue.Internal.Code}: {Explain(e)}");
    return ErrorCatalogue.Internal.ExitCode;
}

// The innermost cause, which says what is wrong (a type initializer's own message does not); a
// missing native library gets what to do about it.
static string Explain(Exception e)
{
    for (var cause = e; cause is not null; cause = cause.InnerException)
    {
        if (cause is DllNotFoundException)
        {
            return $"A native library could not be loaded: {cause.Message.Split('\n')[0].Trim()} pk-kms-host needs libe_sqlite3.so "
                + "(published with it by scripts/publish-kms-host.sh) in its own folder, and OpenSSL 3 on the system.";
        }

        e = cause;
    }

    return e.Message;
}
