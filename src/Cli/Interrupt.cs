namespace ActorNet.Cli;

/// <summary>Ctrl-C stops the command that is running (a tail, say), not the prompt around it.</summary>
public sealed class Interrupt
{
    private readonly Lock gate = new();
    private CancellationTokenSource? running;

    /// <summary>Wires Ctrl-C to this; with no command running, Ctrl-C ends the process as usual.</summary>
    public static Interrupt FromConsole()
    {
        var interrupt = new Interrupt();
        Console.CancelKeyPress += (_, e) => e.Cancel = interrupt.Trigger();
        return interrupt;
    }

    public CancellationTokenSource Begin()
    {
        lock (gate)
            return running = new CancellationTokenSource();
    }

    public void End(CancellationTokenSource command)
    {
        lock (gate)
        {
            if (running == command)
                running = null;
        }
        command.Dispose();
    }

    /// <summary>Cancels the running command; false when none runs.</summary>
    public bool Trigger()
    {
        lock (gate)
        {
            if (running is null)
                return false;
            running.Cancel();
            return true;
        }
    }
}
