namespace ProductKeys.CalServer.Tests;

/// <summary>A server clock an operator (or a broken NTP) sets anywhere, backwards too, which <c>FakeTimeProvider</c> refuses.</summary>
internal sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
