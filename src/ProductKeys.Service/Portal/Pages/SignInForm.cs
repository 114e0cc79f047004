using ProductKeys.Core.Errors;

namespace ProductKeys.Service.Portal.Pages;

/// <summary>What the sign-in form shows again after a refusal: the name typed (never the password) and why.</summary>
internal sealed class SignInForm
{
    public string? UserName { get; init; }

    public Refusal? Refusal { get; init; }
}
