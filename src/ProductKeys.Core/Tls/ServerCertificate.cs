using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;

namespace ProductKeys.Core.Tls;

/// <summary>
/// The certificate a server of ProductKeys answers HTTPS with (<c>--cert FILE --key FILE</c>, PEM):
/// the leaf with its private key, and the intermediates that followed it in the certificate file.
/// </summary>
public sealed class ServerCertificate
{
    private ServerCertificate(X509Certificate2 leaf, X509Certificate2Collection chain)
    {
        Leaf = leaf;
        Chain = chain;
        Pin = TlsPin.Of(leaf);
    }

    /// <summary>The server's own certificate, with its private key.</summary>
    public X509Certificate2 Leaf { get; }

    /// <summary>The certificates after the first in the certificate file (intermediates), sent with it.</summary>
    public X509Certificate2Collection Chain { get; }

    /// <summary>The public key pin clients may give (<see cref="TlsPin"/>).</summary>
    public string Pin { get; }

    /// <summary>One line for the server's start-up output: subject, pin and expiry, never the key.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"TLS certificate {Leaf.Subject}, expires {Leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}, pin-sha256 {Pin}");

    /// <summary>Reads a PEM certificate file (leaf first, then any intermediates) and its PEM private key file.</summary>
    /// <returns>The certificate; or <c>TLS_CERTIFICATE_INVALID</c> naming the file and what is wrong with it.</returns>
    public static Outcome<ServerCertificate> Load(string certificatePath, string keyPath, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePath);
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        ArgumentNullException.ThrowIfNull(time);
        foreach (var path in (string[])[certificatePath, keyPath])
        {
            if (Directory.Exists(path))
            {
                return Invalid($"{path} is a folder, not a PEM file");
            }

            if (!File.Exists(path))
            {
                return Invalid($"{path} does not exist");
            }
        }

        // Each file read once, and no more than a PEM file can hold: --cert /dev/zero or a log file given by mistake is
        // refused at once instead of filling the memory.
        var certificateText = ReadPem(certificatePath);
        if (!certificateText.IsSuccess)
        {
            return certificateText.Refusal;
        }

        var keyText = ReadPem(keyPath, privateKey: true);
        if (!keyText.IsSuccess)
        {
            return keyText.Refusal;
        }

        if (keyText.Value.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return Invalid($"{keyPath} is encrypted: a server reads an unencrypted PEM key (openssl pkey -in {keyPath} -out NEW.pem), readable only by its user");
        }

        X509Certificate2 leaf;
        var chain = new X509Certificate2Collection();
        try
        {
            leaf = X509Certificate2.CreateFromPem(certificateText.Value, keyText.Value);
            chain.ImportFromPem(certificateText.Value);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return Invalid(LeafNotFirst(certificateText.Value, keyText.Value) is { } position
                ? $"{certificatePath} holds the certificate matching {keyPath} as certificate {position}, not first: the server's own certificate (the leaf) must come first, "
                    + $"then its intermediates (e.g. cat server.pem intermediate.pem > {certificatePath})"
                : $"{certificatePath} with {keyPath} cannot be read as a PEM certificate with its matching private key ({e.Message.TrimEnd('.')})");
        }

        // The first certificate of the file is the leaf; the rest are sent as its chain.
        chain.RemoveAt(0);
        var now = time.GetUtcNow();
        if (now > leaf.NotAfter.ToUniversalTime())
        {
            return Invalid(string.Create(CultureInfo.InvariantCulture, $"{certificatePath} expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}: renew it"));
        }

        if (now < leaf.NotBefore.ToUniversalTime())
        {
            return Invalid(string.Create(CultureInfo.InvariantCulture, $"{certificatePath} is not valid before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm}Z: check this machine's clock"));
        }

        if (UnfitForServing(leaf) is { } unfit)
        {
            return Invalid($"{certificatePath} {unfit}");
        }

        return new ServerCertificate(leaf, chain);
    }

    /// <summary>
    /// <c>TLS_CERTIFICATE_INVALID</c> when <paramref name="keyPath"/>, a file holding a private key that Kestrel reads itself (a
    /// PKCS#12 file, an encrypted PEM key), may be read or changed by other users, as <see cref="Load"/> refuses a PEM key file;
    /// <c>null</c> otherwise, and when it does not exist (Kestrel then names it).
    /// </summary>
    public static Refusal? RefuseKeyOpenToOthers(string keyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        if (OperatingSystem.IsWindows() || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            return KeyProblem(keyPath, KeyFileAccess.Check(keyPath, out var mode), mode) is { } problem ? Invalid(problem) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // Kestrel, reading it, says why it cannot be read
        }
    }

    /// <summary>
    /// Where (counting from 1) the certificate the key belongs to stands in the file when it is not first (a chain written CA first,
    /// as some authorities send it), else <c>null</c>.
    /// </summary>
    private static int? LeafNotFirst(string certificateText, string keyText)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(certificateText);
        }
        catch (CryptographicException)
        {
            return null;
        }

        try
        {
            for (var i = 1; i < certificates.Count; i++)
            {
                try
                {
                    using var withKey = X509Certificate2.CreateFromPem(certificates[i].ExportCertificatePem(), keyText);
                    return i + 1;
                }
                catch (Exception e) when (e is CryptographicException or ArgumentException)
                {
                    // Not this one's key.
                }
            }

            return null;
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>
    /// Why a private key file is refused, as a signing key file is (<see cref="Signing.SigningKeyFile"/>): another user's (not
    /// root's), or one the group or others may read or change beyond what <see cref="KeyFileAccess"/> allows (the service user's
    /// own at 0600, root's at 0640 for the service user's group). It may already have been copied, and repairing its mode would
    /// hide that. Never on Windows, where files inherit the folder's ACL.
    /// </summary>
    private static string? KeyProblem(string keyPath, KeyFileProblem problem, UnixFileMode mode) => problem switch
    {
        KeyFileProblem.AnotherOwner =>
            $"{keyPath} is a private key another user owns, who may have planted or read it: give the server its own copy "
                + $"(e.g. 'install -m 600 -o USER {ShellWord.Quote(keyPath)} COPY')"
                + (KeyFileAccess.RootMayShareWithPk ? ", or let root own it at 0640 for the server's group" : ""),
        KeyFileProblem.OpenToOthers =>
            $"{keyPath} is a private key other users may read or change (mode {KeyFileAccess.Octal(mode)}; {KeyFileAccess.Rule}): "
                + $"{KeyFileAccess.Fix(keyPath)}, and if others may have copied it, issue a new certificate with a new key",
        _ => null,
    };

    /// <summary>The most a certificate or key file may hold (1 MiB): a chain of certificates is a few kilobytes.</summary>
    public const int MaxPemFileChars = 1024 * 1024;

    /// <summary>
    /// The text of a PEM file, at most <see cref="MaxPemFileChars"/> characters read. A <paramref name="privateKey"/> is opened once and
    /// judged as opened (<see cref="KeyFileAccess.OpenRead"/>): a link swapped between a check of the path and the read slipped through.
    /// </summary>
    private static Outcome<string> ReadPem(string path, bool privateKey = false)
    {
        try
        {
            FileStream? stream;
            if (privateKey)
            {
                if (KeyProblem(path, KeyFileAccess.OpenRead(path, out stream, out var mode), mode) is { } problem)
                {
                    return Invalid(problem);
                }
            }
            else
            {
                stream = RegularFile.OpenRead(path); // --cert naming a FIFO held the server at start
            }

            using var reader = new StreamReader(stream!);
            var buffer = new char[MaxPemFileChars + 1];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            return read > MaxPemFileChars
                ? Invalid($"{path} holds more than 1 MiB, not a PEM certificate or key (those are a few kilobytes): check the path")
                : new string(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Invalid($"{path} cannot be read ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>
    /// For development only: a self-signed ECDSA P-256 certificate for <c>localhost</c>, 127.0.0.1, ::1 and
    /// <paramref name="hosts"/>, valid for <see cref="SelfSignedLifetime"/>. No client trusts it unless pinned.
    /// </summary>
    public static ServerCertificate CreateSelfSigned(IEnumerable<string> hosts, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(time);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(SelfSignedSubject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var host in hosts.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
            {
                names.AddIpAddress(address);
            }
            else if (Uri.CheckHostName(host) == UriHostNameType.Dns && !host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                names.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = time.GetUtcNow();
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + SelfSignedLifetime);
        return new ServerCertificate(certificate, []);
    }

    /// <summary>How long a development certificate is valid (90 days); a fresh one is made when less than a week is left.</summary>
    public static TimeSpan SelfSignedLifetime { get; } = TimeSpan.FromDays(90);

    /// <summary>The subject of the development certificates pk makes: only a certificate with it is ever replaced.</summary>
    public const string SelfSignedSubject = "CN=ProductKeys development (self-signed)";

    /// <summary>
    /// The development certificate kept in <paramref name="folder"/> (<c>cert.pem</c>, <c>key.pem</c> 0600), made
    /// when missing and replaced when within a week of expiry or unusable, so its pin stays the same across restarts.
    /// Only a certificate pk made is replaced: one of the operator's is used while it serves, and then refused, never overwritten.
    /// </summary>
    /// <returns>The certificate with what was done (<see cref="DevelopmentCertificate.Notice"/>), or
    /// <c>TLS_CERTIFICATE_INVALID</c> when the folder holds another certificate or cannot hold it.</returns>
    public static Outcome<DevelopmentCertificate> LoadOrCreateSelfSigned(string folder, IEnumerable<string> hosts, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(time);
        var certificatePath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        string? replaced = null;
        if (File.Exists(certificatePath) || File.Exists(keyPath))
        {
            var existing = File.Exists(keyPath) ? Load(certificatePath, keyPath, time) : Invalid($"{keyPath} is missing");
            if (existing.IsSuccess && existing.Value.Leaf.NotAfter.ToUniversalTime() > time.GetUtcNow().AddDays(7))
            {
                return new DevelopmentCertificate(existing.Value, null);
            }

            if (NotOurs(certificatePath, keyPath) is { } foreign)
            {
                return foreign;
            }

            replaced = existing.IsSuccess
                ? string.Create(CultureInfo.InvariantCulture, $"it expires on {existing.Value.Leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}")
                : existing.Refusal.Detail.Split(": ")[0].TrimEnd('.'); // what is wrong, not the advice for a certificate of one's own
        }

        var oldPin = replaced is null ? null : PinOf(certificatePath);
        var created = CreateSelfSigned(hosts, time);
        try
        {
            CreatePrivateFolder(folder);
            File.WriteAllText(certificatePath, created.Leaf.ExportCertificatePem() + "\n");
            using var key = created.Leaf.GetECDsaPrivateKey()!;
            WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Invalid($"the development certificate cannot be written to {folder} ({e.Message.TrimEnd('.')})");
        }

        var notice = replaced is null
            ? $"made a development certificate in {folder} (none was there): clients need --pin-sha256 {created.Pin}"
            : $"replaced the development certificate in {folder} ({replaced}): clients that pinned {oldPin} need --pin-sha256 {created.Pin} now";
        return new DevelopmentCertificate(created, notice);
    }

    /// <summary>
    /// <c>TLS_CERTIFICATE_INVALID</c> unless <paramref name="certificatePath"/> is a development certificate pk made: a
    /// certificate of the operator's (or one that cannot be read, or a key without its certificate) is never overwritten.
    /// </summary>
    private static Refusal? NotOurs(string certificatePath, string keyPath)
    {
        var keep = $"it is not replaced: give it with --cert {certificatePath} --key {keyPath} instead of --self-signed, or move both files away for a new development certificate";
        if (!File.Exists(certificatePath))
        {
            return Invalid($"{keyPath} is there without {certificatePath}, so it may not be pk's; {keep}");
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            return certificate.Subject == SelfSignedSubject && certificate.Issuer == SelfSignedSubject
                ? null
                : Invalid($"{certificatePath} is not a development certificate pk made ({certificate.Subject}); {keep}");
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Invalid($"{certificatePath} cannot be read as a certificate ({e.Message.TrimEnd('.')}), so it may not be pk's; {keep}");
        }
    }

    /// <summary>The pin of the certificate in <paramref name="certificatePath"/>, read before it is replaced (known to be readable).</summary>
    private static string PinOf(string certificatePath)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        return TlsPin.Of(certificate);
    }

    /// <summary>
    /// Whether the addresses a server listens on fit the certificate it was given: an <c>https://</c> address
    /// needs one (from --cert/--key, or <paramref name="configured"/> in Kestrel's configuration), and a
    /// certificate given with no <c>https://</c> address would be silently unused.
    /// </summary>
    /// <returns><c>TLS_CERTIFICATE_INVALID</c> saying which, or <c>null</c>.</returns>
    public static Refusal? CheckListening(IEnumerable<string> urls, bool hasCertificate, bool configured)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var https = urls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (https is not null && !hasCertificate && !configured)
        {
            return Invalid($"--urls names {https} but no certificate was given: add --cert FILE --key FILE (PEM)");
        }

        return https is null && hasCertificate
            ? Invalid("--cert was given but no --urls address is https://: listen on https://HOST:PORT")
            : null;
    }

    /// <summary>
    /// Why clients would refuse <paramref name="leaf"/> as a server's certificate, found at start instead of at
    /// the first handshake: a CA certificate, an extended key usage without server authentication, a key usage that
    /// allows neither signing nor key encipherment, an RSA key under 2,048 bits.
    /// </summary>
    private static string? UnfitForServing(X509Certificate2 leaf)
    {
        const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
        foreach (var extension in leaf.Extensions)
        {
            if (extension is X509BasicConstraintsExtension { CertificateAuthority: true })
            {
                return "is a CA certificate (basic constraints CA:TRUE), not a server's: clients may refuse it, and its key, which signs "
                    + "certificates, would sit on the server; issue a server certificate under it";
            }

            if (extension is X509EnhancedKeyUsageExtension usages && usages.EnhancedKeyUsages.Count > 0
                && usages.EnhancedKeyUsages.Cast<Oid>().All(o => o.Value != ServerAuthentication))
            {
                return "is not for servers: its extended key usage lacks server authentication (1.3.6.1.5.5.7.3.1); issue one for TLS servers";
            }

            if (extension is X509KeyUsageExtension usage
                && (usage.KeyUsages & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment)) == 0)
            {
                return $"is not for servers: its key usage ({usage.KeyUsages}) allows neither digital signatures nor key encipherment; issue one for TLS servers";
            }
        }

        using var rsa = leaf.GetRSAPublicKey();
        return rsa is { KeySize: < 2048 }
            ? string.Create(CultureInfo.InvariantCulture, $"has a {rsa.KeySize}-bit RSA key: use 2,048 bits or more, or ECDSA P-256")
            : null;
    }

    private static Refusal Invalid(string why) => new(ErrorCatalogue.TlsCertificateInvalid, why + ".");

    private static void CreatePrivateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void WritePrivate(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(path, options)))
        {
            writer.Write(pem);
        }

        if (!OperatingSystem.IsWindows())
        {
            // An existing file keeps its mode on FileMode.Create; a private key is owner-only whatever it was.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
