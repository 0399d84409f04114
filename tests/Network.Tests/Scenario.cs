using Xunit.Abstractions;

namespace ActorNet.Network.Tests;

/// <summary>
/// One multi-process scenario: the processes it starts and a temp directory for their data,
/// all killed and removed at the end, with each process's output written to the test log.
/// </summary>
public abstract class Scenario(ITestOutputHelper output) : IDisposable
{
    protected static readonly TimeSpan Ready = TimeSpan.FromSeconds(45);
    protected readonly TempDirectory Temp = new();
    private readonly List<NodeProcess> _processes = [];

    protected ITestOutputHelper Output { get; } = output;

    protected NodeProcess Track(NodeProcess process)
    {
        _processes.Add(process);
        return process;
    }

    public virtual void Dispose()
    {
        foreach (var p in _processes)
        {
            Output.WriteLine($"--- {p.Name} ---\n{p.Output}");
            p.DisposeAsync().AsTask().Wait();
        }
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
