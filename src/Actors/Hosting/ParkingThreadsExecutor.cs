using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace ActorNet.Actors.Hosting;

/// <summary>
/// Threads of their own for a dispatcher whose work blocks (the SQLite journal's writes, fsync included): a thread with
/// nothing to do parks at once and is woken when work arrives. Akka's own dedicated threads (<c>ForkJoinDispatcher</c>)
/// spin first, yielding the core again and again: at 1,000 single sends a second, two such threads per node spent 12 % of
/// both nodes' CPU in <c>sched_yield</c> between commits a millisecond apart (docs/benchmarks.md, session 24).
/// </summary>
/// <remarks>
/// A dispatcher takes it with <c>executor = "ActorNet.Actors.Hosting.ParkingThreadsExecutorConfigurator, ActorNet.Actors"</c>
/// and <c>parking-threads { thread-count = N }</c>.
/// </remarks>
public sealed class ParkingThreadsExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    public override ExecutorService Produce(string id)
    {
        var threads = Config.GetInt("parking-threads.thread-count", 1);
        if (threads < 1)
            throw new ConfigurationException($"{id}: parking-threads.thread-count is {threads}; it takes 1 or more threads");
        return new ParkingThreadsExecutor(id, threads, Prerequisites.EventStream);
    }
}

/// <summary>A fixed set of background threads taking work from one queue, first in first out; see <see cref="ParkingThreadsExecutorConfigurator"/>.</summary>
public sealed class ParkingThreadsExecutor : ExecutorService
{
    private readonly Queue<IRunnable> _work = new();
    private readonly EventStream? _failures;
    private int _parked;
    private bool _stopped;

    public ParkingThreadsExecutor(string id, int threads, EventStream? failures = null) : base(id)
    {
        _failures = failures;
        for (var i = 0; i < threads; i++)
            new Thread(Work) { IsBackground = true, Name = $"{id}-{i}" }.Start();
    }

    /// <summary>How many of its threads are parked, waiting for work.</summary>
    public int Parked
    {
        get
        {
            lock (_work)
                return _parked;
        }
    }

    public override void Execute(IRunnable run)
    {
        lock (_work)
        {
            if (_stopped)
            {
                // The dispatcher replaces a shut-down executor with a new one; what still reaches this one runs on the pool.
                ThreadPool.UnsafeQueueUserWorkItem(Run, run, preferLocal: false);
                return;
            }
            _work.Enqueue(run);
            // Only a parked thread needs waking; one that is running takes the work on its next turn.
            if (_parked > 0)
                Monitor.Pulse(_work);
        }
    }

    public override void Shutdown()
    {
        lock (_work)
        {
            _stopped = true;
            Monitor.PulseAll(_work);
        }
    }

    private void Work()
    {
        while (true)
        {
            IRunnable next;
            lock (_work)
            {
                while (_work.Count == 0)
                {
                    if (_stopped)
                        return;
                    _parked++;
                    Monitor.Wait(_work);
                    _parked--;
                }
                next = _work.Dequeue();
            }
            Run(next);
        }
    }

    private void Run(IRunnable work)
    {
        try
        {
            work.Run();
        }
        catch (Exception e)
        {
            // A mailbox run handles its actor's failures itself; anything else that throws must not end the thread.
            _failures?.Publish(new Error(e, Id, typeof(ParkingThreadsExecutor), $"{Id}: work failed: {e.Message}"));
        }
    }
}
