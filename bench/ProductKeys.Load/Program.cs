using System.Globalization;
using ProductKeys.Load.Kms;
using ProductKeys.Load.Mak;

// dotnet artifacts/bin/ProductKeys.Load/release/ProductKeys.Load.dll kms [REQUESTS_PER_LEVEL]
// dotnet artifacts/bin/ProductKeys.Load/release/ProductKeys.Load.dll mak [REQUESTS_PER_ROUND [sqlite|postgres]]   (PostgreSQL too when PK_BENCH_POSTGRES is set)
// (internally also: "echo-server", the plain Kestrel JSON echo the KMS host is compared with)
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
switch (args.FirstOrDefault())
{
    case "echo-server":
        await EchoServer.RunAsync();
        break;
    case "mak":
        await MakLoadDriver.RunAsync(requests, Environment.GetEnvironmentVariable("PK_BENCH_POSTGRES"), only: args.ElementAtOrDefault(2));
        break;
    default:
        await KmsLoadDriver.RunAsync(requests);
        break;
}

return 0;
