using ProductKeys.Testing;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary><c>pk-cal-server</c> copied without <c>libe_sqlite3.so</c>: a stable code naming the file and where it belongs.</summary>
public sealed class NativeCalServerLibraryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pk-cal-native-lib-").FullName;

    [Fact]
    public Task The_native_CAL_server_without_its_sqlite_library_names_the_file_and_where_it_belongs() =>
        NativeServerAlone.AssertRefusedWithoutItsSqliteLibraryAsync(NativeCalServer.Path, _root, "scripts/publish-cal-server.sh");

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
