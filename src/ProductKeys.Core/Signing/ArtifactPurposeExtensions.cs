namespace ProductKeys.Core.Signing;

/// <summary>The wire names of <see cref="ArtifactPurpose"/> values.</summary>
public static class ArtifactPurposeExtensions
{
    private static readonly string[] WireNames =
    [
        "",
        "pk/activation-certificate/v1",
        "pk/kms-host-certificate/v1",
        "pk/kms-client-certificate/v1",
        "pk/cal-pack/v1",
        "pk/offline-response/v1",
        "pk/usage-report/v1",
        "pk/device-cal/v1",
        "pk/publisher-key-list/v1",
    ];

    /// <summary>The purpose string written in the signed bytes, e.g. <c>pk/cal-pack/v1</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined purpose.</exception>
    public static string WireName(this ArtifactPurpose purpose)
    {
        var index = (int)purpose;
        if (index <= 0 || index >= WireNames.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Not a defined artifact purpose.");
        }

        return WireNames[index];
    }

    /// <summary>Finds the purpose whose wire name is exactly <paramref name="wireName"/> (ordinal).</summary>
    public static bool TryParseWireName(string? wireName, out ArtifactPurpose purpose)
    {
        for (var i = 1; i < WireNames.Length; i++)
        {
            if (string.Equals(WireNames[i], wireName, StringComparison.Ordinal))
            {
                purpose = (ArtifactPurpose)i;
                return true;
            }
        }

        purpose = default;
        return false;
    }
}
