using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using ProductKeys.Core.Signing;

namespace ProductKeys.Benchmarks;

/// <summary>
/// Artifact sign and verify next to the floor in the same run: one raw ECDSA P-256 sign and verify
/// over the same number of bytes. The difference is the codec's framing and parsing.
/// </summary>
[MemoryDiagnoser]
public class SignedArtifactBenchmarks : IDisposable
{
    private readonly ECDsa _raw = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private SigningKey _key = null!;
    private ArtifactSigner _signer = null!;
    private ArtifactVerifier _verifier = null!;
    private KeyValuePair<string, string>[] _fields = [];
    private string _text = "";
    private byte[] _payload = [];
    private byte[] _rawSignature = [];

    [GlobalSetup]
    public void Setup()
    {
        _key = SigningKey.Generate();
        _signer = new ArtifactSigner(_key, TimeProvider.System);
        _verifier = new ArtifactVerifier(new TrustedKeySet(_key.PublicKey), TimeProvider.System);
        _fields =
        [
            new("activationId", "0d6f2f0e-3f1c-4f43-9a55-6c3f8f2f9c11"),
            new("product", "contoso-desktop"),
            new("keyId", "1234"),
            new("partialKey", "3XTY9"),
        ];
        var artifact = _signer.Sign(ArtifactPurpose.ActivationCertificate, _fields, boundTo: "hw1.AQEB13bnJLIdIGoEAXKpuM5ZRUdQBQFK3tSv5f3WtgYBqoXzMEZ1zsc");
        _text = artifact.ToText();
        _payload = artifact.Bytes[..^64].ToArray();
        _rawSignature = _raw.SignData(_payload, HashAlgorithmName.SHA256);
    }

    [Benchmark(Baseline = true, Description = "floor: raw ECDSA P-256 sign")]
    public byte[] RawSign() => _raw.SignData(_payload, HashAlgorithmName.SHA256);

    [Benchmark(Description = "floor: raw ECDSA P-256 verify")]
    public bool RawVerify() => _raw.VerifyData(_payload, _rawSignature, HashAlgorithmName.SHA256);

    [Benchmark(Description = "artifact sign (activation certificate)")]
    public string Sign() => _signer.Sign(ArtifactPurpose.ActivationCertificate, _fields, boundTo: "hw1.AQEB13bnJLIdIGoEAXKpuM5ZRUdQBQFK3tSv5f3WtgYBqoXzMEZ1zsc").ToText();

    [Benchmark(Description = "artifact verify (text in, fields out)")]
    public bool Verify() => _verifier.Verify(_text, ArtifactPurpose.ActivationCertificate).IsSuccess;

    public void Dispose()
    {
        _raw.Dispose();
        _key?.Dispose();
        GC.SuppressFinalize(this);
    }
}
