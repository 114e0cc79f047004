namespace ProductKeys.Service.Activations;

/// <summary>What the database did with one MAK activation that would consume.</summary>
internal enum MakConsumptionResult
{
    /// <summary>One activation consumed and the device recorded; <see cref="MakConsumption.Used"/> is the key's new count.</summary>
    Consumed,

    /// <summary>Nothing consumed: the key is at its limit or blocked.</summary>
    Refused,

    /// <summary>Nothing consumed: the same hardware ID was recorded meanwhile (a concurrent duplicate).</summary>
    AlreadyRecorded,
}

internal readonly record struct MakConsumption(MakConsumptionResult Result, int Used = 0)
{
    public static MakConsumption Refused => new(MakConsumptionResult.Refused);

    public static MakConsumption AlreadyRecorded => new(MakConsumptionResult.AlreadyRecorded);
}
