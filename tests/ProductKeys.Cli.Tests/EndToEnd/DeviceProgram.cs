using System.Diagnostics;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// What runs the device verbs in a test: <c>pk</c> itself, or the Native AOT <c>pk-device</c> published by
/// scripts/publish-device.sh (test.sh runs it before the tests): <c>PK_DEVICE_NATIVE</c>, else its place
/// under artifacts/publish. The device end-to-end tests run once with each.
/// </summary>
public sealed class DeviceProgram
{
    private DeviceProgram(string name) => Name = name;

    public static DeviceProgram Pk { get; } = new("pk");

    public static DeviceProgram Native { get; } = new("pk-device");

    public string Name { get; }

    /// <summary>The published pk-device; a clear failure when it was not published.</summary>
    public static string NativePath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("PK_DEVICE_NATIVE") is { Length: > 0 } set
                ? set
                // artifacts/bin/ProductKeys.Cli.Tests/<config>/ → artifacts/publish/ProductKeys.Device/release_linux-x64/
                : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "publish", "ProductKeys.Device", "release_linux-x64", "pk-device");
            return File.Exists(path)
                ? Path.GetFullPath(path)
                : throw new InvalidOperationException($"{Path.GetFullPath(path)} is missing: run scripts/publish-device.sh (./test.sh does).");
        }
    }

    internal Task<EndToEnd.Pk.Result> RunAsync(params string[] args) => RunAsync(null, args);

    internal Task<EndToEnd.Pk.Result> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        EndToEnd.Pk.RunAsync(StartInfo(environment, args), $"{Name} {string.Join(' ', args)}");

    /// <summary>The process to start, for a test that also sets its working directory or removes variables.</summary>
    internal ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        if (this == Pk)
        {
            return EndToEnd.Pk.StartInfo(environment, args);
        }

        var start = new ProcessStartInfo(NativePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    public override string ToString() => Name;
}
