using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using ProductKeys.Core.Errors;
using ProductKeys.Core.Files;
using ProductKeys.Core.Tls;

namespace ProductKeys.Core.Tests.Files;

/// <summary>
/// An input file is opened in a way that cannot block and its type is that of what was opened: the type was asked of the path first,
/// then the path opened, so a FIFO put in the file's place in between (or a path no check was made for) held pk forever.
/// </summary>
public sealed class RegularFileTests : IDisposable
{
    /// <summary>Only a safety bound for a call that must return at once: a blocked open would never return at all.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly string _folder = Directory.CreateTempSubdirectory("pk-regular-file-").FullName;

    [Fact]
    public async Task Opening_a_FIFO_without_a_writer_returns_at_once_refused_as_no_regular_file()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no FIFOs
        }

        var fifo = await FifoAsync("pipe");

        var opened = await ReturnsOrReleasedAsync(fifo, () => RegularFile.OpenRead(fifo));

        var refused = await Assert.ThrowsAsync<IOException>(() => opened);
        Assert.Contains($"{fifo} is not a regular file but a device, a pipe or a socket", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_FIFO_given_as_the_TLS_certificate_is_TLS_CERTIFICATE_INVALID_not_a_server_that_never_starts()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no FIFOs
        }

        // No check was made before this open: 'pk server --cert FIFO' waited at start for a writer, saying nothing (failed before: blocked).
        var fifo = await FifoAsync("cert.pem");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyFile = Path.Combine(_folder, "key.pem");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var loaded = await ReturnsOrReleasedAsync(fifo, () => ServerCertificate.Load(fifo, keyFile, new FakeTimeProvider()));

        var refusal = (await loaded).Refusal;
        Assert.Equal(ErrorCatalogue.TlsCertificateInvalid, refusal?.Error);
        Assert.Contains($"{fifo} cannot be read ({fifo} is not a regular file", refusal!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_and_a_link_to_one_are_read_a_folder_and_a_missing_file_are_refused()
    {
        var file = Path.Combine(_folder, "keys.pem");
        File.WriteAllText(file, "\uFEFFtext");
        var link = Path.Combine(_folder, "link.pem");
        File.CreateSymbolicLink(link, file);

        Assert.Equal("text", RegularFile.ReadAllText(file));
        Assert.Equal("text", RegularFile.ReadAllText(link));
        Assert.Contains("is a folder", Assert.Throws<IOException>(() => RegularFile.OpenRead(_folder)).Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => RegularFile.OpenRead(Path.Combine(_folder, "none.pem")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<string> FifoAsync(string name)
    {
        var fifo = Path.Combine(_folder, name);
        using var mkfifo = Process.Start("mkfifo", [fifo]);
        await mkfifo.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, mkfifo.ExitCode);
        return fifo;
    }

    /// <summary>
    /// <paramref name="call"/>, run on a thread of its own, once it has returned or thrown. Should it still be blocked after <see cref="Bound"/>,
    /// the FIFO is opened for writing to release it, and the test fails.
    /// </summary>
    private static async Task<Task<T>> ReturnsOrReleasedAsync<T>(string fifo, Func<T> call)
    {
        var running = Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var finished = await Task.WhenAny(running, Task.Delay(Bound, TestContext.Current.CancellationToken));
        if (finished != running)
        {
            await using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
            }

            Assert.Fail($"Opening {fifo} blocked for {Bound.TotalSeconds:0} s, waiting for a writer.");
        }

        await Task.WhenAny(running);
        return running;
    }
}
