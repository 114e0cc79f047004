using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ProductKeys.Core.Signing;

/// <summary>
/// A publisher's private signing key: ECDSA on NIST P-256 (docs/product.md §8). Kept in the data folder with
/// file permissions 0600 (<see cref="SigningKeyFile"/>); only <see cref="PublicKey"/> leaves it.
/// Safe to use from several threads, which sign in parallel: each signature borrows one of a small
/// pool of instances of the key (one per core at most is kept), since one <see cref="ECDsa"/> instance
/// is not documented as safe for concurrent use.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private static readonly string[] PrivateKeyLabels = ["PRIVATE KEY", "EC PRIVATE KEY"];

    private readonly ECDsa _ecdsa;
    private readonly Lock _copyGate = new();
    private readonly ConcurrentBag<ECDsa> _idleSigners = [];
    private readonly int _maxIdleSigners = Environment.ProcessorCount;
    private int _idleCount;
    private volatile bool _disposed;

    private SigningKey(ECDsa ecdsa)
    {
        _ecdsa = ecdsa;
        PublicKey = TrustedKey.From(ecdsa);
    }

    /// <summary>The ID of the key, written into every artifact it signs (see <see cref="TrustedKey.KeyId"/>).</summary>
    public string KeyId => PublicKey.KeyId;

    /// <summary>The public half, to publish and to trust.</summary>
    public TrustedKey PublicKey { get; }

    /// <summary>Generates a new random key.</summary>
    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>
    /// Reads an unencrypted P-256 private key: PKCS#8 (<c>PRIVATE KEY</c>, as <see cref="ExportPem"/>
    /// writes) or SEC 1 (<c>EC PRIVATE KEY</c>, as <c>openssl ecparam -genkey</c> writes).
    /// </summary>
    /// <exception cref="FormatException">The text holds no such key.</exception>
    public static SigningKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new FormatException("The text holds no PEM block.");
        }

        var label = pem[fields.Label];
        if (!PrivateKeyLabels.Contains(label, StringComparer.Ordinal))
        {
            throw new FormatException($"Expected an unencrypted P-256 PRIVATE KEY, found '{label}'.");
        }

        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        var ecdsa = ECDsa.Create();
        try
        {
            if (label == PrivateKeyLabels[0])
            {
                ecdsa.ImportPkcs8PrivateKey(der, out _);
            }
            else
            {
                ecdsa.ImportECPrivateKey(der, out _);
            }

            return new SigningKey(ecdsa);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            ecdsa.Dispose();
            throw new FormatException($"The {label} block is not a usable P-256 key: {e.Message}", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    /// <summary>The private key as a PEM PKCS#8 <c>PRIVATE KEY</c> block. Keep it secret.</summary>
    public string ExportPem()
    {
        lock (_copyGate)
        {
            return _ecdsa.ExportPkcs8PrivateKeyPem();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        DisposeIdleSigners();
        lock (_copyGate)
        {
            // Not while a copy is being made of it, or its PEM exported.
            _ecdsa.Dispose();
        }
    }

    internal byte[] Sign(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var signer = _idleSigners.TryTake(out var idle) ? idle : CopyOfKey();
        if (idle is not null)
        {
            Interlocked.Decrement(ref _idleCount);
        }

        try
        {
            return P256.Sign(signer, data);
        }
        finally
        {
            if (Interlocked.Increment(ref _idleCount) <= _maxIdleSigners)
            {
                _idleSigners.Add(signer);
            }
            else
            {
                Interlocked.Decrement(ref _idleCount);
                signer.Dispose();
            }

            // A signature that was under way when the key was disposed must not leave its instance behind.
            if (_disposed)
            {
                DisposeIdleSigners();
            }
        }
    }

    /// <summary>Another instance of the same private key, for one more thread to sign with.</summary>
    private ECDsa CopyOfKey()
    {
        ECParameters parameters;
        // Rare (until the pool has an instance per signing thread). The original instance is only ever
        // read, here and by ExportPem, one thread at a time.
        lock (_copyGate)
        {
            parameters = _ecdsa.ExportParameters(includePrivateParameters: true);
        }

        try
        {
            return ECDsa.Create(parameters);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    private void DisposeIdleSigners()
    {
        while (_idleSigners.TryTake(out var signer))
        {
            Interlocked.Decrement(ref _idleCount);
            signer.Dispose();
        }
    }
}
