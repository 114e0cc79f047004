namespace ProductKeys.Load.Kms;

/// <summary>One server the KMS driver measures: how to start it on a data folder, and whether it activates.</summary>
/// <param name="Name">Its name in the table and in the driver's server filter.</param>
/// <param name="Start">Starts it (given the host's data folder) and returns once it listens.</param>
/// <param name="Activates">A KMS host (answers must say activated) rather than the echo floor.</param>
internal sealed record KmsServerUnderTest(string Name, Func<string, Task<ServerProcess>> Start, bool Activates);
