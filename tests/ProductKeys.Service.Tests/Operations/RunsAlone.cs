namespace ProductKeys.Service.Tests.Operations;

/// <summary>
/// Tests that read process-wide counters (the service's meter is static, so every host in the test
/// process adds to it) run alone, after the parallel ones: their before/after differences are then exact.
/// </summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
