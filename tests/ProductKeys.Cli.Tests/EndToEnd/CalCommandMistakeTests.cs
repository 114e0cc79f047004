using System.Net;
using System.Text;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Tests.EndToEnd;

/// <summary>
/// The real <c>pk</c>: <c>pk cal request</c> believes only the CAL it asked for (a stand-in CAL server on 127.0.0.1 answers what a
/// broken or hostile one would), and <c>pk cal-server</c> refuses output paths it cannot write before making anything.
/// </summary>
public sealed class CalCommandMistakeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pk-cal-mistakes-").FullName;

    [Theory]
    [InlineData("--device", "pc-1", "application/json", "{}")]
    [InlineData("--device", "pc-1", "application/json",
        """{"mode":"PerDevice","device":"pc-2","kind":"Permanent","calId":"1","expires":"2999-01-01T00:00:00Z","serverId":"cals-x","cal":"not-a-cal","packCertificate":"x"}""")]
    [InlineData("--user", "alice", "application/json", """{"mode":"PerUser","user":"bob","pool":"Installed","expires":"2999-01-01T00:00:00Z","serverId":"cals-x"}""")]
    [InlineData("--user", "alice", "application/json; charset=foo", """{"mode":"PerUser","user":"bob"}""")]
    public async Task An_answer_that_is_not_the_CAL_asked_for_is_refused_with_a_code(string option, string name, string contentType, string body)
    {
        using var server = new HttpListener();
        var port = PkServerProcess.FreePort();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var answering = Task.Run(async () =>
        {
            var context = await server.GetContextAsync();
            context.Response.Headers["Content-Type"] = contentType;
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes, TestContext.Current.CancellationToken);
            context.Response.Close();
        }, TestContext.Current.CancellationToken);

        var result = await Pk.RunAsync("cal", "request", "--cal-server", $"http://127.0.0.1:{port}", option, name);
        await answering;
        Assert.True(result.ExitCode == ErrorCatalogue.ServiceUnreachable.ExitCode, result.ToString());
        Assert.StartsWith("SERVICE_UNREACHABLE: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--cal-server", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("holds", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_not_a_CAL_server_is_named_not_NOT_FOUND()
    {
        // The licensing service's or a KMS host's port given as --cal-server (a new administrator's walkthrough): they answer
        // 404 NOT_FOUND, which said only "check the name, id or path".
        using var server = new HttpListener();
        var port = PkServerProcess.FreePort();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var answering = Task.Run(async () =>
        {
            var context = await server.GetContextAsync();
            context.Response.StatusCode = 404;
            context.Response.Headers["Content-Type"] = "application/problem+json";
            var bytes = """{"title":"Not Found","status":404,"code":"NOT_FOUND"}"""u8.ToArray();
            await context.Response.OutputStream.WriteAsync(bytes, TestContext.Current.CancellationToken);
            context.Response.Close();
        }, TestContext.Current.CancellationToken);

        var result = await Pk.RunAsync("cal", "request", "--cal-server", $"http://127.0.0.1:{port}", "--user", "alice");
        await answering;
        Assert.True(result.ExitCode == ErrorCatalogue.ServiceUnreachable.ExitCode, result.ToString());
        Assert.StartsWith($"SERVICE_UNREACHABLE: http://127.0.0.1:{port} answered 404 Not Found to POST /api/v1/cals: what listens there is not a CAL server", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--cal-server", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_does_not_exist_is_named()
    {
        var store = Path.Combine(_folder, "no-such-store");
        var result = await Pk.RunAsync("cal", "request", "--cal-server", "http://127.0.0.1:9", "--store", store);
        Assert.True(result.ExitCode == ErrorCatalogue.StoreInvalid.ExitCode, result.ToString());
        Assert.Contains(store, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing-folder")]
    [InlineData("a-folder")]
    public async Task Output_paths_that_cannot_be_written_are_VALIDATION_FAILED_and_make_nothing(string kind)
    {
        var target = kind == "a-folder" ? Directory.CreateDirectory(Path.Combine(_folder, "a-folder")).FullName : Path.Combine(_folder, "no", "such", "r.json");
        var data = Path.Combine(_folder, "data");
        var request = await Pk.RunAsync("cal-server", "install-pack", "--data", data, "--key", "BCDFG-HJKMP-QRTVW-XY234-6789B", "--offline-request", target);
        var report = await Pk.RunAsync("cal-server", "report", "--data", data, "--signed", "--out", target);
        foreach (var result in new[] { request, report })
        {
            Assert.True(result.ExitCode == ErrorCatalogue.ValidationFailed.ExitCode, result.ToString());
            Assert.StartsWith("VALIDATION_FAILED: ", result.Stderr, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(data), "the data folder (key, ID) was made for a request that could not be written");
    }

    [Theory]
    [InlineData("typo")]
    [InlineData("empty")]
    public async Task A_report_of_a_folder_that_holds_no_CAL_server_names_it_and_makes_nothing(string kind)
    {
        var data = Path.Combine(_folder, kind);
        if (kind == "empty")
        {
            Directory.CreateDirectory(data);
        }

        var report = await Pk.RunAsync("cal-server", "report", "--data", data);

        Assert.True(report.ExitCode == ErrorCatalogue.StoreInvalid.ExitCode, report.ToString());
        Assert.StartsWith($"STORE_INVALID: {data} ", report.Stderr, StringComparison.Ordinal);
        Assert.Contains("'pk cal-server install-pack --data DIR'", report.Stderr, StringComparison.Ordinal);
        Assert.Equal(kind == "empty", Directory.Exists(data));
        Assert.False(kind == "empty" && Directory.EnumerateFileSystemEntries(data).Any(), "the report made files in a folder it only reads");
    }

    [Fact]
    public async Task Serving_a_folder_without_a_pack_says_every_request_will_be_refused_and_to_check_data()
    {
        // A typo in --data makes a new, empty CAL server that answers CAL_PACK_NOT_INSTALLED to everyone, silently before.
        var data = Path.Combine(_folder, "typo-serve");

        await using var server = await ServerProcess.StartAsync("no CAL pack counts in", "cal-server", "serve", "--data", data, "--urls", $"http://127.0.0.1:{PkServerProcess.FreePort()}");

        var line = await server.WaitForLineAsync("no CAL pack counts in");
        Assert.Contains(data, line, StringComparison.Ordinal);
        Assert.Contains("CAL_PACK_NOT_INSTALLED", line, StringComparison.Ordinal);
        Assert.Contains("check --data", line, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
