namespace ProductKeys.Client.Licensing;

/// <summary>A clock that never reads earlier than the latest time the device has seen.</summary>
internal sealed class HighWaterTimeProvider(TimeProvider inner, DateTimeOffset? floor) : TimeProvider
{
    public override DateTimeOffset GetUtcNow()
    {
        var now = inner.GetUtcNow();
        return floor is { } f && f > now ? f : now;
    }
}
