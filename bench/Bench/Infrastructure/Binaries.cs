namespace ActorNet.Bench.Infrastructure;

/// <summary>The Release builds of the node and the Lighthouse that run.sh makes before the bench starts.</summary>
public sealed record Binaries(string Repository)
{
    public string Node => Existing(Path.Combine(Repository, "src/Node/bin/Release/net10.0/ActorNet.Node.dll"));
    public string Lighthouse => Existing(Path.Combine(Repository, "src/Lighthouse/bin/Release/net10.0/ActorNet.Lighthouse.dll"));

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run dotnet build -c Release on src/Node and src/Lighthouse first (bench/run.sh does)");
}
