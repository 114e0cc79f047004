using ProductKeys.Cli;
using ProductKeys.Cli.Output;

return await CommandRunner.RunAsync(PkCommand.Create(), args);
