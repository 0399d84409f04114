using ActorNet.Bench.Infrastructure;
namespace ActorNet.Bench.Cluster;
public static class Cluster12Scenario { public static Task RunAsync(Report report, Binaries binaries, string work) => Task.CompletedTask; }
