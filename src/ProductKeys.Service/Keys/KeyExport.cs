using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text;
using ProductKeys.AdminApi.Keys;

namespace ProductKeys.Service.Keys;

/// <summary>Writes keys as they are read, flushing every few hundred rows: memory stays flat for any count.</summary>
internal static class KeyExport
{
    public const string CsvHeader = "id,key,type,product,orderId,purchasedQuantity,activationsUsed,activationLimit,status";
    public const string CsvContentType = "text/csv; charset=utf-8";
    private const int FlushEvery = 500;

    public static string CsvFileName(Guid accountId) => $"product-keys-{accountId}.csv";

    public static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<KeyRow> rows, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
        await writer.WriteAsync(CsvHeader + "\n");
        var count = 0;
        await foreach (var r in rows.WithCancellation(ct))
        {
            // No field can hold a comma or quote (ids, keys, slugs, enums), so no quoting is needed.
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                $"{r.Id},{r.Key},{r.Type},{r.Product},{r.OrderId},{r.PurchasedQuantity},{r.ActivationsUsed},{r.ActivationLimit},{r.Status}\n"));
            if (++count % FlushEvery == 0)
            {
                await writer.FlushAsync(ct);
            }
        }

        await writer.FlushAsync(ct);
    }

    public static async Task WriteJsonAsync(Stream body, IAsyncEnumerable<KeyRow> rows, JsonSerializerOptions options, CancellationToken ct)
    {
        // The JSON writer fills the pipe's memory; only the pipe touches the network, asynchronously.
        var pipe = PipeWriter.Create(body, new StreamPipeWriterOptions(leaveOpen: true));
        await using (var writer = new Utf8JsonWriter(pipe))
        {
            writer.WriteStartArray();
            var count = 0;
            await foreach (var r in rows.WithCancellation(ct))
            {
                JsonSerializer.Serialize(writer, r, options);
                if (++count % FlushEvery == 0)
                {
                    writer.Flush();
                    await pipe.FlushAsync(ct);
                }
            }

            writer.WriteEndArray();
        }

        await pipe.FlushAsync(ct);
        await pipe.CompleteAsync();
    }
}
