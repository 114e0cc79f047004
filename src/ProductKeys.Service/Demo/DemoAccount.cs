namespace ProductKeys.Service.Demo;

public sealed record DemoAccount(Guid Id, string Name);
