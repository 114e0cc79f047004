// A service that licenses itself with ProductKeys: one line registers the license and a hosted
// service that renews it (KMS every 7 days, retries every 2 hours) for as long as the host runs.
//
//   WorkerProduct [--store DIR] [--device-id ID]     (install and activate with 'pk ipk' / 'pk ato --store DIR', or the console sample)
using System.Reflection;
using ProductKeys.Client;
using ProductKeys.Client.Hosting;

var builder = Host.CreateApplicationBuilder(args);
using var pem = new StreamReader(Assembly.GetExecutingAssembly().GetManifestResourceStream("publisher-keys.pem")!);
var publisherKeys = pem.ReadToEnd();
builder.Services.AddProductKeysLicensing(o =>
{
    o.ProductId = "contoso-server";
    o.PublisherKeys = publisherKeys;
    o.StoreDirectory = builder.Configuration["store"];
    o.DeviceId = builder.Configuration["device-id"];
});
builder.Services.AddHostedService<StatusReporter>();
await builder.Build().RunAsync();

/// <summary>The product's work; here it only says, once a minute, what the license says.</summary>
internal sealed class StatusReporter(ProductLicense license, ILogger<StatusReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var status = license.Status();
            logger.LogInformation("License: {State}. {Message}", status.State, status.Message);
            await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
        }
    }
}
