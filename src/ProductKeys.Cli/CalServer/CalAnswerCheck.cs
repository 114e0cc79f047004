using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Signing;

namespace ProductKeys.Cli.CalServer;

/// <summary>
/// What <c>pk cal request</c> believes of a CAL server's answer (docs/product.md §5): a CAL of the mode asked, for the user or device
/// asked (the same name as the CAL server keeps it, <see cref="CalPolicy.SameName"/>), not yet expired; a device CAL also verified publisher → pack → CAL (<see cref="DeviceCal.Verify"/>) when publisher keys are
/// known, and then its fields must be the signed ones. Anything else is refused, never printed as a CAL.
/// </summary>
internal static class CalAnswerCheck
{
    /// <summary>The answer when it is the CAL asked for; <paramref name="trust"/> <c>null</c>: a device CAL is checked but not verified.</summary>
    public static Outcome<CalResponse> Check(CalResponse answer, string? user, string? device, TrustedKeySet? trust, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var shape = user is not null
            ? answer is { Mode: nameof(CalMode.PerUser), Device: null, Pool: "Installed" or "OverUsed" } && CalPolicy.SameName(answer.User, user)
            : answer is { Mode: nameof(CalMode.PerDevice), User: null, Kind: nameof(DeviceCalKind.Temporary) or nameof(DeviceCalKind.Permanent),
                CalId.Length: > 0, Cal.Length: > 0, PackCertificate.Length: > 0 } && CalPolicy.SameName(answer.Device, device);
        if (!shape || answer.ServerId is not { Length: > 0 } || answer.Expires <= now)
        {
            return Wrong($"The CAL server's answer is not a current {(user is not null ? $"per-user CAL for user '{user}'" : $"per-device CAL for device '{device}'")}.");
        }

        if (user is not null || trust is null)
        {
            return answer;
        }

        var cal = DeviceCal.Verify(answer.Cal, answer.PackCertificate, trust, time, device!);
        if (!cal.IsSuccess)
        {
            return cal.Refusal;
        }

        var c = cal.Value;
        return c.CalId == answer.CalId && c.Kind.ToString() == answer.Kind && c.Expires == answer.Expires && c.Pack.ServerId == answer.ServerId
            ? answer
            : new Refusal(ErrorCatalogue.SignatureInvalid, "The CAL server's answer says other than the device CAL it signed (ID, kind, expiry or server).");
    }

    private static Refusal Wrong(string detail) => new(ErrorCatalogue.CalServerUnreachable, detail);
}
