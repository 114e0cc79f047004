using System.Text.Json;
using ProductKeys.Cli.Tests.EndToEnd;

namespace ProductKeys.Cli.Tests;

/// <summary>pk-device is pk's device side and nothing else: the same verbs, options and JSON as pk.</summary>
public sealed class DeviceExecutableTests : IDisposable
{
    // The device verbs of docs/adr/0013-device-executable.md, nothing of the service, the admin API or the hosts.
    private static readonly string[] DeviceVerbs = ["ipk", "upk", "ato", "dli", "dlv", "xpr", "rearm", "dti", "atp", "skms", "ckms", "trust", "renew", "agent"];

    private readonly string _store = Directory.CreateTempSubdirectory("pk-device-store-").FullName;

    [Fact]
    public async Task Help_lists_exactly_the_device_verbs_and_admin_verbs_are_unknown()
    {
        var help = await DeviceProgram.Native.RunAsync("--help");

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Equal(DeviceVerbs.Order(StringComparer.Ordinal), Section(help.Stdout, "Commands:").Select(FirstWord).Order(StringComparer.Ordinal));
        foreach (var admin in new[] { "server", "keys", "kms-host", "login", "status" })
        {
            var refused = await DeviceProgram.Native.RunAsync(admin);
            Assert.True(refused.ExitCode != 0, $"pk-device {admin}: {refused}");
            Assert.Contains($"'{admin}' is not a command or argument of 'pk-device'", refused.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_device_verb_takes_the_options_it_takes_in_pk()
    {
        foreach (var verb in DeviceVerbs)
        {
            var pk = await DeviceProgram.Pk.RunAsync(verb, "--help");
            var device = await DeviceProgram.Native.RunAsync(verb, "--help");
            Assert.True(pk.ExitCode == 0 && device.ExitCode == 0, $"{verb}:\n{pk}\n{device}");
            Assert.Equal(Section(pk.Stdout, "Options:"), Section(device.Stdout, "Options:"));
            Assert.Equal(Section(pk.Stdout, "Arguments:"), Section(device.Stdout, "Arguments:"));
        }
    }

    [Fact]
    public async Task Dli_json_is_the_same_as_pk_dli_json_for_the_same_store()
    {
        var installed = await DeviceProgram.Pk.RunAsync("ipk", "G6397-BF377-H68MT-8Q93J-3XTY9", "--product", "desktop", "--store", _store, "--device-id", "same-store");
        Assert.True(installed.ExitCode == 0, installed.ToString());

        foreach (var verb in new[] { "dli", "dlv", "xpr" })
        {
            var pk = (await DeviceProgram.Pk.RunAsync(verb, "--store", _store, "--json")).Json;
            var device = (await DeviceProgram.Native.RunAsync(verb, "--store", _store, "--json")).Json;

            Assert.Equal(Shape(pk), Shape(device));
            foreach (var property in pk.EnumerateObject().Where(p => p.Name != "graceDaysLeft"))
            {
                Assert.Equal(property.Value.ToString(), device.GetProperty(property.Name).ToString());
            }
        }

        var refusal = await DeviceProgram.Native.RunAsync("dli", "--json");
        var pkRefusal = await DeviceProgram.Pk.RunAsync("dli", "--json");
        Assert.Equal(pkRefusal.ExitCode, refusal.ExitCode);
        Assert.Equal(pkRefusal.Stdout, refusal.Stdout);
    }

    public void Dispose() => Directory.Delete(_store, recursive: true);

    // The lines of a help section ("Commands:", "Options:"), up to the blank line that ends it.
    private static List<string> Section(string help, string title) =>
        help.Split('\n').Select(line => line.TrimEnd()).SkipWhile(line => line != title).Skip(1).TakeWhile(line => line.Length > 0).ToList();

    private static string FirstWord(string line) => line.TrimStart().Split(' ', ',')[0];

    private static List<string> Shape(JsonElement json) =>
        json.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}").ToList();
}
