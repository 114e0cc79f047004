using ProductKeys.KmsLoad;

// dotnet run -c Release --project bench/ProductKeys.KmsLoad [-- REQUESTS_PER_LEVEL]
// (internally also: "echo-server", the plain Kestrel JSON echo the KMS host is compared with)
if (args is ["echo-server", ..])
{
    await EchoServer.RunAsync();
    return 0;
}

var requests = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2000;
await LoadDriver.RunAsync(requests);
return 0;
