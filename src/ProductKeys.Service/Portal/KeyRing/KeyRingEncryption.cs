using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Portal.KeyRing;

/// <summary>
/// Encrypts the secret part of each Data Protection key before it goes to the database, and decrypts it when the
/// ring is read: AES-256-GCM under <see cref="KeySecrets.PortalKeyRingKey"/>, so a reader of the database (or of a
/// backup) without the secrets folder cannot forge the portal's antiforgery tokens (docs/adr/0022-portal.md).
/// Stored as <c>&lt;pkPortalKeyRing version="1"&gt;base64(nonce ‖ ciphertext ‖ tag)&lt;/pkPortalKeyRing&gt;</c>.
/// </summary>
internal sealed class KeyRingEncryption : IXmlEncryptor, IXmlDecryptor
{
    internal const string ElementName = "pkPortalKeyRing";
    private const int Version = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private static readonly byte[] AssociatedData = "pk-portal-key-ring-v1"u8.ToArray();

    private readonly byte[] _key;

    /// <summary>Data Protection creates the decryptor by this constructor, from the type name stored with each key.</summary>
    public KeyRingEncryption(IServiceProvider services)
        : this(services.GetRequiredService<KeySecrets>().PortalKeyRingKey())
    {
    }

    internal KeyRingEncryption(byte[] key) => _key = key;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceLength + plaintext.Length + TagLength];
        var nonce = sealedBytes.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(_key, TagLength))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceLength, plaintext.Length), sealedBytes.AsSpan(NonceLength + plaintext.Length), AssociatedData);
        }

        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(ElementName, new XAttribute("version", Version), Convert.ToBase64String(sealedBytes));
        return new EncryptedXmlInfo(element, typeof(KeyRingEncryption));
    }

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        if (encryptedElement.Name != ElementName || (string?)encryptedElement.Attribute("version") != "1")
        {
            throw new CryptographicException($"A portal key-ring entry is not a version {Version} {ElementName} element.");
        }

        var sealedBytes = Convert.FromBase64String(encryptedElement.Value);
        if (sealedBytes.Length < NonceLength + TagLength)
        {
            throw new CryptographicException("A portal key-ring entry is too short to hold a key.");
        }

        var plaintext = new byte[sealedBytes.Length - NonceLength - TagLength];
        try
        {
            using var aes = new AesGcm(_key, TagLength);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceLength), sealedBytes.AsSpan(NonceLength, plaintext.Length), sealedBytes.AsSpan(NonceLength + plaintext.Length), plaintext, AssociatedData);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException(
                "A portal key-ring entry was encrypted under another secrets folder's key-groups.key: this node cannot use it, and makes a new key.", e);
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
