using ProductKeys.Core.Files;

namespace ProductKeys.Core.Tests.Files;

/// <summary>
/// PostgreSQL's rule for a key file (docs/adr/0031-key-file-ownership.md): the service user's own at 0600 or stricter, or root's
/// at 0640 or stricter for a group, as Debian's ssl-cert shares its keys; another owner never. Before, a key root owned for the
/// service user's group was refused, so a system-managed key could not be served without a copy, while another user's key of the
/// right mode was still read as a TLS key.
/// </summary>
public sealed class KeyFileAccessTests
{
    private const uint Root = 0;
    private const uint Service = 998;
    private const uint Stranger = 1000;

    private static UnixFileMode Mode(int octal) => (UnixFileMode)octal;

    [Theory]
    [InlineData(0b110_000_000)] // 0600
    [InlineData(0b100_000_000)] // 0400
    public void The_service_users_own_key_at_0600_or_stricter_is_used(int mode) =>
        Assert.Equal(KeyFileProblem.None, KeyFileAccess.Judge(Service, Service, Mode(mode)));

    [Theory]
    [InlineData(0b110_100_000)] // 0640
    [InlineData(0b110_000_100)] // 0604
    [InlineData(0b110_110_000)] // 0660
    [InlineData(0b110_000_010)] // 0602
    [InlineData(0b111_001_000)] // 0710
    public void The_service_users_own_key_any_other_user_may_reach_is_refused(int mode) =>
        Assert.Equal(KeyFileProblem.OpenToOthers, KeyFileAccess.Judge(Service, Service, Mode(mode)));

    [Theory]
    [InlineData(0b110_100_000)] // 0640
    [InlineData(0b100_100_000)] // 0440
    [InlineData(0b110_000_000)] // 0600 (pk then cannot read it, and says so when it tries)
    public void Roots_key_for_the_service_users_group_is_used(int mode) =>
        Assert.Equal(KeyFileProblem.None, KeyFileAccess.Judge(Root, Service, Mode(mode)));

    [Theory]
    [InlineData(0b110_110_000)] // 0660: the group may change it
    [InlineData(0b110_101_000)] // 0650
    [InlineData(0b110_100_100)] // 0644: everyone may read it
    [InlineData(0b110_000_100)] // 0604
    public void Roots_key_others_or_the_group_may_do_more_than_read_is_refused(int mode) =>
        Assert.Equal(KeyFileProblem.OpenToOthers, KeyFileAccess.Judge(Root, Service, Mode(mode)));

    [Fact]
    public void Running_as_root_a_roots_key_is_pk_own_and_must_be_0600()
    {
        Assert.Equal(KeyFileProblem.None, KeyFileAccess.Judge(Root, Root, Mode(0b110_000_000)));
        Assert.Equal(KeyFileProblem.OpenToOthers, KeyFileAccess.Judge(Root, Root, Mode(0b110_100_000)));
    }

    [Theory]
    [InlineData(0b110_000_000)]
    [InlineData(0b100_000_000)]
    public void Another_users_key_is_refused_whatever_its_mode(int mode)
    {
        Assert.Equal(KeyFileProblem.AnotherOwner, KeyFileAccess.Judge(Stranger, Service, Mode(mode)));
        Assert.Equal(KeyFileProblem.AnotherOwner, KeyFileAccess.Judge(Service, Root, Mode(mode)));
    }

    [Fact]
    public void Where_the_owner_is_not_known_only_the_strict_mode_is_checked()
    {
        Assert.Equal(KeyFileProblem.None, KeyFileAccess.Judge(null, null, Mode(0b110_000_000)));
        Assert.Equal(KeyFileProblem.OpenToOthers, KeyFileAccess.Judge(null, null, Mode(0b110_100_000)));
    }

    [Fact]
    public void A_file_on_disk_is_judged_by_its_real_owner_and_mode()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // ACLs, not modes
        }

        var path = Path.Combine(Directory.CreateTempSubdirectory("pk-key-file-access-").FullName, "key.pem");
        try
        {
            File.WriteAllText(path, "key");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.Equal(KeyFileProblem.None, KeyFileAccess.Check(path, out var mode));
            Assert.Equal("0600", KeyFileAccess.Octal(mode));

            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            Assert.Equal(KeyFileProblem.OpenToOthers, KeyFileAccess.Check(path, out mode));
            Assert.Equal("0604", KeyFileAccess.Octal(mode));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void The_file_opened_is_judged_not_the_link_that_named_it_and_a_refused_one_is_closed()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // ACLs, not modes
        }

        // The check asked the path and a second open read it, so a link swapped in between was read unjudged; now the file is opened
        // once and its own owner and mode judged (a link's own mode is 0777, so judging the link would refuse every linked key).
        var folder = Directory.CreateTempSubdirectory("pk-key-file-open-").FullName;
        try
        {
            var key = Path.Combine(folder, "key.pem");
            var link = Path.Combine(folder, "link.pem");
            File.WriteAllText(key, "key");
            File.CreateSymbolicLink(link, key);
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            Assert.Equal(KeyFileProblem.None, KeyFileAccess.OpenRead(link, out var stream, out var mode));
            using (var reader = new StreamReader(stream!))
            {
                Assert.Equal("key", reader.ReadToEnd());
            }

            Assert.Equal("0600", KeyFileAccess.Octal(mode));

            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            Assert.Equal(KeyFileProblem.OpenToOthers, KeyFileAccess.OpenRead(link, out stream, out mode));
            Assert.Null(stream);
            Assert.Equal("0660", KeyFileAccess.Octal(mode));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
