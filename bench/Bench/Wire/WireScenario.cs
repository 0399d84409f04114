using ActorNet.Bench.Infrastructure;
namespace ActorNet.Bench.Wire;
public static class WireScenario { public static void Run(Report report) { } }
