using ProductKeys.Cli;

return await PkCommand.Create().Parse(args).InvokeAsync();
