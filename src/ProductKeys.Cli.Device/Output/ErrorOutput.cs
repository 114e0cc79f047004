namespace ProductKeys.Cli.Output;

/// <summary>What a refusal prints with <c>--json</c>: <c>{"error": {"code", "message", "detail"}}</c>.</summary>
internal sealed record ErrorOutput(ErrorOutput.Body Error)
{
    internal sealed record Body(string Code, string Message, string Detail);
}
