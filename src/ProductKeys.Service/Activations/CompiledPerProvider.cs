using System.Collections.Concurrent;
using ProductKeys.Data;

namespace ProductKeys.Service.Activations;

/// <summary>
/// A compiled EF query binds to the provider of the first context it runs on; one process can hold
/// both providers (the tests do), so hot queries are compiled once per context type.
/// </summary>
internal sealed class CompiledPerProvider<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConcurrentDictionary<Type, TQuery> _queries = new();

    public TQuery For(LicensingDbContext db) => _queries.GetOrAdd(db.GetType(), _ => compile());
}
