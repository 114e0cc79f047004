using BenchmarkDotNet.Running;
using ProductKeys.Benchmarks.Vectors;

// Also the home of developer tools that must not run inside the test suite.
if (args is ["write-vectors"])
{
    SignedArtifactVectorWriter.Write();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
