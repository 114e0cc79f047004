using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using ProductKeys.Core.Cal;
using ProductKeys.Core.Certificates;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Signing;

namespace ProductKeys.CalServer.Data;

/// <summary>
/// The CAL server's packs and CALs (docs/product.md §5, docs/adr/0018-cal-server.md). Requests run one
/// after the other on the one connection, inside a SQLite transaction begun IMMEDIATE (the write lock
/// first) that the requests queued together share (<see cref="GroupCommit"/>), committed before any of their
/// answers leaves (to the disk as <see cref="CommitDurability"/> decides); the per-device grant is a conditional UPDATE
/// inside it, so the count of permanent CALs never passes the installed quantity, also across
/// processes sharing the folder.
/// </summary>
public sealed class CalLedger : IDisposable
{
    private const string Installed = "Installed";
    private const string OverUsed = "OverUsed";

    private readonly SqliteConnection _connection;
    private readonly PreparedStatements _statements;
    private readonly CommitDurability _durability;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly GroupCommit _requests;
    private readonly CalServerFolder _folder;
    private readonly CalServerIdentity _identity;
    private readonly TimeProvider _time;

    /// <summary>The packs as last read, and SQLite's <c>data_version</c> then (<see cref="ReadPacks"/>).</summary>
    private (InstalledPacks Packs, long DataVersion)? _packs;

    private CalLedger(SqliteConnection connection, CalServerFolder folder, CalServerIdentity identity, TimeProvider time, CalSyncMode sync)
    {
        _connection = connection;
        _folder = folder;
        _identity = identity;
        _time = time;
        _statements = new PreparedStatements(connection);
        _durability = new CommitDurability(_statements, sync);
        _durability.Apply();
        _requests = new GroupCommit(_statements, _gate, _durability);
    }

    /// <summary>The server's ID.</summary>
    public string ServerId => _identity.ServerId;

    /// <summary>How this ledger's commits reach the disk.</summary>
    public CalSyncMode Sync => _durability.Mode;

    /// <summary>Opens (creating when new) the database in the data folder.</summary>
    /// <param name="folder">The data folder.</param>
    /// <param name="identity">The server's ID and key.</param>
    /// <param name="time">The clock.</param>
    /// <param name="sync">How commits reach the disk (<see cref="CommitDurability"/>).</param>
    public static Outcome<CalLedger> Open(CalServerFolder folder, CalServerIdentity identity, TimeProvider time, CalSyncMode sync = CalSyncMode.Auto)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(identity);
        try
        {
            PrivateFolder.Create(folder.Path);
            var connection = CalTables.Open(folder.DatabaseFile);
            CalTables.Execute(connection, CalTables.Schema);
            CanonicalNames.Apply(connection);
            var ledger = new CalLedger(connection, folder, identity, time, sync);
            if (InstalledPacks.Damage(ledger.StoredCertificates(), folder, identity, time) is { } damaged)
            {
                ledger.Dispose();
                return damaged;
            }

            return ledger;
        }
        catch (SqliteException e)
        {
            return new Refusal(ErrorCatalogue.StoreInvalid, $"{folder.DatabaseFile} cannot be used: {e.Message}");
        }
    }

    /// <summary>
    /// Keeps a pack certificate that verifies against the publisher keys <paramref name="trust"/> trusts, names this server's
    /// ID and key, and has the mode of the packs already here (else <c>CAL_MODE_MISMATCH</c>), and keeps <paramref name="trust"/>
    /// as the folder's (<see cref="PinnedPublisherKeys.Save"/>, in the same transaction's turn). Installing a pack again replaces its
    /// certificate (e.g. the purchased quantity instead of 500, or one signed by a current key after a withdrawal).
    /// </summary>
    /// <param name="certificateText">The pack certificate.</param>
    /// <param name="trust">What the folder trusts with this installation (<see cref="PinnedPublisherKeys.Accept"/>).</param>
    /// <param name="cancellationToken">Cancels the wait for the ledger.</param>
    public async Task<Outcome<CalPackCertificate>> InstallPackAsync(string? certificateText, PublisherKeyChain trust, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trust);
        var pack = InstalledPacks.Check(certificateText, trust.Trusted, _identity, _time);
        if (!pack.IsSuccess)
        {
            return InstalledPacks.WithdrawnOne(certificateText, trust, _identity) is { } stale
                ? new Refusal(ErrorCatalogue.SignatureInvalid,
                    $"The pack certificate is signed by {stale.KeyId}, which the publisher withdrew (key list {stale.WithdrawnBy}): the answer came from before the withdrawal; install the pack again once the service runs its current keys.")
                : pack.Refusal.Code == ErrorCatalogue.SignatureInvalid.Code
                    ? new Refusal(ErrorCatalogue.SignatureInvalid, $"{pack.Refusal.Detail} This CAL server trusts {trust.Describe()}; {PinnedPublisherKeys.HowKeysAreLearned}.")
                    : pack;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var committed = false;
        try
        {
            _statements.Execute("BEGIN IMMEDIATE");
            var others = LoadPacks().Where(p => p.PackId != pack.Value.PackId).ToList();
            if (others.FirstOrDefault(p => p.Mode != pack.Value.Mode) is { } other)
            {
                return new Refusal(ErrorCatalogue.CalModeMismatch, $"This CAL server holds {other.Mode} packs; pack {pack.Value.PackId} is {pack.Value.Mode}.");
            }

            var saved = _folder.PublisherKeys.Save(trust, _time);
            if (!saved.IsSuccess)
            {
                return saved.Refusal;
            }

            _statements.Execute(
                "INSERT INTO packs (pack_id, certificate, installed_at) VALUES (@id, @text, @now) ON CONFLICT (pack_id) DO UPDATE SET certificate = excluded.certificate, installed_at = excluded.installed_at",
                ("@id", pack.Value.PackId), ("@text", pack.Value.Text), ("@now", Now()));
            _statements.Execute("COMMIT");
            committed = true;
            return pack;
        }
        catch (SqliteException e) when (CalTables.IsLocked(e))
        {
            return Locked();
        }
        finally
        {
            if (!committed)
            {
                RollBack();
            }

            // This connection's own commits leave data_version as it was: read the packs again next time.
            _packs = null;
            _gate.Release();
        }
    }

    /// <summary>The installed packs whose certificates hold, in pack id order.</summary>
    public async Task<IReadOnlyList<CalPackCertificate>> PacksAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return LoadPacks();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The installed packs that no longer count because the publisher withdrew the key that signed them.</summary>
    public async Task<IReadOnlyList<WithdrawnPack>> WithdrawnPacksAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ReadPacks().Withdrawn;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A per-user CAL: the user's own while held (60 days from the last use); else one of the
    /// installed CALs while any is free, else one from the over-used pool. Never refused for count.
    /// </summary>
    public async Task<Outcome<CalResponse>> RequestUserAsync(string user, CancellationToken cancellationToken)
    {
        try
        {
            return await _requests.RunAsync(() => GrantUser(user), cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (CalTables.IsLocked(e))
        {
            return Locked();
        }
    }

    /// <summary>
    /// A per-device CAL: a first connection gets a temporary CAL (90 days); a later one a permanent
    /// CAL when one is free (a conditional UPDATE: never more than installed); none free, the
    /// temporary CAL holds until it expires, then <c>NO_DEVICE_CAL_AVAILABLE</c>. A permanent CAL
    /// unused 89 days returns to the pool; its device then starts again as a first connection.
    /// The CAL is signed once its grant is committed, outside the queue.
    /// </summary>
    public async Task<Outcome<CalResponse>> RequestDeviceAsync(string device, CancellationToken cancellationToken)
    {
        Outcome<DeviceGrant> grant;
        try
        {
            grant = await _requests.RunAsync(() => GrantDevice(device), cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (CalTables.IsLocked(e))
        {
            return Locked();
        }

        if (!grant.IsSuccess)
        {
            return grant.Refusal;
        }

        // Signed at the server's clock but never before the pack, and valid at most its period from then: a ledger whose
        // time runs ahead of the clock (LedgerClock) holds the CAL at least as long as the signature says.
        var (pack, calId, kind, expires) = grant.Value;
        var issued = LedgerClock.SigningTime(Now(), pack);
        var period = kind == DeviceCalKind.Permanent ? CalPolicy.PermanentDeviceCalIdle : CalPolicy.TemporaryDeviceCal;
        var signer = new ArtifactSigner(_identity.Key, new FixedClock(DateTimeOffset.FromUnixTimeSeconds(issued)));
        var cal = DeviceCal.Issue(signer, pack, calId, kind, device, DateTimeOffset.FromUnixTimeSeconds(Math.Min(expires, issued + (long)period.TotalSeconds)));
        return new CalResponse(nameof(CalMode.PerDevice), null, device, null, kind.ToString(), calId, cal.Expires, ServerId, cal.Text, pack.Text);
    }

    /// <summary>
    /// The operator takes a device's permanent CAL back into the pool (a device retired or re-imaged, or a name a LAN
    /// client made up: docs/security.md): at most <see cref="CalPolicy.MaxRevocations"/> within
    /// <see cref="CalPolicy.RevocationWindow"/>, counted on the ledger's clock. Asked again, the device starts as a first
    /// connection. Its signed CAL stays valid offline until it expires, which is why revocations are limited.
    /// </summary>
    public async Task<Outcome<DeviceRevocation>> RevokeDeviceAsync(string device, CancellationToken cancellationToken)
    {
        if (!CalPolicy.IsDeviceId(device))
        {
            return new Refusal(ErrorCatalogue.ValidationFailed, $"--device must be a device ID: 1 to {CalPolicy.MaxNameLength} printable characters, at most {CalPolicy.MaxDeviceIdBytes} UTF-8 bytes.");
        }

        try
        {
            return await _requests.RunAsync(() => Revoke(device), cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e) when (CalTables.IsLocked(e))
        {
            return Locked();
        }
    }

    /// <summary>What the report shows (<c>pk cal-server report</c>), read in one transaction.</summary>
    public async Task<CalUsage> UsageAsync(TimeSpan expiringWithin, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _statements.Execute("BEGIN DEFERRED");
            try
            {
                return Usage(expiringWithin);
            }
            finally
            {
                RollBack(); // read only: nothing to keep
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Not under a running batch's feet: its statements and connection are disposed after it ends.
        _gate.Wait();
        _statements.Dispose();
        _connection.Dispose();
        _gate.Dispose();
    }

    /// <summary><see cref="UsageAsync"/>'s reads, inside its transaction.</summary>
    private CalUsage Usage(TimeSpan expiringWithin)
    {
        var installed = ReadPacks();
        var packs = installed.Counted;
        var wall = Now();
        var highest = KeptTime();
        var now = Math.Max(LedgerClock.Floor(wall, packs), highest);
        var userCutoff = now - (long)CalPolicy.UserCalHeld.TotalSeconds;
        var deviceCutoff = now - (long)CalPolicy.PermanentDeviceCalIdle.TotalSeconds;
        var soon = (long)expiringWithin.TotalSeconds;
        (string, object?)[] p = [("@uc", userCutoff), ("@dc", deviceCutoff), ("@now", now), ("@soon", soon)];
        return new CalUsage(
            packs,
            installed.Withdrawn,
            IssuedUsers: _statements.Scalar("SELECT COUNT(*) FROM user_cals WHERE pool = 'Installed' AND last_used >= @uc", p),
            OverUsedUsers: _statements.Scalar("SELECT COUNT(*) FROM user_cals WHERE pool = 'OverUsed' AND last_used >= @uc", p),
            ExpiringUsers: _statements.Scalar("SELECT COUNT(*) FROM user_cals WHERE last_used >= @uc AND last_used < @uc + @soon", p),
            Permanent: _statements.Scalar("SELECT COUNT(*) FROM device_cals WHERE kind = 'Permanent' AND last_used >= @dc", p),
            Temporary: _statements.Scalar("SELECT COUNT(*) FROM device_cals WHERE kind = 'Temporary' AND temporary_expires > @now", p),
            ExpiringDevices: _statements.Scalar("""
                SELECT COUNT(*) FROM device_cals WHERE (kind = 'Permanent' AND last_used >= @dc AND last_used < @dc + @soon)
                    OR (kind = 'Temporary' AND temporary_expires > @now AND temporary_expires <= @now + @soon)
                """, p),
            At: DateTimeOffset.FromUnixTimeSeconds(now),
            PublisherKeys: [.. installed.Trust?.Trusted.Keys.Select(k => k.KeyId) ?? []],
            KeyListSequence: installed.Trust?.Sequence ?? 0,
            ClockProblem: LedgerClock.Problem(wall, highest, packs));
    }

    /// <summary>For tests: SQLite's <c>synchronous</c> on the ledger's connection (1 NORMAL, 2 FULL) and how many batches were flushed.</summary>
    internal (long Synchronous, long Flushes) DurabilityState()
    {
        _gate.Wait();
        try
        {
            return (_statements.Scalar("PRAGMA synchronous"), _statements.Scalar(CommitDurability.FlushCountSql));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends the open transaction without keeping anything, if SQLite has not already.</summary>
    private void RollBack()
    {
        try
        {
            _statements.Execute("ROLLBACK");
        }
        catch (SqliteException)
        {
            // No transaction was open any more: nothing to undo.
        }
    }

    /// <summary><see cref="RequestUserAsync"/>'s reads and writes, inside the queue's transaction.</summary>
    private Outcome<CalResponse> GrantUser(string user)
    {
        var key = CalPolicy.CanonicalName(user); // one CAL per user or device, however its name is cased
        var all = LoadPacks();
        var capacity = all.Where(p => p.Mode == CalMode.PerUser).Sum(p => (long)p.Installed);
        if (capacity == 0)
        {
            return NoPack(CalMode.PerUser, "per-user");
        }

        var now = AdvanceClock(all);
        var cutoff = now - (long)CalPolicy.UserCalHeld.TotalSeconds;
        var pool = _statements.Bind("SELECT pool FROM user_cals WHERE user = @user AND last_used >= @cutoff", ("@user", key), ("@cutoff", cutoff)).ExecuteScalar() as string;

        if (pool != Installed)
        {
            // A new or returning user, or an over-used one: an installed CAL when one is free. The user's
            // own row is never among those counted (absent, lapsed or over-used), so the count reads the
            // (pool, last_used) index alone.
            var held = _statements.Scalar("SELECT COUNT(*) FROM user_cals WHERE pool = @pool AND last_used >= @cutoff",
                ("@pool", Installed), ("@cutoff", cutoff));
            pool = held < capacity ? Installed : OverUsed;
        }

        _statements.Execute("""
            INSERT INTO user_cals (user, pool, first_used, last_used) VALUES (@user, @pool, @now, @now)
            ON CONFLICT (user) DO UPDATE SET pool = excluded.pool, last_used = excluded.last_used,
                first_used = CASE WHEN user_cals.last_used < @cutoff THEN excluded.first_used ELSE user_cals.first_used END
            """, ("@user", key), ("@pool", pool), ("@now", now), ("@cutoff", cutoff));
        return new CalResponse(nameof(CalMode.PerUser), user, null, pool, null, null,
            DateTimeOffset.FromUnixTimeSeconds(now) + CalPolicy.UserCalHeld, ServerId, null, null);
    }

    /// <summary><see cref="RequestDeviceAsync"/>'s reads and writes, inside the queue's transaction: which CAL the device holds now.</summary>
    private Outcome<DeviceGrant> GrantDevice(string device)
    {
        var key = CalPolicy.CanonicalName(device); // one CAL per user or device, however its name is cased
        var all = LoadPacks();
        var packs = all.Where(p => p.Mode == CalMode.PerDevice).ToList();
        if (packs.Count == 0)
        {
            return NoPack(CalMode.PerDevice, "per-device");
        }

        var pack = packs[0];
        var capacity = packs.Sum(p => (long)p.Installed);
        var now = AdvanceClock(all);
        var cutoff = now - (long)CalPolicy.PermanentDeviceCalIdle.TotalSeconds;
        var row = ReadDevice(key);
        if (row is { Kind: nameof(DeviceCalKind.Permanent) } permanent && permanent.LastUsed >= cutoff)
        {
            // The renewal moves when the CAL returns to the pool: lost to a power cut, the CAL could be granted
            // again while this device still holds it signed.
            _durability.Require();
            if (RenewPermanent(key, now, cutoff, capacity))
            {
                return new DeviceGrant(pack, permanent.CalId, DeviceCalKind.Permanent, now + (long)CalPolicy.PermanentDeviceCalIdle.TotalSeconds);
            }

            // More permanent CALs are held than installed (a pack installed again with fewer): this one returns to the
            // pool, and its device starts again as a first connection.
            row = null;
        }

        if (row is null || row.Value.Kind == nameof(DeviceCalKind.Permanent))
        {
            var calId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var expires = now + (long)CalPolicy.TemporaryDeviceCal.TotalSeconds;
            _statements.Execute("""
                INSERT INTO device_cals (device, kind, cal_id, first_seen, temporary_expires, last_used) VALUES (@device, @kind, @cal, @now, @expires, @now)
                ON CONFLICT (device) DO UPDATE SET kind = excluded.kind, cal_id = excluded.cal_id, first_seen = excluded.first_seen,
                    temporary_expires = excluded.temporary_expires, last_used = excluded.last_used
                """, ("@device", key), ("@kind", nameof(DeviceCalKind.Temporary)), ("@cal", calId), ("@now", now), ("@expires", expires));
            return new DeviceGrant(pack, calId, DeviceCalKind.Temporary, expires);
        }

        if (TakePermanent(key, now, cutoff, capacity))
        {
            _durability.Require(); // a permanent CAL counts against the packs: on the disk before it is answered
            return new DeviceGrant(pack, row.Value.CalId, DeviceCalKind.Permanent, now + (long)CalPolicy.PermanentDeviceCalIdle.TotalSeconds);
        }

        if (now < row.Value.TemporaryExpires)
        {
            _statements.Execute("UPDATE device_cals SET last_used = @now WHERE device = @device", ("@device", key), ("@now", now));
            return new DeviceGrant(pack, row.Value.CalId, DeviceCalKind.Temporary, row.Value.TemporaryExpires);
        }

        return new Refusal(ErrorCatalogue.NoDeviceCalAvailable,
            $"Device '{device}': its temporary CAL expired at {DateTimeOffset.FromUnixTimeSeconds(row.Value.TemporaryExpires):yyyy-MM-dd HH:mm} UTC and all {capacity} permanent CALs are in use.");
    }

    /// <summary><see cref="RevokeDeviceAsync"/>'s reads and writes, inside the queue's transaction.</summary>
    private Outcome<DeviceRevocation> Revoke(string device)
    {
        var key = CalPolicy.CanonicalName(device); // one CAL per user or device, however its name is cased
        var all = LoadPacks();
        var capacity = all.Where(p => p.Mode == CalMode.PerDevice).Sum(p => (long)p.Installed);
        if (capacity == 0)
        {
            return NoPack(CalMode.PerDevice, "per-device", revoking: true);
        }

        var now = AdvanceClock(all);
        var row = ReadDevice(key);
        if (row is not { Kind: nameof(DeviceCalKind.Permanent) } held || held.LastUsed < now - (long)CalPolicy.PermanentDeviceCalIdle.TotalSeconds)
        {
            // A temporary CAL is not revoked: the device would come back to a new 90 days.
            return new Refusal(ErrorCatalogue.NotFound,
                $"Device '{device}' holds no permanent CAL on this server (a temporary one expires by itself; 'pk cal-server report' counts them).");
        }

        var allowed = CalPolicy.MaxRevocations(capacity);
        var since = now - (long)CalPolicy.RevocationWindow.TotalSeconds;
        // Through the last second the revoked CAL verifies (ArtifactVerifier: valid while now <= expires), so >=.
        var used = _statements.Scalar("SELECT COUNT(*) FROM revocations WHERE at >= @since", ("@since", since));
        if (used >= allowed)
        {
            var oldest = _statements.Scalar("SELECT MIN(at) FROM revocations WHERE at >= @since", ("@since", since));
            return new Refusal(ErrorCatalogue.Conflict,
                $"{used} of the {allowed} revocations allowed in {CalPolicy.RevocationWindow.TotalDays:0} days (a fifth of the {capacity} per-device CALs installed) "
                + $"were made: the next is allowed from {DateTimeOffset.FromUnixTimeSeconds(oldest + (long)CalPolicy.RevocationWindow.TotalSeconds + 1):yyyy-MM-dd HH:mm:ss} UTC, "
                + "or the CAL returns by itself after 89 days unused.");
        }

        _durability.Require(); // a CAL back in the pool may be granted at once: the revocation is on the disk first
        _statements.Execute("DELETE FROM device_cals WHERE device = @device", ("@device", key));
        _statements.Execute("INSERT INTO revocations (device, cal_id, at) VALUES (@device, @cal, @now)", ("@device", key), ("@cal", held.CalId), ("@now", now));
        return new DeviceRevocation(device, held.CalId, DateTimeOffset.FromUnixTimeSeconds(now),
            DateTimeOffset.FromUnixTimeSeconds(held.LastUsed) + CalPolicy.PermanentDeviceCalIdle, used + 1, allowed);
    }

    /// <summary>Temporary → permanent only while fewer permanent CALs are held than installed: the check and the write are one statement.</summary>
    private bool TakePermanent(string key, long now, long cutoff, long capacity) =>
        _statements.Execute("""
            UPDATE device_cals SET kind = 'Permanent', last_used = @now
            WHERE device = @device AND kind = 'Temporary'
              AND (SELECT COUNT(*) FROM device_cals WHERE kind = 'Permanent' AND last_used >= @cutoff) < @capacity
            """, ("@device", key), ("@now", now), ("@cutoff", cutoff), ("@capacity", capacity)) == 1;

    /// <summary>A held permanent CAL renews only while the other devices hold fewer than installed: never more held than installed.</summary>
    private bool RenewPermanent(string key, long now, long cutoff, long capacity) =>
        _statements.Execute("""
            UPDATE device_cals SET last_used = @now
            WHERE device = @device AND kind = 'Permanent'
              AND (SELECT COUNT(*) FROM device_cals WHERE kind = 'Permanent' AND last_used >= @cutoff AND device <> @device) < @capacity
            """, ("@device", key), ("@now", now), ("@cutoff", cutoff), ("@capacity", capacity)) == 1;

    /// <summary>The highest time the ledger has used, as it uses it (<see cref="LedgerClock.Kept"/>).</summary>
    private long KeptTime() => LedgerClock.Kept(_statements.Scalar(LedgerClock.ReadSql));

    /// <summary>The ledger's time for this request (<see cref="LedgerClock"/>), kept as the highest it has used.</summary>
    private long AdvanceClock(IReadOnlyList<CalPackCertificate> packs)
    {
        var now = LedgerClock.Floor(Now(), packs);
        var highest = KeptTime();
        if (now <= highest)
        {
            return highest;
        }

        _statements.Execute(LedgerClock.AdvanceSql, ("@now", now));
        return now;
    }

    /// <summary>
    /// No pack of the mode counts: say so, naming packs that stopped counting because their key was withdrawn. A server holding packs
    /// of the other mode that count serves that mode only (installing this one is <c>CAL_MODE_MISMATCH</c>): the answer says which CALs to ask
    /// for here, not to install a pack.
    /// </summary>
    private Refusal NoPack(CalMode mode, string name, bool revoking = false)
    {
        var packs = ReadPacks();
        var withdrawn = string.Concat(packs.Withdrawn.Where(w => w.Mode == mode).Select(w => $" Its {w.Describe()}"));
        // As the install check: only packs that count make a server of the other mode (a withdrawn one does not stop an install).
        if (!packs.Counted.Any(p => p.Mode != mode))
        {
            return new(ErrorCatalogue.CalPackNotInstalled, $"This CAL server has no {name} CAL pack: install one ('pk cal-server install-pack')." + withdrawn);
        }

        var detail = revoking
            ? "This CAL server serves per-user CALs, not per-device ones (a CAL server holds packs of one mode): a device's CAL is revoked "
              + "on the per-device CAL server that granted it."
            : mode == CalMode.PerUser
            ? "This CAL server serves per-device CALs, not per-user ones (a CAL server holds packs of one mode): ask it for a device's CAL "
              + "('pk cal request --device ID' or --store S), or ask the per-user CAL server for a user's CAL."
            : "This CAL server serves per-user CALs, not per-device ones (a CAL server holds packs of one mode): ask it for a user's CAL "
              + "('pk cal request --user NAME'), or ask the per-device CAL server for a device's CAL.";
        return new(ErrorCatalogue.CalPackNotInstalled, detail);
    }

    private static Refusal Locked() => new(ErrorCatalogue.DatabaseUnreachable,
        $"cal.db is locked by another process (another 'pk cal-server' command or a copy of the database) for more than {CalTables.LockWait.TotalSeconds:0} s: retry in a moment.");

    private (string Kind, string CalId, long TemporaryExpires, long LastUsed)? ReadDevice(string key)
    {
        using var reader = _statements.Bind("SELECT kind, cal_id, temporary_expires, last_used FROM device_cals WHERE device = @device", ("@device", key)).ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)) : null;
    }

    /// <summary>The packs that count (<see cref="ReadPacks"/>).</summary>
    private IReadOnlyList<CalPackCertificate> LoadPacks() => ReadPacks().Counted;

    /// <summary>
    /// The stored packs sorted by the publisher keys the folder trusts now (<see cref="InstalledPacks"/>). Read again only when
    /// another connection (<c>pk cal-server install-pack</c> beside a running server, which may also have learned a key list) has
    /// committed since — SQLite's <c>data_version</c> tells — or this one installed a pack.
    /// </summary>
    private InstalledPacks ReadPacks()
    {
        var dataVersion = _statements.Scalar("PRAGMA data_version");
        if (_packs is { } known && known.DataVersion == dataVersion)
        {
            return known.Packs;
        }

        // Damaged trust files count nothing while serving; the start check names them (InstalledPacks.Damage).
        var trust = _folder.PublisherKeys.Load(_time) is { IsSuccess: true } loaded ? loaded.Value : null;
        var packs = InstalledPacks.Read(StoredCertificates(), trust, _identity);
        _packs = (packs, dataVersion);
        return packs;
    }

    private List<string> StoredCertificates()
    {
        var texts = new List<string>();
        using var reader = _statements.Bind("SELECT certificate FROM packs ORDER BY pack_id").ExecuteReader();
        while (reader.Read())
        {
            texts.Add(reader.GetString(0));
        }

        return texts;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>A device's CAL as committed, to be signed: the pack that certifies it, its ID, kind and expiry (Unix seconds).</summary>
    private readonly record struct DeviceGrant(CalPackCertificate Pack, string CalId, DeviceCalKind Kind, long Expires);
}
