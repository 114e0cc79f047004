using System.Text;
using System.Text.Json;
using ProductKeys.Core.Contracts;

namespace ProductKeys.Load.Cal;

/// <summary>
/// The bytes of one client's <c>POST /api/v1/cals</c>, rewritten in place for each request with a new
/// user or device name (<c>PREFIX-</c> and a fixed-width number), so Content-Length never changes.
/// The body is what <see cref="CalRequest"/> serializes to (web defaults).
/// </summary>
internal sealed class CalRequestBytes
{
    private const string NumberFormat = "D9";
    private const string NumberPlaceholder = "000000000";

    private readonly byte[] _bytes;
    private readonly int _nameAt;
    private readonly int _numberAt;

    /// <param name="address">The server (for the Host header).</param>
    /// <param name="perDevice">A per-device request (<c>device</c>) rather than a per-user one (<c>user</c>).</param>
    /// <param name="prefix">The names' common start, e.g. <c>user</c> or <c>racer</c>.</param>
    public CalRequestBytes(Uri address, bool perDevice, string prefix)
    {
        var name = $"{prefix}-{NumberPlaceholder}";
        var request = perDevice ? new CalRequest("PerDevice", Device: name) : new CalRequest("PerUser", User: name);
        var body = JsonSerializer.Serialize(request, JsonSerializerOptions.Web);
        var head = KeepAliveConnection.JsonPostHead(address, "/api/v1/cals", Encoding.UTF8.GetByteCount(body));
        var text = head + body;
        _bytes = Encoding.UTF8.GetBytes(text);
        _nameAt = Encoding.UTF8.GetByteCount(text[..text.IndexOf(name, StringComparison.Ordinal)]);
        _numberAt = _nameAt + Encoding.UTF8.GetByteCount(prefix) + 1;
    }

    /// <summary>The request for the name numbered <paramref name="number"/> (valid until the next call).</summary>
    public ReadOnlySpan<byte> For(int number)
    {
        number.TryFormat(_bytes.AsSpan(_numberAt, NumberPlaceholder.Length), out _, NumberFormat, provider: null);
        return _bytes;
    }

    /// <summary>The name in the request <see cref="For"/> made last (an answer must carry it).</summary>
    public ReadOnlySpan<byte> Name => _bytes.AsSpan(_nameAt, _numberAt + NumberPlaceholder.Length - _nameAt);
}
