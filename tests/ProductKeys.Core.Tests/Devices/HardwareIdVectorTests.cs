using System.Text.Json;
using ProductKeys.Core.Devices;

namespace ProductKeys.Core.Tests.Devices;

/// <summary>The committed vectors of docs/formats/hardware-id-v1.md, produced by an independent implementation.</summary>
public sealed class HardwareIdVectorTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TheoryData<string> Names => [.. Load().Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Vector_gives_the_committed_text(string name)
    {
        var vector = Load().Single(v => v.Name == name);

        var outcome = vector.DeviceId is null
            ? HardwareId.Create(vector.Components!, vector.Product)
            : HardwareId.FromDeviceId(vector.DeviceId, vector.Product);

        Assert.True(outcome.IsSuccess, outcome.Refusal?.ToString());
        Assert.Equal(vector.Expected, outcome.Value.ToString());
        Assert.Equal(outcome.Value, HardwareId.Parse(vector.Expected).Value);
    }

    private static List<Vector> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "vectors", "hardware-id-v1.json");
        return JsonSerializer.Deserialize<VectorFile>(File.ReadAllText(path), Json)!.Vectors;
    }

    private sealed record VectorFile(string Format, List<Vector> Vectors);

    private sealed record Vector(string Name, string Product, HardwareComponents? Components, string? DeviceId, string Expected);
}
