using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ProductKeys.Core.Contracts;

namespace ProductKeys.Load.Kms;

/// <summary>
/// The bytes of one client's <c>POST /kms/v1/activate</c>, rewritten in place for each request with
/// a new random CMID and the current clock. The body is what <see cref="KmsActivationRequest"/>
/// serializes to (web defaults); CMID and time have fixed widths, so Content-Length never changes.
/// </summary>
internal sealed class KmsRequestBytes
{
    private const string CmidPlaceholder = "00000000000000000000000000000000";
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz";

    private readonly byte[] _bytes;
    private readonly int _cmidAt;
    private readonly int _timeAt;
    private readonly byte[] _random = new byte[16];

    public KmsRequestBytes(Uri address, string product, string hardware)
    {
        var placeholderTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var body = JsonSerializer.Serialize(
            new KmsActivationRequest(CmidPlaceholder, product, "InitialGrace", hardware, placeholderTime), JsonSerializerOptions.Web);
        var time = placeholderTime.ToString(TimeFormat, CultureInfo.InvariantCulture);
        // The serializer writes the time in its own round-trip form; use the fixed-width one instead.
        body = body.Replace(JsonSerializer.Serialize(placeholderTime, JsonSerializerOptions.Web), $"\"{time}\"", StringComparison.Ordinal);
        var head = KeepAliveConnection.JsonPostHead(address, "/kms/v1/activate", Encoding.UTF8.GetByteCount(body));
        var text = head + body;
        _bytes = Encoding.UTF8.GetBytes(text);
        _cmidAt = Encoding.UTF8.GetByteCount(text[..text.IndexOf(CmidPlaceholder, StringComparison.Ordinal)]);
        _timeAt = Encoding.UTF8.GetByteCount(text[..text.IndexOf(time, StringComparison.Ordinal)]);
    }

    /// <summary>The request for a new client at <paramref name="now"/> (valid until the next call).</summary>
    public ReadOnlySpan<byte> Next(DateTimeOffset now)
    {
        RandomNumberGenerator.Fill(_random);
        Convert.TryToHexStringLower(_random, _bytes.AsSpan(_cmidAt, CmidPlaceholder.Length), out _);
        now.ToUniversalTime().TryFormat(_bytes.AsSpan(_timeAt), out _, TimeFormat, CultureInfo.InvariantCulture);
        return _bytes;
    }
}
