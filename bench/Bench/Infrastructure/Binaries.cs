namespace ActorNet.Bench.Infrastructure;

/// <summary>
/// The Release builds of the node and the Lighthouse that run.sh makes before the bench starts;
/// ACTORNET_BENCH_NODE points at another build of the node, a dll or an executable: run.sh sets it to the deployed form
/// (ActorNetDeploy).
/// </summary>
public sealed record Binaries(string Repository)
{
    public string Node => Existing(Environment.GetEnvironmentVariable("ACTORNET_BENCH_NODE")
        ?? Path.Combine(Repository, "src/Node/bin/Release/net10.0/ActorNet.Node.dll"));
    public string Lighthouse => Existing(Path.Combine(Repository, "src/Lighthouse/bin/Release/net10.0/ActorNet.Lighthouse.dll"));

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run dotnet build -c Release on src/Node and src/Lighthouse first (bench/run.sh does)");
}
