using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

/// <summary>The committed golden vectors (docs/formats/vectors/signed-artifact-v1.json) still verify and decode.</summary>
public sealed class SignedArtifactVectorTests
{
    private static readonly JsonElement Vectors = Load();

    public static TheoryData<string> ValidNames => Names("valid");

    public static TheoryData<string> InvalidNames => Names("invalid");

    [Fact]
    public void The_vector_key_id_is_derived_from_the_committed_public_key()
    {
        var key = TrustedKey.FromPem(Vectors.GetProperty("publicKeyPem").GetString()!);

        Assert.Equal(Vectors.GetProperty("keyId").GetString(), key.KeyId);
    }

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void Valid_vector_verifies_and_decodes_to_the_expected_values(string name)
    {
        var v = Find("valid", name);

        var outcome = Verifier(v).Verify(v.GetProperty("text").GetString(), Purpose(v));

        Assert.True(outcome.IsSuccess, outcome.Refusal?.ToString());
        var a = outcome.Value;
        Assert.Equal(v.GetProperty("hex").GetString(), Convert.ToHexStringLower(a.Bytes.Span));
        Assert.Equal(v.GetProperty("keyId").GetString(), a.KeyId);
        Assert.Equal(Time(v.GetProperty("issuedAt")), a.IssuedAt);
        Assert.Equal(Time(v.GetProperty("expires")), a.Expires);
        Assert.Equal(v.GetProperty("boundTo").GetString(), a.BoundTo);
        var fields = v.GetProperty("fields").EnumerateArray()
            .Select(f => new KeyValuePair<string, string>(f.GetProperty("name").GetString()!, f.GetProperty("value").GetString()!));
        Assert.Equal(fields, a.Fields);
        Assert.Equal(v.GetProperty("text").GetString(), a.ToText());
    }

    [Fact]
    public void Valid_vector_bytes_verify_in_binary_form_too()
    {
        foreach (var v in Vectors.GetProperty("valid").EnumerateArray())
        {
            var bytes = Convert.FromHexString(v.GetProperty("hex").GetString()!);

            Assert.True(Verifier(v).Verify(bytes, Purpose(v)).IsSuccess);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void Invalid_vector_is_refused_with_the_expected_code(string name)
    {
        var v = Find("invalid", name);

        var outcome = Verifier(v).Verify(v.GetProperty("text").GetString(), Purpose(v));

        Assert.Equal(v.GetProperty("code").GetString(), outcome.Refusal?.Code);
    }

    private static ArtifactVerifier Verifier(JsonElement vector) => new(
        TrustedKeySet.FromPem(Vectors.GetProperty("publicKeyPem").GetString()!),
        new FakeTimeProvider(Time(vector.GetProperty("now"))!.Value));

    private static ArtifactPurpose Purpose(JsonElement vector) =>
        ArtifactPurposeExtensions.TryParseWireName(vector.GetProperty("purpose").GetString(), out var purpose)
            ? purpose
            : throw new InvalidOperationException("Unknown purpose in vector file.");

    private static DateTimeOffset? Time(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null
            ? null
            : DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static JsonElement Find(string group, string name) =>
        Vectors.GetProperty(group).EnumerateArray().Single(v => v.GetProperty("name").GetString() == name);

    private static TheoryData<string> Names(string group) =>
        [.. Vectors.GetProperty(group).EnumerateArray().Select(v => v.GetProperty("name").GetString()!)];

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "signed-artifact-v1.json")));
        return document.RootElement.Clone();
    }
}
