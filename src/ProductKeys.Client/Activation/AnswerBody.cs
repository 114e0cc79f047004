namespace ProductKeys.Client.Activation;

/// <summary>
/// Reads a server's answer (the licensing service, a KMS host) without holding more than
/// <see cref="MaxBytes"/> of it: a host of anyone's choosing (a rogue KMS host found through DNS, a
/// proxy's error page) must not make a device buffer hundreds of megabytes. The largest legitimate
/// answer, a KMS activation with its certificates and publisher key lists, is a few kilobytes.
/// Callers send with <see cref="HttpCompletionOption.ResponseHeadersRead"/>, so nothing is buffered
/// before this limit applies, and bound the whole exchange with <see cref="Deadline"/>.
/// </summary>
internal static class AnswerBody
{
    /// <summary>The most a device reads of one answer: 1 MiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>How the limit reads in messages.</summary>
    public const string MaxText = "1 MiB";

    /// <summary>The body, or <c>null</c> when it is (or says it is) longer than <see cref="MaxBytes"/>; reading stops there.</summary>
    /// <exception cref="FormatException">The answer names a character set other than UTF-8, the only one JSON has (RFC 8259).</exception>
    public static async Task<byte[]?> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentType?.CharSet is { Length: > 0 } charset
            && !charset.Trim('"').Replace("-", "", StringComparison.Ordinal).Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"the answer's character set '{charset}' is not UTF-8");
        }

        if (content.Headers.ContentLength is > MaxBytes)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var body = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > MaxBytes)
                {
                    return null;
                }

                body.Write(buffer, 0, read);
            }

            return body.ToArray();
        }
    }

    /// <summary>
    /// A token that ends the exchange after the client's timeout: with headers-read sends the
    /// <see cref="HttpClient.Timeout"/> stops at the headers, and a body trickling in must not hold a device for ever.
    /// </summary>
    public static CancellationTokenSource Deadline(HttpClient http, CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (http.Timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(http.Timeout);
        }

        return deadline;
    }
}
