using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ProductKeys.Core.Errors;
using ProductKeys.Data;
using ProductKeys.Data.Accounts;
using ProductKeys.Service.Hosting;

namespace ProductKeys.Service.Identity;

/// <summary>
/// A user name and password checked under the sign-in throttle: one path for the API's
/// <c>POST /sessions</c> and the portal's sign-in form, so both count failures alike (ADR 0017, 0022).
/// </summary>
internal sealed partial class PasswordSignIn(LicensingDbContext db, SignInThrottle throttle, ILoggerFactory loggers)
{
    public async Task<Outcome<User>> VerifyAsync(string client, string name, string password, CancellationToken ct)
    {
        if (!Accounts.Names.IsStorableText(name))
        {
            // No user has such a name, so nothing is looked up or counted (PostgreSQL refuses it). Not the whole user name
            // rule: an administrator made by 'pk db create-admin' before it checked the rule still signs in. Hashed
            // all the same, and answered as any wrong name, so the answer tells nothing.
            Passwords.Verify(Passwords.Decoy, password);
            LogFailed(loggers.CreateLogger("ProductKeys.Service.Identity"), LogText.Safe(name), client);
            return new Refusal(ErrorCatalogue.Unauthenticated, "Wrong user name or password.");
        }

        if (await throttle.IsBlockedAsync(db, client, name, ct))
        {
            return new Refusal(ErrorCatalogue.RateLimited, "Too many failed sign-ins for this user: wait a few minutes.");
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Name == name, ct);
        // Hash even for an unknown user, so the answer's timing does not tell which names exist.
        var valid = Passwords.Verify(user ?? Passwords.Decoy, password) && user is not null;
        if (!valid || user is null)
        {
            await throttle.RecordFailureAsync(db, client, name, ct);
            ServiceMetrics.SignInFailures.Add(1);
            LogFailed(loggers.CreateLogger("ProductKeys.Service.Identity"), LogText.Safe(name), client);
            return new Refusal(ErrorCatalogue.Unauthenticated, "Wrong user name or password.");
        }

        await SignInThrottle.ResetAsync(db, client, name, ct);
        if (user.IsDisabled)
        {
            // Said only after the right password, so it tells an attacker nothing.
            return new Refusal(ErrorCatalogue.Unauthenticated, "This user is disabled: ask a Global administrator of your organization.");
        }

        return user;
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Failed sign-in for {User} from {Client}")]
    private static partial void LogFailed(ILogger logger, string user, string client);
}
