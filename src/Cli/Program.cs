return await ActorNet.Cli.CliApp.RunAsync(args, Console.In, Console.Out, Console.Error, Environment.GetEnvironmentVariable, ActorNet.Cli.Interrupt.FromConsole());
