using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Certificates;

/// <summary>
/// The committed vectors (docs/formats/vectors/cal-v1.json) of docs/formats/cal-pack-certificate-v1.md and
/// device-cal-v1.md: the pack and the device CAL verify and decode; forged, foreign and expired ones are refused.
/// </summary>
public sealed class CalVectorTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "cal-v1.json"))).RootElement;

    public static TheoryData<string> InvalidNames => [.. Vectors.GetProperty("invalid").EnumerateArray().Select(v => v.GetProperty("name").GetString()!)];

    [Fact]
    public void The_pack_certificates_verify_and_decode()
    {
        var pack = CalPackCertificate.Verify(Text("pack"), Publisher, At(Text("now")));
        Assert.True(pack.IsSuccess, pack.Refusal?.ToString());
        var p = pack.Value;
        Assert.Equal(("7f1c2a4e-0000-4000-8000-0000000000c1", "contoso-server-device-cal", CalMode.PerDevice, 200, 500, "cals-0123456789abcdef"),
            (p.PackId, p.ProductId, p.Mode, p.Purchased, p.Installed, p.ServerId));
        Assert.Equal(TrustedKey.FromPem(Text("serverPublicKeyPem")).KeyId, p.ServerPublicKey.KeyId);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero), p.IssuedAt);

        var user = CalPackCertificate.Verify(Text("userPack"), Publisher, At(Text("now")));
        Assert.Equal((CalMode.PerUser, 1200, 500), (user.Value.Mode, user.Value.Purchased, user.Value.Installed));
    }

    [Fact]
    public void The_device_CAL_verifies_through_its_pack_for_its_device()
    {
        var cal = DeviceCal.Verify(Text("cal"), Text("pack"), Publisher, At(Text("now")), Text("deviceId"));
        Assert.True(cal.IsSuccess, cal.Refusal?.ToString());
        var c = cal.Value;
        Assert.Equal(("00000000000000a1", "contoso-server-device-cal", DeviceCalKind.Temporary, "thin-client-7"), (c.CalId, c.ProductId, c.Kind, c.DeviceId));
        Assert.Equal(new DateTimeOffset(2026, 5, 30, 10, 0, 0, TimeSpan.Zero), c.Expires);
    }

    [Fact]
    public void A_pack_certificate_is_not_a_device_CAL_nor_the_other_way_round()
    {
        Assert.Equal("SIGNATURE_INVALID", CalPackCertificate.Verify(Text("cal"), new TrustedKeySet(TrustedKey.FromPem(Text("serverPublicKeyPem"))), At(Text("now"))).Refusal?.Code);
        Assert.Equal("SIGNATURE_INVALID", DeviceCal.Verify(Text("pack"), Text("pack"), Publisher, At(Text("now")), Text("deviceId")).Refusal?.Code);
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void Invalid_cases_are_refused_with_their_code(string name)
    {
        var v = Vectors.GetProperty("invalid").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var outcome = DeviceCal.Verify(v.GetProperty("cal").GetString(), v.GetProperty("pack").GetString(), Publisher, At(v.GetProperty("now").GetString()!), v.GetProperty("deviceId").GetString()!);
        Assert.Equal(v.GetProperty("code").GetString(), outcome.Refusal?.Code);
    }

    private static TrustedKeySet Publisher => TrustedKeySet.FromPem(Text("publicKeyPem"));

    private static string Text(string name) => Vectors.GetProperty(name).GetString()!;

    private static FakeTimeProvider At(string time) => new(DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
}
