using ActorNet.Bench.Infrastructure;
namespace ActorNet.Bench.Startup;
public static class StartupScenario { public static Task RunAsync(Report report, Binaries binaries, string work) => Task.CompletedTask; }
