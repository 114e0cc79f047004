namespace ProductKeys.AdminApi.Accounts;

/// <summary>What a user name and a password must be: the service refuses others, and <c>pk users create</c> checks them first to name the option.</summary>
public static class UserNameRule
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 1000;

    /// <summary>Sign-in names are typed on command lines: 1 to 100 ASCII letters, digits and <c>. _ - @</c>.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: >= 1 and <= 100 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');
}
