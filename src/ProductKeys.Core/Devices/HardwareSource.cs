namespace ProductKeys.Core.Devices;

/// <summary>Picks the <see cref="IHardwareSource"/> for the operating system this process runs on.</summary>
public static class HardwareSource
{
    /// <summary>
    /// <see cref="LinuxHardwareSource"/> on Linux; elsewhere the cheap <see cref="FallbackHardwareSource"/>.
    /// </summary>
    public static IHardwareSource ForCurrentPlatform() =>
        OperatingSystem.IsLinux() ? new LinuxHardwareSource() : new FallbackHardwareSource();
}
