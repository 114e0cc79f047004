using ProductKeys.Core.Devices;

namespace ProductKeys.Core.Tests.Devices;

public sealed class HardwareToleranceTests
{
    private static readonly HardwareComponents Activated = SampleDevice.Workstation;

    private static HardwareMatch CompareWith(HardwareComponents current) =>
        HardwareId.Compare(SampleDevice.Id(Activated), SampleDevice.Id(current));

    [Fact]
    public void Unchanged_hardware_is_the_same_device_with_every_vote()
    {
        var match = CompareWith(Activated);

        Assert.Equal(new HardwareMatch(13, 13, IsSameDevice: true), match);
    }

    [Fact]
    public void One_of_two_network_adapters_changed_is_the_same_device()
    {
        var match = CompareWith(Activated with { NetworkAdapters = ["52:54:00:12:34:56", "a0:36:9f:00:00:01"] });

        Assert.True(match.IsSameDevice);
        Assert.Equal(13, match.MatchedVotes);
    }

    [Fact]
    public void The_only_network_adapter_changed_is_the_same_device()
    {
        var activated = SampleDevice.Id(Activated with { NetworkAdapters = ["52:54:00:12:34:56"] });
        var current = SampleDevice.Id(Activated with { NetworkAdapters = ["a0:36:9f:00:00:01"] });

        var match = HardwareId.Compare(activated, current);

        Assert.True(match.IsSameDevice);
        Assert.Equal((11, 13), (match.MatchedVotes, match.AvailableVotes));
    }

    [Fact]
    public void A_reinstalled_operating_system_is_the_same_device()
    {
        Assert.True(CompareWith(Activated with { MachineId = "0f5e7c3b2a1d4e6f8a9b0c1d2e3f4a5b" }).IsSameDevice);
    }

    [Fact]
    public void An_ID_with_the_disks_and_adapters_of_16_machines_names_no_one_device_and_with_one_machine_ID_matches_only_that_machine()
    {
        // Ordinary users' IDs (no DMI files): machine ID, one disk, one adapter, the CPU.
        HardwareComponents Machine(int i) => new() { MachineId = $"machine-{i}", DiskSerials = [$"disk-{i}"], NetworkAdapters = [$"aa:bb:cc:00:00:{i:x2}"], Cpu = "same model|8" };
        var sixteen = Enumerable.Range(0, 16).ToList();
        var disksAndAdapters = new HardwareComponents
        {
            DiskSerials = [.. sixteen.Select(i => $"disk-{i}")], NetworkAdapters = [.. sixteen.Select(i => $"aa:bb:cc:00:00:{i:x2}")],
        };

        // Without a machine ID it would pass on each of them: what the licensing service no longer signs.
        var crafted = SampleDevice.Id(disksAndAdapters);
        Assert.False(crafted.NamesOneDevice);
        Assert.All(sixteen, i => Assert.True(HardwareId.Compare(crafted, SampleDevice.Id(Machine(i))).IsSameDevice));

        // With one machine's ID it passes on that machine only: every other machine's ID votes against it.
        var withMachineId = SampleDevice.Id(disksAndAdapters with { MachineId = "machine-0", Cpu = "same model|8" });
        Assert.True(withMachineId.NamesOneDevice);
        Assert.Equal([0], sixteen.Where(i => HardwareId.Compare(withMachineId, SampleDevice.Id(Machine(i))).IsSameDevice));
        Assert.True(HardwareId.FromDeviceId("pod-7", SampleDevice.Product).Value.NamesOneDevice);
    }

    [Fact]
    public void Board_and_disks_changed_is_a_significant_change()
    {
        var match = CompareWith(Activated with { BoardSerial = "CN7016358T0123", DiskSerials = ["S6PNNM0T987654Z"] });

        Assert.True(match.IsSignificantChange);
        Assert.Equal((9, 13), (match.MatchedVotes, match.AvailableVotes));
    }

    [Fact]
    public void A_cloned_virtual_machine_with_new_uuid_and_adapters_is_a_significant_change()
    {
        var match = CompareWith(Activated with
        {
            ProductUuid = "9a8b7c6d-0000-4000-8000-123456789abc",
            NetworkAdapters = ["52:54:00:99:99:99"],
        });

        Assert.True(match.IsSignificantChange);
    }

    [Fact]
    public void Everything_changed_is_a_different_device()
    {
        var match = CompareWith(new HardwareComponents
        {
            MachineId = "ffeeddccbbaa99887766554433221100",
            ProductUuid = "11111111-2222-3333-4444-555555555555",
            BoardSerial = "OTHERBOARD",
            DiskSerials = ["OTHERDISK"],
            NetworkAdapters = ["02:00:00:00:00:01"],
            Cpu = "Intel(R) Xeon(R) Gold 6338|8",
        });

        Assert.Equal((0, 13), (match.MatchedVotes, match.AvailableVotes));
        Assert.True(match.IsSignificantChange);
    }

    [Fact]
    public void Components_unreadable_now_do_not_vote()
    {
        // Activated as root; now an ordinary user cannot read the DMI product UUID and board serial.
        var match = CompareWith(Activated with { ProductUuid = null, BoardSerial = null });

        Assert.Equal(new HardwareMatch(8, 8, IsSameDevice: true), match);
    }

    [Fact]
    public void The_cpu_alone_never_identifies_a_device()
    {
        var cpuOnly = new HardwareComponents { Cpu = Activated.Cpu };

        var match = CompareWith(cpuOnly);

        Assert.Equal((1, 1), (match.MatchedVotes, match.AvailableVotes));
        Assert.True(match.IsSignificantChange);
    }

    [Theory]
    [InlineData(13, 13, true)]
    [InlineData(10, 13, true)]
    [InlineData(9, 13, false)]
    [InlineData(6, 8, true)]
    [InlineData(5, 8, false)]
    [InlineData(3, 4, true)]
    [InlineData(2, 2, false)]
    [InlineData(0, 0, false)]
    public void The_threshold_is_three_quarters_and_at_least_three_votes(int matched, int available, bool same)
    {
        Assert.Equal(same, HardwareTolerance.IsWithinTolerance(matched, available));
    }
}
