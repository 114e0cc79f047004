using ProductKeys.Core.Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.KmsHost.Data;

namespace ProductKeys.KmsHost.Activation;

/// <summary>
/// The certificate a running host serves with. Re-read when the file changes, so activating the
/// host while it runs takes effect at once: the file is looked at on every request while the host
/// has no valid certificate, and at most once a second once it has one (a stat per request was
/// 3 % of the host's CPU under load). Re-checked for expiry on every request.
/// </summary>
internal sealed class ActiveHostCertificate(HostCertificateStore store, KmsHostIdentity identity, TimeProvider time)
{
    private const long RecheckMilliseconds = 1000;

    private readonly Lock _gate = new();
    private DateTime? _loadedStamp;
    private long _lookedAt;
    private Outcome<KmsHostCertificate> _loaded = new Refusal(ErrorCatalogue.KmsHostNotActivated);
    private IReadOnlyList<string>? _keyLists;

    /// <summary>The publisher key lists learned with the certificate, for clients (ADR 0024); <c>null</c>: none.</summary>
    public IReadOnlyList<string>? KeyLists
    {
        get
        {
            lock (_gate)
            {
                return _keyLists;
            }
        }
    }

    public Outcome<KmsHostCertificate> Current()
    {
        Outcome<KmsHostCertificate> loaded;
        lock (_gate)
        {
            // Monotonic, and real even under a fake clock: how often to look at the file is not a licensing timer.
            var tick = Environment.TickCount64;
            if (!_loaded.IsSuccess || tick - _lookedAt >= RecheckMilliseconds)
            {
                _lookedAt = tick;
                // A missing file reads as 1601-01-01, which is also a change from any real stamp.
                var stamp = File.GetLastWriteTimeUtc(store.Folder.CertificateFile);
                if (_loadedStamp != stamp)
                {
                    _loaded = store.Load(identity.HostId, identity.Key.PublicKey);
                    _keyLists = store.LoadKeyLists();
                    _loadedStamp = stamp;
                }
            }

            loaded = _loaded;
        }

        if (loaded.IsSuccess && loaded.Value.Expires is { } expires && time.GetUtcNow() > expires)
        {
            return new Refusal(ErrorCatalogue.KmsHostNotActivated,
                $"The host certificate expired at {expires:yyyy-MM-dd HH:mm} UTC: activate the host again ('pk kms-host activate').");
        }

        return loaded;
    }
}
