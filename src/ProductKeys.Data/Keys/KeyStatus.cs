namespace ProductKeys.Data.Keys;

public enum KeyStatus
{
    Active,
    Blocked,
}
