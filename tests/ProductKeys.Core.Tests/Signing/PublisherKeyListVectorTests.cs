using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

/// <summary>The committed key list vectors (docs/formats/vectors/publisher-key-list-v1.json): who trusts what after which lists.</summary>
public sealed class PublisherKeyListVectorTests
{
    private static readonly JsonElement Vectors = Load();

    public static TheoryData<string> Cases => [.. Vectors.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Applying_the_lists_in_order_trusts_exactly_the_expected_keys(string name)
    {
        var c = Vectors.GetProperty("cases").EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);
        var anchors = new TrustedKeySet(c.GetProperty("anchors").EnumerateArray().Select(a => Key(a.GetString()!)));
        var lists = c.GetProperty("apply").EnumerateArray().Select(l => Vectors.GetProperty("lists").GetProperty(l.GetString()!).GetString()!);

        var (trusted, sequence, _) = PublisherKeyList.Apply(anchors, lists, Now());

        Assert.Equal(
            c.GetProperty("trusts").EnumerateArray().Select(t => Vectors.GetProperty("keyIds").GetProperty(t.GetString()!).GetString()!).Order(),
            trusted.Keys.Select(k => k.KeyId).Order());
        Assert.Equal(c.GetProperty("sequence").GetInt64(), sequence);
    }

    [Fact]
    public void The_rotation_list_reads_as_documented()
    {
        var ids = Vectors.GetProperty("keyIds");
        var list = PublisherKeyList.Verify(Vectors.GetProperty("lists").GetProperty("rotationSignedByA").GetString(), new TrustedKeySet(Key("A")), Now());

        Assert.True(list.IsSuccess, list.Refusal?.ToString());
        Assert.Equal(1, list.Value.Sequence);
        Assert.Equal(ids.GetProperty("B").GetString(), list.Value.CurrentKeyId);
        Assert.Equal(ids.GetProperty("A").GetString(), list.Value.Artifact.KeyId);
        Assert.Empty(list.Value.Withdrawn);
        Assert.Equal(["sequence", "current", "trusted." + ids.GetProperty("A").GetString(), "trusted." + ids.GetProperty("B").GetString()],
            list.Value.Artifact.Fields.Select(f => f.Key));
    }

    private static TrustedKey Key(string name) => TrustedKey.FromPem(Vectors.GetProperty("keys").GetProperty(name).GetString()!);

    private static FakeTimeProvider Now() =>
        new(DateTimeOffset.Parse(Vectors.GetProperty("now").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "publisher-key-list-v1.json")));
        return document.RootElement.Clone();
    }
}
