using System.Buffers.Text;
using ProductKeys.Core.Devices;
using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Tests.Devices;

public sealed class HardwareIdTextTests
{
    [Fact]
    public void Text_round_trips_for_many_component_sets()
    {
        for (var i = 0; i < 300; i++)
        {
            var components = new HardwareComponents
            {
                MachineId = i % 2 == 0 ? $"machine-{i}" : null,
                ProductUuid = i % 3 == 0 ? $"uuid-{i}" : null,
                BoardSerial = i % 5 == 0 ? $"board-{i}" : null,
                DiskSerials = [.. Enumerable.Range(0, i % 20).Select(d => $"disk-{i}-{d}")],
                NetworkAdapters = [.. Enumerable.Range(0, i % 4).Select(n => $"02:00:00:00:{i % 256:x2}:{n:x2}")],
                Cpu = $"cpu|{i}",
            };
            var id = SampleDevice.Id(components, $"product-{i % 7}");

            var parsed = HardwareId.Parse(id.ToString());

            Assert.True(parsed.IsSuccess, parsed.Refusal?.ToString());
            Assert.Equal(id, parsed.Value);
            Assert.Equal(id.Components, parsed.Value.Components);
            Assert.True(HardwareId.TryParse(id.ToString(), out var again));
            Assert.Equal(id, again);
            Assert.True(id.Components.Count(c => c.Kind == HardwareComponentKind.Disk) <= 16);
        }
    }

    public static TheoryData<string> Garbage => new()
    {
        "",
        "   ",
        "hello",
        "hw1.",
        "hw1.!!!!",
        "hw1.AQ8BnuZzFEQxDEg=",
        "hw1.AQ8BnuZzFEQxDE",
        " hw1.AQ8BnuZzFEQxDEg",
        "HW1.AQ8BnuZzFEQxDEg",
        "hw2.AQ8BnuZzFEQxDEg",
        "hw1." + new string('A', 2000),
        Text(0x02, 0x0F, 0x01, 1, 2, 3, 4, 5, 6, 7, 8),                      // layout version 2
        Text(0x01),                                                           // no components
        Text(0x01, 0x07, 0x01, 1, 2, 3, 4, 5, 6, 7, 8),                       // unknown tag
        Text(0x01, 0x01, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 9), // two machine ids
        Text(0x01, 0x04, 0x00),                                               // zero disks
        Text(0x01, 0x04, 0x02, 1, 2, 3, 4, 5, 6, 7, 8),                       // truncated
        Text(0x01, 0x04, 0x02, 9, 9, 9, 9, 9, 9, 9, 9, 1, 1, 1, 1, 1, 1, 1, 1), // hashes out of order
        Text(0x01, 0x04, 0x02, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), // duplicate hash
        Text(0x01, 0x06, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8), // kinds out of order
        Text(0x01, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x0F, 0x01, 1, 2, 3, 4, 5, 6, 7, 8), // device id mixed in
        Text(0x01, 0x01, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x06),                 // trailing byte
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_text_is_refused_without_throwing(string text)
    {
        var outcome = HardwareId.Parse(text);

        Assert.False(outcome.IsSuccess);
        Assert.Equal(ErrorCatalogue.ValidationFailed, outcome.Refusal.Error);
        Assert.StartsWith("That is not a valid hardware ID", outcome.Refusal.Detail, StringComparison.Ordinal);
        Assert.False(HardwareId.TryParse(text, out var id));
        Assert.True(id.IsEmpty);
    }

    [Fact]
    public void Null_text_is_refused()
    {
        Assert.Equal(ErrorCatalogue.ValidationFailed, HardwareId.Parse(null).Refusal?.Error);
        Assert.False(HardwareId.TryParse(null, out _));
    }

    [Fact]
    public void A_hand_built_layout_parses_to_its_components()
    {
        var parsed = HardwareId.Parse(Text(0x01, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x2A, 0x05, 0x02, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2));

        Assert.True(parsed.IsSuccess, parsed.Refusal?.ToString());
        Assert.Equal(
            [
                new ComponentHash(HardwareComponentKind.MachineId, 42),
                new ComponentHash(HardwareComponentKind.NetworkAdapter, 1),
                new ComponentHash(HardwareComponentKind.NetworkAdapter, 2),
            ],
            parsed.Value.Components);
    }

    private static string Text(params byte[] layout) => HardwareId.TextPrefix + Base64Url.EncodeToString(layout);
}
