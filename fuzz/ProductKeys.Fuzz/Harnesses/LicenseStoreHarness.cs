using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Devices;

namespace ProductKeys.Fuzz.Harnesses;

/// <summary>
/// A license store whose <c>license.json</c> is the input (docs/formats/license-store-v3.md): loading
/// must give a license or STORE_INVALID, and the device's status must be computed from whatever
/// loads. A fuzzed file fails its MAC, so the harness also seals it as this device would, to reach
/// the evaluation of a store the device trusts.
/// </summary>
internal static class LicenseStoreHarness
{
    private static readonly FakeTimeProvider Now = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly string Folder = FuzzInput.ScratchFolder("license-store");
    private static readonly FixedHardware Hardware = new();

    public static void Run(byte[] input)
    {
        foreach (var file in Directory.EnumerateFiles(Folder))
        {
            File.Delete(file);
        }

        File.WriteAllBytes(Path.Combine(Folder, "license.json"), input);
        var store = new LicenseStore(Folder);
        var loaded = store.Load();
        if (!loaded.IsSuccess)
        {
            FuzzInput.Require(loaded.Refusal.Code == "STORE_INVALID", $"a damaged store is STORE_INVALID, not {loaded.Refusal.Code}");
            return;
        }

        var device = new DeviceLicense(store, Now, Hardware, FuzzKeys.Trusted);
        _ = device.Status();

        if (loaded.Value.FormatVersion >= 2 && store.Save(device.Seal(loaded.Value)) is null)
        {
            _ = device.Status();
        }
    }

    private sealed class FixedHardware : IHardwareSource
    {
        public HardwareComponents Read() => new()
        {
            MachineId = "0123456789abcdef0123456789abcdef",
            ProductUuid = "4c4c4544-0044-3010-8052-b4c04f4e4b32",
            DiskSerials = ["S3EVNX0K123456"],
            NetworkAdapters = ["52:54:00:12:34:56"],
        };
    }
}
