using ProductKeys.Cli.Tests.EndToEnd;

namespace ProductKeys.Cli.Tests;

/// <summary>
/// What a hostile review typed at the device commands: product IDs that climb out of the stores
/// folder, a default store relative to the working directory. Each is refused at once with its code and
/// changes nothing; through the real binaries, pk and the Native AOT pk-device.
/// </summary>
public abstract class DeviceInputTests : IDisposable
{
    private const string Mak = "G6397-BF377-H68MT-8Q93J-3XTY9";
    private readonly string _scratch = Directory.CreateTempSubdirectory("pk-cli-input-").FullName;

    protected abstract DeviceProgram Device { get; }

    private string Store => Path.Combine(_scratch, "store");

    [Theory]
    [InlineData("ABSOLUTE")]
    [InlineData("../../etc")]
    [InlineData("a\u001b[31mred")]
    [InlineData("Desktop")]
    public async Task A_product_that_is_not_a_product_ID_is_refused_and_creates_nothing(string product)
    {
        var given = product == "ABSOLUTE" ? Path.Combine(_scratch, "x", "absprod") : product;
        var environment = new Dictionary<string, string> { ["PK_STORE_ROOT"] = Path.Combine(_scratch, "root") };
        var installed = await Device.RunAsync(environment, "ipk", Mak, "--product", given, "--device-id", "d1", "--json");
        Assert.Equal(40, installed.ExitCode);
        Assert.Equal("VALIDATION_FAILED", installed.Json.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain('\u001b', installed.Stdout + installed.Stderr);

        var withStore = await Device.RunAsync("ipk", Mak, "--product", given, "--store", Store, "--device-id", "d1");
        Assert.Equal(40, withStore.ExitCode);
        Assert.False(File.Exists(Path.Combine(Store, "license.json")));
        Assert.False(Directory.Exists(Path.Combine(_scratch, "x")));
        Assert.False(Directory.Exists(Path.Combine(_scratch, "root")));
    }

    [Fact]
    public async Task Without_a_data_folder_yet_the_default_store_goes_under_home_never_the_working_directory()
    {
        var home = Directory.CreateDirectory(Path.Combine(_scratch, "home")).FullName;
        var cwd = Directory.CreateDirectory(Path.Combine(_scratch, "cwd")).FullName;
        var start = Device.StartInfo(new Dictionary<string, string> { ["HOME"] = home }, "ipk", Mak, "--product", "desktop", "--device-id", "d1", "--json");
        start.Environment.Remove("XDG_DATA_HOME");
        start.Environment.Remove("PK_STORE_ROOT");
        start.WorkingDirectory = cwd;

        var installed = await Pk.RunAsync(start, $"{Device} ipk with HOME={home}, no ~/.local/share");

        Assert.Equal(0, installed.ExitCode);
        Assert.Equal(Path.Combine(home, ".local", "share", "productkeys", "stores", "desktop"), installed.Json.GetProperty("store").GetString());
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    public void Dispose()
    {
        Directory.Delete(_scratch, recursive: true);
        GC.SuppressFinalize(this);
    }

    public sealed class WithPk : DeviceInputTests
    {
        protected override DeviceProgram Device => DeviceProgram.Pk;
    }

    public sealed class WithPkDevice : DeviceInputTests
    {
        protected override DeviceProgram Device => DeviceProgram.Native;
    }
}
