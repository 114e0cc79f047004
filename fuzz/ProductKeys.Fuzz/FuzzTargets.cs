using ProductKeys.Fuzz.Harnesses;

namespace ProductKeys.Fuzz;

/// <summary>The harnesses by the name scripts/fuzz.sh and the corpus folders (fuzz/corpus/NAME) use.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["key-parser"] = KeyParserHarness.Run,
        ["artifact"] = ArtifactHarness.Run,
        ["offline-file"] = OfflineFileHarness.Run,
        ["license-store"] = LicenseStoreHarness.Run,
        ["kms-request"] = KmsRequestHarness.Run,
    };
}
