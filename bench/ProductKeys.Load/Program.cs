using System.Globalization;
using ProductKeys.Load;
using ProductKeys.Load.Cal;
using ProductKeys.Load.Kms;
using ProductKeys.Load.Mak;
using ProductKeys.Load.Portal;

// dotnet artifacts/bin/ProductKeys.Load/release/ProductKeys.Load.dll kms [REQUESTS_PER_LEVEL] [SERVERS]
//   SERVERS: comma-separated subset of pk-normal,pk-full,native-normal,native-full,echo (default: all; native-* when published)
//   PK_KMS_HOST_NATIVE=PATH: the native host to measure; PK_KMS_BASELINE=PATH/pk.dll: another build, measured as "baseline";
//   PK_KMS_BASELINE_NATIVE=PATH/pk-kms-host: another build's native host, measured as "baseline-native"
// dotnet artifacts/bin/ProductKeys.Load/release/ProductKeys.Load.dll mak [REQUESTS_PER_ROUND [sqlite|postgres]]   (PostgreSQL too when PK_BENCH_POSTGRES is set)
// dotnet artifacts/bin/ProductKeys.Load/release/ProductKeys.Load.dll mak-lb [REQUESTS_PER_ROUND]   (PK_BENCH_POSTGRES required; HAProxy: PK_HAPROXY or /usr/sbin/haproxy)
//   three pk server nodes behind HAProxy against one of them directly, same run, same 50 keys
// dotnet artifacts/bin/ProductKeys.Load/release/ProductKeys.Load.dll cal [REQUESTS_PER_LEVEL [PARTS]]   (or bench/cal-load.sh)
//   PARTS: comma-separated subset of per-user,per-device,echo,race (default: all);
//   PK_CAL_BASELINE=PATH/pk.dll: another build, measured in the same run as baseline-per-user,baseline-per-device,baseline-race
// dotnet artifacts/bin/ProductKeys.Load/release/ProductKeys.Load.dll portal [REQUESTS]   (PK_PORTAL_BASELINE=PATH/pk.dll: another build in the same run)
// (internally also: "echo-server", the plain Kestrel JSON echo the KMS host and the CAL server are compared with)
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
switch (args.FirstOrDefault())
{
    case "echo-server":
        await EchoServer.RunAsync();
        break;
    case "cal":
        await CalLoadDriver.RunAsync(requests, args.Length > 2 ? args[2].Split(',').ToHashSet(StringComparer.Ordinal) : []);
        break;
    case "portal":
        await PortalPageDriver.RunAsync(args.Length > 1 ? requests : 50);
        break;
    case "mak-lb":
        await MakBalancerDriver.RunAsync(requests, Environment.GetEnvironmentVariable("PK_BENCH_POSTGRES"));
        break;
    case "mak":
        await MakLoadDriver.RunAsync(requests, Environment.GetEnvironmentVariable("PK_BENCH_POSTGRES"), only: args.ElementAtOrDefault(2));
        break;
    default:
        await KmsLoadDriver.RunAsync(requests, args.Length > 2 ? args[2].Split(',').ToHashSet(StringComparer.Ordinal) : []);
        break;
}

return 0;
