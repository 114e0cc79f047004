using System.Buffers.Text;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

public sealed class ArtifactTamperTests : IDisposable
{
    private readonly SigningFixture _f = new();

    [Fact]
    public void Flipping_any_single_bit_of_any_byte_is_refused_as_SIGNATURE_INVALID()
    {
        var original = _f.SignSample().Bytes.ToArray();
        var accepted = new List<string>();

        for (var i = 0; i < original.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])original.Clone();
                tampered[i] ^= (byte)(1 << bit);
                var outcome = _f.Verifier.Verify(tampered, ArtifactPurpose.ActivationCertificate);
                if (outcome.Refusal?.Code != "SIGNATURE_INVALID")
                {
                    accepted.Add($"byte {i} bit {bit}: {outcome.Refusal?.Code ?? "accepted"}");
                }
            }
        }

        Assert.Empty(accepted);
    }

    [Fact]
    public void Replacing_any_character_of_the_text_form_is_refused()
    {
        var text = _f.SignSample().ToText();
        var accepted = new List<int>();

        for (var i = 0; i < text.Length; i++)
        {
            var replacement = text[i] == 'A' ? 'B' : 'A';
            var tampered = string.Concat(text.AsSpan(0, i), [replacement], text.AsSpan(i + 1));
            if (_f.Verifier.Verify(tampered, ArtifactPurpose.ActivationCertificate).Refusal?.Code != "SIGNATURE_INVALID")
            {
                accepted.Add(i);
            }
        }

        Assert.Empty(accepted);
    }

    [Fact]
    public void Every_truncation_and_any_appended_byte_is_refused()
    {
        var original = _f.SignSample().Bytes.ToArray();

        for (var length = 0; length < original.Length; length++)
        {
            Assert.Equal("SIGNATURE_INVALID", _f.Verifier.Verify(original.AsSpan(0, length), ArtifactPurpose.ActivationCertificate).Refusal?.Code);
        }

        byte[] longer = [.. original, 0];
        Assert.Equal("SIGNATURE_INVALID", _f.Verifier.Verify(longer, ArtifactPurpose.ActivationCertificate).Refusal?.Code);
        var text = _f.SignSample().ToText();
        Assert.Equal("SIGNATURE_INVALID", _f.Verifier.Verify(text[..^1], ArtifactPurpose.ActivationCertificate).Refusal?.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("PKA1.")]
    [InlineData("PKA1")]
    [InlineData("pka1.AAAA")]
    [InlineData("PKA2.AAAA")]
    [InlineData("PKA1.AAAA")]
    [InlineData("PKA1.AAAA=")]
    [InlineData("PKA1.A")]
    [InlineData("PKA1.////")]
    [InlineData("PKA1.++++")]
    [InlineData("PKA1.AA AA")]
    [InlineData("PKA1.\u00e9\u00e9\u00e9\u00e9")]
    [InlineData("{\"certificate\": \"PKA1.xyz\"}")]
    [InlineData("-----BEGIN PUBLIC KEY-----")]
    public void Garbage_text_is_refused_never_thrown(string? text)
    {
        var outcome = _f.Verifier.Verify(text, ArtifactPurpose.ActivationCertificate);

        Assert.Equal("SIGNATURE_INVALID", outcome.Refusal?.Code);
    }

    [Fact]
    public void Random_bytes_of_many_lengths_are_refused_never_thrown()
    {
#pragma warning disable RS0030 // Test data, not secrets: a seeded Random keeps failures reproducible.
        var random = new Random(20260115);
        for (var length = 0; length < 600; length += 7)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            if (length > 4)
            {
                "PKA\u0001"u8.CopyTo(bytes); // get past the magic so the parser is exercised further
            }

            Assert.Equal("SIGNATURE_INVALID", _f.Verifier.Verify(bytes, ArtifactPurpose.ActivationCertificate).Refusal?.Code);
            Assert.Equal("SIGNATURE_INVALID", _f.Verifier.Verify("PKA1." + Base64Url.EncodeToString(bytes), ArtifactPurpose.CalPack).Refusal?.Code);
        }
#pragma warning restore RS0030
    }

    [Fact]
    public void Huge_input_is_refused_without_decoding_it()
    {
        var text = "PKA1." + new string('A', 3_000_000);

        Assert.Equal("SIGNATURE_INVALID", _f.Verifier.Verify(text, ArtifactPurpose.CalPack).Refusal?.Code);
    }

    public void Dispose() => _f.Dispose();
}
