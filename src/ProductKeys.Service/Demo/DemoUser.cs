namespace ProductKeys.Service.Demo;

/// <summary>A demo user: its token, directory role, and roles as billing account id → role.</summary>
public sealed record DemoUser(string Name, string Token, string DirectoryRole, IReadOnlyDictionary<string, string> AccountRoles);
