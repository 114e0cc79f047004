namespace ProductKeys.Service.Portal;

/// <summary>
/// One page of a long list, the newest first (then by id). SQLite cannot order by a DateTimeOffset in SQL, so a page reads
/// only the ids and times of the list to order them here, then the page's rows whole, put back in that order.
/// </summary>
internal static class NewestFirst
{
    /// <summary>The ids of the rows from position <paramref name="skip"/>, at most <paramref name="take"/>.</summary>
    public static List<Guid> Ids(IEnumerable<(Guid Id, DateTimeOffset At)> timed, int skip, int take) =>
        timed.OrderByDescending(t => t.At).ThenByDescending(t => t.Id).Skip(skip).Take(take).Select(t => t.Id).ToList();

    /// <summary>The rows read for <paramref name="ids"/>, in their order; one deleted meanwhile is left out.</summary>
    public static List<T> InOrder<T>(List<Guid> ids, Dictionary<Guid, T> rows) => ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList();
}
