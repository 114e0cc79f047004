namespace ProductKeys.Core.Devices;

/// <summary>
/// Reads the hardware components of the device this process runs on. The seam that lets tests
/// supply fixed components; implementations never throw (an unreadable source is skipped).
/// </summary>
public interface IHardwareSource
{
    /// <summary>Reads every component that can be read; never throws.</summary>
    HardwareComponents Read();
}
