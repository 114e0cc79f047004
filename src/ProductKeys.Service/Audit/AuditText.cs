namespace ProductKeys.Service.Audit;

/// <summary>How audit details name keys: by their last five characters, at most 1000 of them.</summary>
internal static class AuditText
{
    public const int MaxPartials = 1000;

    public static string Partials(IReadOnlyCollection<string> partials, long total) =>
        total <= partials.Count
            ? string.Join(' ', partials)
            : string.Join(' ', partials) + $" (+{total - partials.Count} more)";
}
