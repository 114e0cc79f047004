using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ProductKeys.Client.Activation;
using ProductKeys.Client.Tls;
using ProductKeys.Core.Errors;

namespace ProductKeys.Cli.Admin;

/// <summary>
/// The licensing service's admin REST API, typed: requests and answers are the records of
/// ProductKeys.AdminApi (read and written with <c>AdminApiJsonContext</c>); error answers become
/// refusals through the one <see cref="ProblemDetailsReader"/> the client library uses too.
/// </summary>
internal sealed class ServiceClient : IDisposable
{
    private readonly HttpClient _http;

    private ServiceClient(Uri service, string? token, ServerTrust tls)
    {
        _http = tls.CreateHttpClient(Timeout.InfiniteTimeSpan);
        _http.BaseAddress = service;
        _http.MaxResponseContentBufferSize = MaxAnswerBytes; // a JSON answer is buffered whole; an export (OpenAsync) is streamed, unbounded
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>A client for <paramref name="service"/>, or USAGE_INVALID when <c>$PK_TIMEOUT</c> is set to something other than whole seconds from 1 to a day.</summary>
    public static Outcome<ServiceClient> Create(Uri service, string? token, ServerTrust tls) =>
        TimeoutProblem() is { } problem ? problem : new ServiceClient(service, token, tls);

    public Uri Service => _http.BaseAddress!;

    /// <summary>
    /// The most of one JSON answer pk holds (64 MiB): a hostile or broken service, or a proxy, sending without end made pk buffer up to 2 GiB.
    /// The largest answer, <c>pk keys list</c> of an account, is about 250 bytes a key: some 250,000 keys; more is for <c>pk keys export</c>, streamed to a file unbounded.
    /// </summary>
    public const int MaxAnswerBytes = 64 * 1024 * 1024;

    /// <summary>The variable that sets <see cref="AnswerTimeout"/>.</summary>
    public const string TimeoutVariable = "PK_TIMEOUT";

    /// <summary>
    /// How long a request waits for the service's answer (a JSON answer whole; an export's headers), from <c>$PK_TIMEOUT</c>
    /// (whole seconds, 1 to a day) or 300 s: a service that accepts and never answers held pk forever. An export's body is not bounded.
    /// Any other value is refused by <see cref="Create"/> (before, 'abc', 0 or -5 were silently 300 s and 5000000 a day).
    /// </summary>
    public static TimeSpan AnswerTimeout => TimeSpan.FromSeconds(ReadTimeout() ?? DefaultAnswerSeconds);

    /// <summary>The longest <c>$PK_TIMEOUT</c> taken, in seconds (a day): a timer takes at most 49 days.</summary>
    private const int MaxAnswerSeconds = 86_400;

    private const int DefaultAnswerSeconds = 300;

    /// <summary><c>$PK_TIMEOUT</c> in seconds; <c>null</c> when unset or not a whole number from 1 to <see cref="MaxAnswerSeconds"/>.</summary>
    private static int? ReadTimeout() =>
        int.TryParse(TimeoutText(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds is >= 1 and <= MaxAnswerSeconds ? seconds : null;

    /// <summary>
    /// <c>$PK_TIMEOUT</c> without surrounding spaces, or <c>null</c> when unset, empty or only spaces: systemd's
    /// <c>Environment=PK_TIMEOUT=</c> and an unset compose variable give an empty one, which means the default.
    /// </summary>
    private static string? TimeoutText()
    {
        var text = Environment.GetEnvironmentVariable(TimeoutVariable)?.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>USAGE_INVALID naming <c>$PK_TIMEOUT</c> and what it takes when it is set to anything but whole seconds from 1 to a day; else <c>null</c>.</summary>
    public static Refusal? TimeoutProblem()
    {
        var text = TimeoutText();
        return text is null || ReadTimeout() is not null ? null : new Refusal(ErrorCatalogue.UsageInvalid,
            $"${TimeoutVariable} takes a whole number of seconds from 1 to {MaxAnswerSeconds} (a day); '{text}' is not one. "
            + $"Set it to how many seconds pk waits for the service's answer, or unset it for the default of {DefaultAnswerSeconds} s.");
    }

    public Task<Outcome<T>> GetAsync<T>(string path, JsonTypeInfo<T> answer, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), answer, ct);

    public Task<Outcome<TAnswer>> PostAsync<TBody, TAnswer>(string path, TBody body, JsonTypeInfo<TBody> request, JsonTypeInfo<TAnswer> answer, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, request) }, answer, ct);

    /// <summary>A POST without a body (block, unblock).</summary>
    public Task<Outcome<TAnswer>> PostAsync<TAnswer>(string path, JsonTypeInfo<TAnswer> answer, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path), answer, ct);

    /// <summary>A DELETE answered 204 No Content.</summary>
    public async Task<Outcome<bool>> DeleteAsync(string path, CancellationToken ct)
    {
        var sent = await SendAsync<bool>(new HttpRequestMessage(HttpMethod.Delete, path), null, ct);
        return sent.IsSuccess ? true : sent.Refusal;
    }

    /// <summary>For streamed answers (exports): the open response, headers read, body not yet.</summary>
    public async Task<Outcome<HttpResponseMessage>> OpenAsync(string path, CancellationToken ct)
    {
        using var answer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        answer.CancelAfter(AnswerTimeout);
        try
        {
            var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, answer.Token);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                return await ProblemDetailsReader.ReadRefusalAsync(response, answer.Token);
            }
        }
        catch (HttpRequestException ex)
        {
            return ProblemDetailsReader.Unreachable(Service, ex);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return NoAnswer();
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<Outcome<T>> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T>? answer, CancellationToken ct)
    {
        using (request)
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
            waiting.CancelAfter(AnswerTimeout);
            try
            {
                using var response = await _http.SendAsync(request, waiting.Token);
                if (!response.IsSuccessStatusCode)
                {
                    return await ProblemDetailsReader.ReadRefusalAsync(response, waiting.Token);
                }

                if (answer is null)
                {
                    return default(T)!;
                }

                var body = await response.Content.ReadFromJsonAsync(answer, waiting.Token);
                return body is null ? NotProductKeys() : body;
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
            {
                return TooLarge();
            }
            catch (HttpRequestException ex)
            {
                return ProblemDetailsReader.Unreachable(Service, ex);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return NoAnswer();
            }
            catch (JsonException)
            {
                return NotProductKeys();
            }
        }
    }

    private Refusal NoAnswer() =>
        new(ErrorCatalogue.ServiceUnreachable, $"{Service} did not answer within {AnswerTimeout.TotalSeconds:0} s: check --service and the network, then retry "
            + "(for a service known to be slow, set PK_TIMEOUT to more seconds).");

    private Refusal TooLarge() =>
        new(ErrorCatalogue.ServiceUnreachable, $"{Service} answered more than {MaxAnswerBytes / (1024 * 1024)} MiB, more than pk reads of one answer: is it a ProductKeys licensing service, "
            + "and is no proxy in between sending something else? (For an account with hundreds of thousands of keys, 'pk keys export --output FILE' streams them to a file.)");

    private Refusal NotProductKeys() =>
        new(ErrorCatalogue.ServiceUnreachable, $"{Service} did not answer with the JSON this command expects: is it a ProductKeys licensing service of this version?");
}
