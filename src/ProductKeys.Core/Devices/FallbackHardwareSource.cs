using System.Runtime.InteropServices;
using System.Security;
using Microsoft.Win32;

namespace ProductKeys.Core.Devices;

/// <summary>
/// The cheap source for Windows, macOS and anything that is not Linux: the machine id is Windows'
/// MachineGuid when the registry has one, else the machine name; the CPU is the processor
/// identifier (Windows) or architecture, plus the processor count. Weak by design: operators
/// who need more supply <c>--device-id</c>. <see cref="Read"/> never throws.
/// </summary>
public sealed class FallbackHardwareSource : IHardwareSource
{
    /// <inheritdoc />
    public HardwareComponents Read() => new()
    {
        MachineId = Guard(ReadMachineGuid) ?? Guard(() => "name:" + Environment.MachineName),
        Cpu = Guard(ReadCpu),
    };

    private static string? ReadMachineGuid() =>
        OperatingSystem.IsWindows()
            ? Registry.GetValue(@"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Cryptography", "MachineGuid", null) as string
            : null;

    private static string ReadCpu()
    {
        var model = Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER");
        return $"{(string.IsNullOrWhiteSpace(model) ? RuntimeInformation.OSArchitecture.ToString() : model)}|{Environment.ProcessorCount}";
    }

    private static string? Guard(Func<string?> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SecurityException
                                      or InvalidOperationException or PlatformNotSupportedException)
        {
            return null;
        }
    }
}
