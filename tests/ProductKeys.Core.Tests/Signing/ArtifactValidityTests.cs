using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Signing;

namespace ProductKeys.Core.Tests.Signing;

public sealed class ArtifactValidityTests : IDisposable
{
    private readonly SigningFixture _f = new();

    [Fact]
    public void An_artifact_is_valid_up_to_and_including_its_expiry_second_and_expired_after()
    {
        var text = _f.Signer.Sign(ArtifactPurpose.KmsClientCertificate, [], SigningFixture.Start.AddDays(180)).ToText();

        _f.Clock.Advance(TimeSpan.FromDays(180));
        Assert.True(_f.Verifier.Verify(text, ArtifactPurpose.KmsClientCertificate).IsSuccess);

        _f.Clock.Advance(TimeSpan.FromTicks(1));
        var outcome = _f.Verifier.Verify(text, ArtifactPurpose.KmsClientCertificate);
        Assert.Equal("CERTIFICATE_EXPIRED", outcome.Refusal?.Code);
        Assert.Contains("2026-07-14T10:00:00Z", outcome.Refusal!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_artifact_that_was_also_tampered_with_reports_the_tampering()
    {
        var bytes = _f.Signer.Sign(ArtifactPurpose.KmsClientCertificate, [new("product", "p")], SigningFixture.Start.AddDays(1)).Bytes.ToArray();
        bytes[^70] ^= 1;
        _f.Clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal("SIGNATURE_INVALID", _f.Verifier.Verify(bytes, ArtifactPurpose.KmsClientCertificate).Refusal?.Code);
    }

    [Fact]
    public void An_artifact_issued_slightly_ahead_of_the_verifier_clock_is_accepted()
    {
        var text = _f.SignSample().ToText();

        var outcome = VerifierWithClockAt(SigningFixture.Start - ArtifactVerifier.DefaultAllowedClockSkew)
            .Verify(text, ArtifactPurpose.ActivationCertificate);

        Assert.True(outcome.IsSuccess, outcome.Refusal?.ToString());
    }

    [Fact]
    public void An_artifact_issued_further_ahead_than_the_allowed_skew_is_not_yet_valid()
    {
        var text = _f.SignSample().ToText();

        var outcome = VerifierWithClockAt(SigningFixture.Start - ArtifactVerifier.DefaultAllowedClockSkew - TimeSpan.FromSeconds(1))
            .Verify(text, ArtifactPurpose.ActivationCertificate);

        Assert.Equal("CERTIFICATE_EXPIRED", outcome.Refusal?.Code);
        Assert.Contains("date and time", outcome.Refusal!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_allowed_skew_is_configurable()
    {
        var text = _f.SignSample().ToText();
        var deviceClock = new FakeTimeProvider(SigningFixture.Start.AddHours(-1));
        var lenient = new ArtifactVerifier(new TrustedKeySet(_f.Key.PublicKey), deviceClock, TimeSpan.FromHours(2));

        Assert.True(lenient.Verify(text, ArtifactPurpose.ActivationCertificate).IsSuccess);
        Assert.Equal("CERTIFICATE_EXPIRED", VerifierWithClockAt(deviceClock.GetUtcNow()).Verify(text, ArtifactPurpose.ActivationCertificate).Refusal?.Code);
    }

    public void Dispose() => _f.Dispose();

    /// <summary>A verifier on a device whose clock is behind the signer's (FakeTimeProvider never goes back).</summary>
    private ArtifactVerifier VerifierWithClockAt(DateTimeOffset now) =>
        new(new TrustedKeySet(_f.Key.PublicKey), new FakeTimeProvider(now));
}
