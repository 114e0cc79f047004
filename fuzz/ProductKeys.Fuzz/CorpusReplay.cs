namespace ProductKeys.Fuzz;

/// <summary>
/// Runs saved inputs through a harness without afl-fuzz: the seed corpus in CI when AFL cannot run,
/// and a crash AFL found, to see its exception and stack.
/// </summary>
internal static class CorpusReplay
{
    public static int Run(string target, Action<byte[]> harness, IEnumerable<string> paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
            .Order(StringComparer.Ordinal).ToList();
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                harness(File.ReadAllBytes(file));
            }
#pragma warning disable CA1031 // Any exception the product lets escape is the finding this reports.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failed++;
                Console.Error.WriteLine($"{target}: {file}: {e}");
            }
        }

        Console.WriteLine($"{target}: replayed {files.Count} inputs, {failed} crashed");
        return files.Count == 0 || failed > 0 ? 1 : 0;
    }
}
