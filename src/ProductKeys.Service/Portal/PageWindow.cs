namespace ProductKeys.Service.Portal;

/// <summary>
/// Which page of a long list a portal page shows: <see cref="Size"/> items a page, numbered from 1. A number
/// out of range (0, negative, past the end) shows the nearest page, so a stale link still lands somewhere.
/// </summary>
internal sealed record PageWindow(int Number, int Count, int Size, int Total)
{
    public static PageWindow For(int total, int size, int requested)
    {
        var count = Math.Max(1, (total + size - 1) / size);
        return new PageWindow(Math.Clamp(requested, 1, count), count, size, total);
    }

    /// <summary>Items before this page.</summary>
    public int Skip => (Number - 1) * Size;

    /// <summary>Items on this page.</summary>
    public int Shown => Math.Clamp(Total - Skip, 0, Size);

    /// <summary>Positions (from 1) of the first and last item shown; 0 when there is none.</summary>
    public int First => Shown == 0 ? 0 : Skip + 1;

    public int Last => Skip + Shown;

    /// <summary>"Devices 101–200 of 350", "3 device(s)", "0 devices": what the page's status line says.</summary>
    public string Describe(string plural, string singular) =>
        Total == 0 ? $"0 {plural}" : Count == 1 ? $"{Total} {singular}(s)" : $"{char.ToUpperInvariant(plural[0])}{plural[1..]} {First}–{Last} of {Total}";
}

/// <summary>What the shared pager partial needs: the window, what the list is called, and a page's address.</summary>
internal sealed record PagerLinks(PageWindow Window, string Label, Func<int, string> Link);
