namespace ProductKeys.KmsHost.Counting;

/// <summary>
/// A visit or a refusal waiting for the writer; completes (with the visit's count) only once the
/// visit log holds it.
/// </summary>
internal sealed class PendingWrite : TaskCompletionSource<int>
{
    // Continuations run on the thread pool, never inline on the writer between two commits.
    private PendingWrite() : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
    }

    /// <summary>The visit, or <c>null</c> for a refusal.</summary>
    public ClientVisit? Visit { get; private init; }

    /// <summary>Decides, inside the writer, whether the visit's count activates the client.</summary>
    public Func<int, AcknowledgedActivation?>? Activate { get; private init; }

    /// <summary>The refusal's code, or <c>null</c> for a visit.</summary>
    public string? RefusalCode { get; private init; }

    /// <summary>The client state a refused request reported, when it was a known one.</summary>
    public string? RefusedClientState { get; private init; }

    public static PendingWrite ForVisit(ClientVisit visit, Func<int, AcknowledgedActivation?> activate) => new() { Visit = visit, Activate = activate };

    public static PendingWrite ForRefusal(string code, string? clientState) => new() { RefusalCode = code, RefusedClientState = clientState };
}
