using ProductKeys.Fuzz;
using SharpFuzz;

// ProductKeys.Fuzz TARGET                 under afl-fuzz: SharpFuzz's fork server feeds each input (docs/adr/0026-fuzzing.md)
// ProductKeys.Fuzz TARGET --replay PATH…  runs every file (or every file in a folder) through the harness once
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var harness))
{
    Console.Error.WriteLine($"usage: ProductKeys.Fuzz TARGET [--replay PATH...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

if (args.Length > 1 && args[1] == "--replay")
{
    return CorpusReplay.Run(args[0], harness, args[2..]);
}

// Out of process: a stack overflow or a hang in the harness is a finding, not the end of the campaign.
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    harness(buffer.ToArray());
});
return 0;
