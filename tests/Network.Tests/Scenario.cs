using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>
/// One multi-process scenario: the processes it starts and a temp directory for their data,
/// all killed and removed at the end, with each process's output written to the test log.
/// </summary>
public abstract class Scenario(ITestOutputHelper output) : IDisposable
{
    // A bureau restarted right after a kill is ready only once the old incarnation is downed and removed (~15-20 s of
    // failure detection, stable-after and hand-over) on top of its own start: room for that on a loaded 2-core machine.
    protected static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);
    protected readonly TempDirectory Temp = new();
    private readonly List<NodeProcess> _processes = [];
    private readonly List<TestPki> _pkis = [];

    protected ITestOutputHelper Output { get; } = output;

    protected NodeProcess Track(NodeProcess process)
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>A network CA of its own under the scenario's temp directory, disposed at the end.</summary>
    protected TestPki Pki(string name)
    {
        var pki = new TestPki(Temp.Sub(name));
        _pkis.Add(pki);
        return pki;
    }

    /// <summary>A Lighthouse and one node per bureau (data under the scenario's temp directory), all ready.</summary>
    protected async Task<(int Seed, NodeProcess[] Nodes)> StartClusterAsync(params string[] bureaus)
    {
        var seed = NodeProcess.FreePort();
        Track(NodeProcess.StartLighthouse(seed, seed));
        var nodes = bureaus.Select(b => Track(NodeProcess.StartNode(b, [seed], Temp.Sub(b)))).ToArray();
        foreach (var node in nodes)
            await node.WaitReadyAsync(Ready);
        return (seed, nodes);
    }

    public virtual void Dispose()
    {
        foreach (var p in _processes)
        {
            Output.WriteLine($"--- {p.Name} ---\n{p.Output}");
            p.DisposeAsync().AsTask().Wait();
        }
        foreach (var pki in _pkis)
            pki.Dispose();
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
