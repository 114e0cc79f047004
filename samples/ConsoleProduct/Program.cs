// A product that licenses itself with ProductKeys: checks its license at start, activates with a
// MAK (online) or through a KMS host, shows its state and grace, and renews in the background.
//
//   ConsoleProduct [--key KEY] [--service URL] [--kms HOST:PORT] [--store DIR] [--device-id ID] [--run SECONDS]
using System.Reflection;
using ProductKeys.Client;
using ProductKeys.Client.Licensing;

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

using var pem = new StreamReader(Assembly.GetExecutingAssembly().GetManifestResourceStream("publisher-keys.pem")!);
using var license = new ProductLicense(new ProductLicenseOptions
{
    ProductId = "contoso-server",
    PublisherKeys = pem.ReadToEnd(),
    ServiceUrl = Arg("--service") is { } url ? new Uri(url) : null,
    KmsHost = Arg("--kms"),
    StoreDirectory = Arg("--store"),
    DeviceId = Arg("--device-id"),
});

if (Arg("--key") is { } key)
{
    var installed = license.InstallKey(key);
    var activated = installed.IsSuccess ? await license.ActivateAsync() : installed;
    Console.WriteLine(activated.IsSuccess ? "activation: done" : $"activation: {activated.Refusal}");
}

await using var renewal = license.StartRenewal(attempt => Console.WriteLine($"renewal: {attempt.Message}"));

var status = license.Status();
Console.WriteLine($"state: {status.State}");
Console.WriteLine($"expires: {status.Expires?.ToString("u") ?? "-"}");
Console.WriteLine($"grace ends: {status.GraceEnds?.ToString("u") ?? "-"}");
Console.WriteLine($"message: {status.Message}");

// The product's own work would run here, renewals going on in the background.
await Task.Delay(TimeSpan.FromSeconds(int.Parse(Arg("--run") ?? "0")));
return status.State == LicenseState.Licensed ? 0 : 2;
