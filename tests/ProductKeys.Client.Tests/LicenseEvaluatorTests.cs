using Microsoft.Extensions.Time.Testing;
using ProductKeys.Client.Licensing;
using ProductKeys.Client.Store;
using ProductKeys.Core.Keys;

namespace ProductKeys.Client.Tests;

/// <summary>Every transition of docs/product.md §3 on a fake clock.</summary>
public sealed class LicenseEvaluatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _clock = new(Start);
    private StoredLicense _license = new();

    [Fact]
    public void No_key_is_unlicensed()
    {
        Assert.Equal(LicenseState.Unlicensed, Evaluate().State);
    }

    [Fact]
    public void Installed_key_is_in_initial_grace_for_30_days_then_notification()
    {
        Install(KeyType.Mak);
        var status = Evaluate();
        Assert.Equal(LicenseState.InitialGrace, status.State);
        Assert.Equal(Start.AddDays(30), status.GraceEnds);

        _clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));
        Assert.Equal(LicenseState.InitialGrace, Evaluate().State);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var over = Evaluate();
        Assert.Equal(LicenseState.Notification, over.State);
        Assert.True(over.ShouldRemindUser);
    }

    [Fact]
    public void Mak_activation_is_licensed_with_no_expiry_forever()
    {
        Install(KeyType.Mak);
        Activate(ActivationKind.Mak, expires: null);
        _clock.Advance(TimeSpan.FromDays(3650));
        var status = Evaluate();
        Assert.Equal(LicenseState.Licensed, status.State);
        Assert.Null(status.Expires);
        Assert.False(status.ShouldRemindUser);
    }

    [Fact]
    public void Significant_hardware_change_gives_30_days_of_out_of_tolerance_grace_from_first_notice()
    {
        Install(KeyType.Mak);
        Activate(ActivationKind.Mak, expires: null);
        _clock.Advance(TimeSpan.FromDays(100));
        var noticed = _clock.GetUtcNow();
        var first = Evaluate(ActivationCheck.HardwareChanged);
        Assert.Equal(LicenseState.OutOfToleranceGrace, first.State);
        Assert.Equal(noticed.AddDays(30), first.GraceEnds);

        _clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(noticed.AddDays(30), Evaluate(ActivationCheck.HardwareChanged).GraceEnds);
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(LicenseState.Notification, Evaluate(ActivationCheck.HardwareChanged).State);
    }

    [Fact]
    public void Reactivation_after_a_hardware_change_returns_to_licensed()
    {
        Install(KeyType.Mak);
        Activate(ActivationKind.Mak, expires: null);
        Assert.Equal(LicenseState.OutOfToleranceGrace, Evaluate(ActivationCheck.HardwareChanged).State);
        Activate(ActivationKind.Mak, expires: null);
        Assert.Equal(LicenseState.Licensed, Evaluate().State);
        Assert.Null(_license.OutOfToleranceSince);
    }

    [Fact]
    public void An_invalid_certificate_counts_for_nothing_and_grace_runs_from_install()
    {
        Install(KeyType.Mak);
        Activate(ActivationKind.Mak, expires: null);
        var status = Evaluate(ActivationCheck.Invalid);
        Assert.Equal(LicenseState.InitialGrace, status.State);
        Assert.Equal(Start.AddDays(30), status.GraceEnds);
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(LicenseState.Notification, Evaluate(ActivationCheck.Invalid).State);
    }

    [Fact]
    public void Kms_activation_lapses_after_180_days_into_grace_counted_from_the_lapse()
    {
        Install(KeyType.KmsClientSetup);
        Activate(ActivationKind.Kms, expires: Start.AddDays(180));
        _clock.Advance(TimeSpan.FromDays(179));
        Assert.Equal(LicenseState.Licensed, Evaluate().State);
        _clock.Advance(TimeSpan.FromDays(1));
        var lapsed = Evaluate();
        Assert.Equal(LicenseState.OutOfToleranceGrace, lapsed.State);
        Assert.Equal(Start.AddDays(210), lapsed.GraceEnds);
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(LicenseState.Notification, Evaluate().State);
    }

    [Fact]
    public void Moving_the_clock_back_never_grows_grace_back_and_is_reported()
    {
        Install(KeyType.Mak);
        _clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(LicenseState.Notification, Evaluate().State);
        SetClockBack(Start.AddDays(1));
        var status = Evaluate();
        Assert.Equal(LicenseState.Notification, status.State);
        Assert.True(status.ClockRollbackDetected);
    }

    [Fact]
    public void A_small_clock_correction_is_not_tampering()
    {
        Install(KeyType.Mak);
        _clock.Advance(TimeSpan.FromHours(1));
        Evaluate();
        SetClockBack(_clock.GetUtcNow() - TimeSpan.FromMinutes(2));
        Assert.False(Evaluate().ClockRollbackDetected);
    }

    [Fact]
    public void Setup_key_never_gets_past_grace_by_itself()
    {
        Install(KeyType.Setup);
        Assert.Contains("install a MAK", Evaluate().Message, StringComparison.Ordinal);
        _clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(LicenseState.Notification, Evaluate().State);
    }

    [Fact]
    public void Rearms_left_are_three_for_mak_and_unlimited_for_kms_clients()
    {
        Install(KeyType.Mak);
        Assert.Equal(3, Evaluate().RearmsLeft);
        Install(KeyType.KmsClientSetup);
        Assert.Null(Evaluate().RearmsLeft);
    }

    /// <summary>
    /// A product maps Code to its own words, and may show Message as it is: so every state that is not plain says why
    /// with a code, and no message names a tool the product's users do not have ('pk ato' was in most of them).
    /// </summary>
    [Fact]
    public void Every_state_that_is_not_plain_has_a_code_and_no_message_names_a_command()
    {
        var seen = new List<LicenseStatus> { Evaluate() };
        Assert.Null(seen[^1].Code); // Unlicensed

        Install(KeyType.Mak);
        seen.Add(Evaluate());
        Assert.Null(seen[^1].Code); // InitialGrace

        _clock.Advance(TimeSpan.FromDays(31));
        seen.Add(Evaluate());
        Assert.Equal((LicenseState.Notification, "GRACE_EXPIRED"), (seen[^1].State, seen[^1].Code));

        Activate(ActivationKind.Mak, expires: null);
        seen.Add(Evaluate(ActivationCheck.Invalid));
        Assert.Equal((LicenseState.Notification, "SIGNATURE_INVALID"), (seen[^1].State, seen[^1].Code));
        Assert.Contains("does not verify", seen[^1].Message, StringComparison.Ordinal);

        seen.Add(Evaluate(ActivationCheck.HardwareChanged));
        Assert.Equal((LicenseState.OutOfToleranceGrace, "HARDWARE_OUT_OF_TOLERANCE"), (seen[^1].State, seen[^1].Code));
        _clock.Advance(TimeSpan.FromDays(31));
        seen.Add(Evaluate(ActivationCheck.HardwareChanged));
        Assert.Equal((LicenseState.Notification, "HARDWARE_OUT_OF_TOLERANCE"), (seen[^1].State, seen[^1].Code));

        Install(KeyType.KmsClientSetup);
        Activate(ActivationKind.Kms, expires: _clock.GetUtcNow().AddDays(180));
        seen.Add(Evaluate());
        Assert.Equal((LicenseState.Licensed, null), (seen[^1].State, seen[^1].Code));
        _clock.Advance(TimeSpan.FromDays(181));
        seen.Add(Evaluate());
        Assert.Equal((LicenseState.OutOfToleranceGrace, "CERTIFICATE_EXPIRED"), (seen[^1].State, seen[^1].Code));

        _license = _license with { StoreTampered = true, Activation = null };
        seen.Add(Evaluate());
        Assert.Equal((LicenseState.Notification, "STORE_TAMPERED"), (seen[^1].State, seen[^1].Code));

        Install(KeyType.Setup);
        _license = _license with { StoreTampered = false };
        seen.Add(Evaluate());
        Assert.All(seen, s => Assert.DoesNotMatch(@"\bpk\b|'", s.Message));
    }

    private void Install(KeyType type)
    {
        var now = _clock.GetUtcNow();
        _license = _license with { Key = "BCDFG-BCDFG-BCDFG-BCDFG-QRTVW", KeyType = type, ProductId = "p", InstalledAt = now, GraceStartedAt = now };
    }

    private void Activate(ActivationKind kind, DateTimeOffset? expires) =>
        _license = _license with
        {
            Activation = new StoredActivation(kind, "a1", "cert", "hw", _clock.GetUtcNow(), expires),
            OutOfToleranceSince = null,
        };

    // FakeTimeProvider refuses to go back in time; a device clock does not.
    private void SetClockBack(DateTimeOffset to) => _clock = new FakeTimeProvider(to);

    private LicenseStatus Evaluate(ActivationCheck check = ActivationCheck.Holds)
    {
        var (status, updated) = LicenseEvaluator.Evaluate(_license, _clock.GetUtcNow(), _license.Activation is null ? ActivationCheck.None : check, MonotonicClock.From(_clock).Read());
        _license = updated;
        return status;
    }
}
