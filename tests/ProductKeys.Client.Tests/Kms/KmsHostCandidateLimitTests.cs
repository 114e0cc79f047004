using ProductKeys.Client.Kms;
using ProductKeys.Core.Errors;

namespace ProductKeys.Client.Tests.Kms;

/// <summary>DNS on the device's network names the KMS hosts; whoever answers it must not keep a device busy for hours.</summary>
public sealed class KmsHostCandidateLimitTests
{
    [Fact]
    public void Five_hundred_SRV_records_of_hosts_that_never_answer_are_not_all_tried_in_one_attempt()
    {
        // Each host that never answers costs the client's whole timeout (30 s): 500 of them held 'pk ato', and the
        // product's renewal loop, for over four hours.
        using var world = new KmsWorld();
        world.SrvRecords = [.. Enumerable.Range(1, 500).Select(i => new SrvTarget($"kms{i}.corp.test", 16880, 0, 1))];
        world.Respond = (host, _) => new Refusal(ErrorCatalogue.KmsUnreachable, $"KMS host {host}: no answer in time.");

        var result = world.Activate();

        Assert.Equal("KMS_UNREACHABLE", result.Refusal?.Code);
        Assert.Equal(10, world.Asked.Count);
    }
}
