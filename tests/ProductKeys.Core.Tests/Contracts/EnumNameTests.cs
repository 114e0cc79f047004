using ProductKeys.Core.Cal;
using ProductKeys.Core.Contracts;
using ProductKeys.Core.Keys;

namespace ProductKeys.Core.Tests.Contracts;

public sealed class EnumNameTests
{
    [Theory]
    [InlineData("Mak", false, KeyType.Mak)]
    [InlineData("mak", true, KeyType.Mak)]
    [InlineData("KmsClientSetup", false, KeyType.KmsClientSetup)]
    public void Reads_one_name(string text, bool ignoreCase, KeyType expected)
    {
        Assert.True(EnumName.TryParse<KeyType>(text, ignoreCase, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("mak", false)]
    [InlineData("1", true)]
    [InlineData("-1", true)]
    [InlineData("Mak,KmsHost", true)]
    [InlineData("Setup, Mak", true)]
    [InlineData(" Mak", true)]
    [InlineData("Mak ", true)]
    [InlineData("", true)]
    [InlineData(null, true)]
    public void Refuses_anything_but_one_name(string? text, bool ignoreCase)
    {
        Assert.False(EnumName.TryParse<KeyType>(text, ignoreCase, out _));
    }

    [Fact]
    public void A_comma_list_that_adds_up_to_a_name_is_still_refused()
    {
        // Enum.TryParse reads "PerUser,PerDevice" as 1 | 2 = 3, and "Setup,KmsHost" as KmsHost.
        Assert.True(Enum.TryParse<KeyType>("Setup,KmsHost", out var loose) && Enum.IsDefined(loose));
        Assert.False(EnumName.TryParse<KeyType>("Setup,KmsHost", ignoreCase: false, out _));
        Assert.False(EnumName.TryParse<CalMode>("PerUser,PerDevice", ignoreCase: false, out _));
    }
}
