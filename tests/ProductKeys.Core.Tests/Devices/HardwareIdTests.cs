using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Tests.Devices;

public sealed class HardwareIdTests
{
    [Fact]
    public void Same_components_give_the_same_id_and_the_same_text()
    {
        var first = SampleDevice.Id(SampleDevice.Workstation);
        var second = SampleDevice.Id(SampleDevice.Workstation with
        {
            // Reading order and surrounding white space must not matter.
            DiskSerials = ["WD-WCC4N1234567 ", "S3Z9NB0K123456A"],
            NetworkAdapters = ["52:54:00:AB:CD:EF", "52:54:00:12:34:56"],
        });

        Assert.Equal(first, second);
        Assert.Equal(first.ToString(), second.ToString());
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.True(HardwareId.Compare(first, second).IsSameDevice);
    }

    [Fact]
    public void Two_products_on_one_device_see_different_ids_that_share_no_hash()
    {
        var desktop = SampleDevice.Id(SampleDevice.Workstation, "desktop-pro");
        var server = SampleDevice.Id(SampleDevice.Workstation, "server-std");

        Assert.NotEqual(desktop, server);
        Assert.Empty(desktop.Components.Intersect(server.Components));
        Assert.False(HardwareId.Compare(desktop, server).IsSameDevice);
    }

    [Fact]
    public void Multi_valued_components_keep_one_hash_per_value()
    {
        var id = SampleDevice.Id(SampleDevice.Workstation);

        Assert.Equal(2, id.Components.Count(c => c.Kind == HardwareComponentKind.Disk));
        Assert.Equal(2, id.Components.Count(c => c.Kind == HardwareComponentKind.NetworkAdapter));
        Assert.Equal(8, id.Components.Length);
    }

    [Fact]
    public void Raw_values_never_appear_in_the_text()
    {
        var text = SampleDevice.Id(SampleDevice.Workstation).ToString();

        Assert.StartsWith(HardwareId.TextPrefix, text, StringComparison.Ordinal);
        Assert.DoesNotContain("3d1219c7", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("S3Z9NB0K", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_device_with_nothing_readable_is_told_to_use_a_device_id()
    {
        var outcome = HardwareId.Create(new HardwareComponents { BoardSerial = "To be filled by O.E.M.", NetworkAdapters = [" "] }, SampleDevice.Product);

        Assert.False(outcome.IsSuccess);
        Assert.Equal(ErrorCatalogue.ValidationFailed, outcome.Refusal.Error);
        Assert.Contains("--device-id", outcome.Refusal.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("bad\nproduct")]
    public void A_bad_product_id_is_refused(string? product)
    {
        var outcome = HardwareId.Create(SampleDevice.Workstation, product!);

        Assert.Equal(ErrorCatalogue.ValidationFailed, outcome.Refusal?.Error);
    }

    [Fact]
    public void An_operator_device_id_matches_only_itself()
    {
        var id = HardwareId.FromDeviceId("build-agent-07", SampleDevice.Product).Value;
        var again = HardwareId.FromDeviceId("  BUILD-AGENT-07 ", SampleDevice.Product).Value;
        var other = HardwareId.FromDeviceId("build-agent-08", SampleDevice.Product).Value;
        var otherProduct = HardwareId.FromDeviceId("build-agent-07", "server-std").Value;
        var hardware = SampleDevice.Id(SampleDevice.Workstation);

        Assert.True(id.IsDeviceId);
        Assert.False(hardware.IsDeviceId);
        Assert.Equal(id, again);
        Assert.True(HardwareId.Compare(id, again).IsSameDevice);
        Assert.True(HardwareId.Compare(id, other).IsSignificantChange);
        Assert.True(HardwareId.Compare(id, otherProduct).IsSignificantChange);
        Assert.True(HardwareId.Compare(id, hardware).IsSignificantChange);
        Assert.True(HardwareId.Compare(hardware, id).IsSignificantChange);
        Assert.Equal(id, HardwareId.Parse(id.ToString()).Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("none")]
    [InlineData("tab\tinside")]
    public void A_bad_device_id_is_refused(string? deviceId)
    {
        var outcome = HardwareId.FromDeviceId(deviceId, SampleDevice.Product);

        Assert.Equal(ErrorCatalogue.ValidationFailed, outcome.Refusal?.Error);
    }

    [Fact]
    public void The_default_id_is_empty_and_matches_nothing()
    {
        HardwareId empty = default;

        Assert.True(empty.IsEmpty);
        Assert.Equal(string.Empty, empty.ToString());
        Assert.True(HardwareId.Compare(empty, empty).IsSignificantChange);
        Assert.True(HardwareId.Compare(SampleDevice.Id(SampleDevice.Workstation), empty).IsSignificantChange);
    }
}
