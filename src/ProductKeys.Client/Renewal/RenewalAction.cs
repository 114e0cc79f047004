namespace ProductKeys.Client.Renewal;

/// <summary>What one renewal pass did.</summary>
public enum RenewalAction
{
    /// <summary>Nothing was due: no network traffic.</summary>
    NothingDue,

    /// <summary>The device was not activated and now is (first KMS activation, or a MAK activation retried).</summary>
    Activated,

    /// <summary>A KMS activation was renewed for another 180 days.</summary>
    Renewed,

    /// <summary>An attempt was made and refused or went unanswered; the next one is scheduled.</summary>
    Failed,
}
