using ProductKeys.Core.Errors;

namespace ProductKeys.Core.Tests.Errors;

/// <summary>
/// docs/product.md §10 lists every refusal with its HTTP status and exit code: the table must say exactly
/// what the catalogue does, so a new code or a renumbered one cannot leave the documentation behind.
/// </summary>
public sealed class ProductDocErrorTableTests
{
    [Fact]
    public void The_error_table_of_the_product_rules_matches_the_catalogue()
    {
        var documented = ReadTable().Order(StringComparer.Ordinal).ToList();
        var catalogue = ErrorCatalogue.All.Select(e => $"{e.Code} {e.HttpStatus} {e.ExitCode}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(catalogue, documented);
    }

    private static IEnumerable<string> ReadTable()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "product.md"));
        var section = lines.SkipWhile(l => !l.StartsWith("## 10.", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal));
        foreach (var row in section.Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = row.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            yield return $"{cells[0].Trim('`')} {cells[1]} {cells[2]}";
        }
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "docs", "product.md")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No docs/product.md above {AppContext.BaseDirectory}.");
    }
}
