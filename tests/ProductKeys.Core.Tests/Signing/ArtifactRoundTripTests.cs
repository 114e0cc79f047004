using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

public sealed class ArtifactRoundTripTests : IDisposable
{
    private readonly SigningFixture _f = new();

    [Fact]
    public void Text_form_verifies_and_gives_back_every_field_in_order()
    {
        _f.Clock.Advance(TimeSpan.FromMilliseconds(750));
        var signed = _f.SignSample();

        var outcome = _f.Verifier.Verify(signed.ToText(), ArtifactPurpose.ActivationCertificate);

        Assert.True(outcome.IsSuccess, outcome.Refusal?.ToString());
        var read = outcome.Value;
        Assert.Equal(ArtifactPurpose.ActivationCertificate, read.Purpose);
        Assert.Equal(_f.Key.KeyId, read.KeyId);
        Assert.Equal(SigningFixture.Start, read.IssuedAt); // kept to the whole second
        Assert.Equal(SigningFixture.Start.AddDays(180), read.Expires);
        Assert.Equal("hw:3f9a0c7e51d2b884", read.BoundTo);
        Assert.Equal(SigningFixture.SampleFields, read.Fields);
        Assert.Equal("Mak", read.Get("keyType"));
        Assert.Equal("", read.Get("empty"));
        Assert.Null(read.Get("KEYTYPE"));
        Assert.Equal(signed.Bytes.ToArray(), read.Bytes.ToArray());
        Assert.Equal(signed.Fingerprint, read.Fingerprint);
    }

    [Fact]
    public void Binary_form_verifies()
    {
        var signed = _f.SignSample(ArtifactPurpose.CalPack);

        var outcome = _f.Verifier.Verify(signed.Bytes.Span, ArtifactPurpose.CalPack);

        Assert.True(outcome.IsSuccess, outcome.Refusal?.ToString());
        Assert.Equal(signed.ToText(), outcome.Value.ToText());
    }

    [Fact]
    public void Artifact_without_expiry_binding_or_fields_verifies()
    {
        var signed = _f.Signer.Sign(ArtifactPurpose.UsageReport, []);
        _f.Clock.Advance(TimeSpan.FromDays(10 * 365));

        var read = _f.Verifier.Verify(signed.ToText(), ArtifactPurpose.UsageReport).Value;

        Assert.Null(read.Expires);
        Assert.Null(read.BoundTo);
        Assert.Empty(read.Fields);
    }

    [Fact]
    public void Text_form_starts_with_PKA1_and_is_json_and_url_safe()
    {
        var text = _f.SignSample().ToText();

        Assert.StartsWith("PKA1.", text, StringComparison.Ordinal);
        Assert.Matches("^PKA1\\.[A-Za-z0-9_-]+$", text);
    }

    [Fact]
    public void Surrounding_whitespace_such_as_a_final_newline_in_a_file_is_ignored()
    {
        var text = $"  {_f.SignSample().ToText()}\r\n";

        Assert.True(_f.Verifier.Verify(text, ArtifactPurpose.ActivationCertificate).IsSuccess);
    }

    [Fact]
    public void Each_purpose_has_a_distinct_versioned_wire_name()
    {
        var names = Enum.GetValues<ArtifactPurpose>().Select(p => p.WireName()).ToList();

        Assert.Equal(8, names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches("^pk/[a-z-]+/v1$", n));
        Assert.All(Enum.GetValues<ArtifactPurpose>(), p =>
        {
            Assert.True(ArtifactPurposeExtensions.TryParseWireName(p.WireName(), out var back));
            Assert.Equal(p, back);
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bad Name")]
    [InlineData("naïve")]
    public void Signing_refuses_a_field_name_outside_the_format(string name)
    {
        Assert.Throws<ArgumentException>(() => _f.Signer.Sign(ArtifactPurpose.CalPack, [new(name, "v")]));
    }

    [Fact]
    public void Signing_refuses_a_duplicated_field_name()
    {
        Assert.Throws<ArgumentException>(() => _f.Signer.Sign(ArtifactPurpose.CalPack, [new("a", "1"), new("a", "2")]));
    }

    [Fact]
    public void Signing_refuses_an_expiry_that_is_not_after_the_issue_time()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            _f.Signer.Sign(ArtifactPurpose.CalPack, [], SigningFixture.Start));
    }

    [Fact]
    public void Signatures_are_normalised_to_low_s_and_the_high_s_twin_is_refused()
    {
        var signed = _f.SignSample();
        var bytes = signed.Bytes.ToArray();
        var twin = P256.Twin(bytes.AsSpan(^64));
        twin.CopyTo(bytes, bytes.Length - 64);

        var outcome = _f.Verifier.Verify(bytes, ArtifactPurpose.ActivationCertificate);

        Assert.True(P256.HasLowS(signed.Bytes.Span[^64..]));
        Assert.Equal("SIGNATURE_INVALID", outcome.Refusal?.Code);
    }

    public void Dispose() => _f.Dispose();
}
