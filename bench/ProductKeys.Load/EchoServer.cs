using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Contracts;

namespace ProductKeys.Load;

/// <summary>
/// The floor the servers are compared with: Kestrel + minimal API + System.Text.Json, answering the
/// request body back, on the KMS host's path (<see cref="KmsActivationRequest"/>) and the CAL
/// server's (<see cref="CalRequest"/>).
/// </summary>
internal static class EchoServer
{
    public static async Task RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var app = builder.Build();
        app.MapPost("/kms/v1/activate", (KmsActivationRequest request) => request);
        app.MapPost("/api/v1/cals", (CalRequest request) => request);
        await app.StartAsync();
        Console.WriteLine($"listening on {app.Urls.First()}");
        await app.WaitForShutdownAsync();
    }
}
