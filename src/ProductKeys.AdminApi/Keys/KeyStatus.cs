namespace ProductKeys.AdminApi.Keys;

/// <summary>A key's status on the wire.</summary>
public enum KeyStatus
{
    /// <summary>Activates.</summary>
    Active,

    /// <summary>Blocked by publisher staff: activates nothing more.</summary>
    Blocked,
}
