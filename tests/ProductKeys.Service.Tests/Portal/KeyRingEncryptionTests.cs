using System.Security.Cryptography;
using System.Xml.Linq;
using ProductKeys.Service.Portal.KeyRing;
using ProductKeys.Service.Secrets;

namespace ProductKeys.Service.Tests.Portal;

/// <summary>The key ring's secrets are sealed under the secrets folder: only the same key-groups.key opens them.</summary>
public sealed class KeyRingEncryptionTests
{
    private static readonly XElement Secret = XElement.Parse("<masterKey><value>c2VjcmV0IGtleSBtYXRlcmlhbA==</value></masterKey>");
    private static readonly byte[] Master = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] OtherMaster = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void A_sealed_key_opens_with_the_same_secrets_and_shows_nothing_of_its_value()
    {
        var encryption = new KeyRingEncryption(KeySecrets.FromMaster(Master).PortalKeyRingKey());
        var sealedKey = encryption.Encrypt(Secret);
        Assert.Equal(typeof(KeyRingEncryption), sealedKey.DecryptorType);
        Assert.DoesNotContain("c2VjcmV0", sealedKey.EncryptedElement.ToString(), StringComparison.Ordinal);
        Assert.Equal(Secret.ToString(), encryption.Decrypt(sealedKey.EncryptedElement).ToString());
    }

    [Fact]
    public void Another_secrets_folder_cannot_open_it()
    {
        var sealedKey = new KeyRingEncryption(KeySecrets.FromMaster(Master).PortalKeyRingKey()).Encrypt(Secret).EncryptedElement;
        var other = new KeyRingEncryption(KeySecrets.FromMaster(OtherMaster).PortalKeyRingKey());
        Assert.Throws<CryptographicException>(() => other.Decrypt(sealedKey));
    }

    [Fact]
    public void A_changed_byte_is_detected()
    {
        var encryption = new KeyRingEncryption(KeySecrets.FromMaster(Master).PortalKeyRingKey());
        var sealedKey = encryption.Encrypt(Secret).EncryptedElement;
        var bytes = Convert.FromBase64String(sealedKey.Value);
        bytes[^20] ^= 1;
        sealedKey.Value = Convert.ToBase64String(bytes);
        Assert.Throws<CryptographicException>(() => encryption.Decrypt(sealedKey));
    }

    [Fact]
    public void The_key_is_derived_under_its_own_purpose_from_version_1()
    {
        var expected = HMACSHA256.HashData(Master, "pk-portal-key-ring-v1"u8);
        Assert.Equal(expected, KeySecrets.FromMaster(Master, OtherMaster).PortalKeyRingKey());
        Assert.NotEqual(KeySecrets.FromMaster(Master).Fingerprint(), Convert.ToHexStringLower(expected));
    }
}
