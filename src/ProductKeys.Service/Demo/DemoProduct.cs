namespace ProductKeys.Service.Demo;

public sealed record DemoProduct(string Id, string Name, string SetupKey, string? KmsClientSetupKey, int KmsThreshold, string? CalType);
