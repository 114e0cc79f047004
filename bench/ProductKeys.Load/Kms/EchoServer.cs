using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Contracts;

namespace ProductKeys.Load.Kms;

/// <summary>The floor: Kestrel + minimal API + System.Text.Json, answering the KMS request body back.</summary>
internal static class EchoServer
{
    public static async Task RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var app = builder.Build();
        app.MapPost("/kms/v1/activate", (KmsActivationRequest request) => request);
        await app.StartAsync();
        Console.WriteLine($"listening on {app.Urls.First()}");
        await app.WaitForShutdownAsync();
    }
}
