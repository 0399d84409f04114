using System.Collections.Concurrent;
using ActorNet.Actors.Hosting;
using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Hosting;

public sealed class ParkingThreadsExecutorTests : TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Work_runs_on_its_threads_once_each_and_idle_threads_park()
    {
        var executor = new ParkingThreadsExecutor("test-parking", 2);
        try
        {
            await AwaitConditionAsync(() => Task.FromResult(executor.Parked == 2), Bound); // nothing to do yet: both wait without spinning
            var done = new ConcurrentQueue<(int Index, string? Thread)>();
            var all = new CountdownEvent(200);
            for (var i = 0; i < 200; i++)
            {
                var index = i;
                executor.Execute(new ActionRunnable(() =>
                {
                    done.Enqueue((index, Thread.CurrentThread.Name));
                    all.Signal();
                }));
            }
            Assert.True(all.Wait(Bound));
            Assert.All(done, d => Assert.StartsWith("test-parking-", d.Thread));
            Assert.Equal(200, done.Select(d => d.Index).Distinct().Count());
            await AwaitConditionAsync(() => Task.FromResult(executor.Parked == 2), Bound); // and they park again
        }
        finally
        {
            executor.Shutdown();
        }
    }

    [Fact]
    public void A_single_thread_takes_work_first_in_first_out()
    {
        var executor = new ParkingThreadsExecutor("test-fifo", 1);
        try
        {
            var order = new ConcurrentQueue<int>();
            var last = new ManualResetEventSlim();
            for (var i = 0; i < 100; i++)
            {
                var index = i;
                executor.Execute(new ActionRunnable(() =>
                {
                    order.Enqueue(index);
                    if (index == 99)
                        last.Set();
                }));
            }
            Assert.True(last.Wait(Bound));
            Assert.Equal(Enumerable.Range(0, 100), order);
        }
        finally
        {
            executor.Shutdown();
        }
    }

    [Fact]
    public void Work_that_throws_is_reported_and_the_thread_goes_on()
    {
        EventFilter.Exception<InvalidOperationException>().ExpectOne(TimeSpan.FromSeconds(10), () =>
        {
            var executor = new ParkingThreadsExecutor("test-failing", 1, Sys.EventStream);
            try
            {
                executor.Execute(new ActionRunnable(() => throw new InvalidOperationException("boom")));
                var after = new ManualResetEventSlim();
                executor.Execute(new ActionRunnable(after.Set));
                Assert.True(after.Wait(Bound));
            }
            finally
            {
                executor.Shutdown();
            }
        });
    }

    [Fact]
    public void Work_handed_to_it_after_shutdown_still_runs()
    {
        var executor = new ParkingThreadsExecutor("test-stopped", 1);
        executor.Shutdown();
        var ran = new ManualResetEventSlim();
        executor.Execute(new ActionRunnable(ran.Set));
        Assert.True(ran.Wait(Bound));
    }

    [Fact]
    public async Task A_dispatcher_configured_with_it_runs_actors_on_its_threads()
    {
        var system = WithDispatcher("parking", threads: 2);
        try
        {
            var echo = system.ActorOf(Props.Create(() => new ThreadNamer()).WithDispatcher("parking-dispatcher"));
            var name = await echo.Ask<string>("which thread?", Bound);
            Assert.StartsWith("parking-dispatcher-", name);
        }
        finally
        {
            await system.Terminate().WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task A_thread_count_under_one_is_refused_with_what_to_fix()
    {
        var system = WithDispatcher("parking-bad", threads: 0);
        try
        {
            var configurator = new ParkingThreadsExecutorConfigurator(system.Settings.Config.GetConfig("parking-dispatcher"), system.Dispatchers.Prerequisites);
            var e = Assert.Throws<Akka.Configuration.ConfigurationException>(() => configurator.Produce("parking-dispatcher"));
            Assert.Contains("parking-threads.thread-count is 0", e.Message);
        }
        finally
        {
            await system.Terminate().WaitAsync(Bound);
        }
    }

    /// <summary>An actor system with a <c>parking-dispatcher</c> configured as the SQLite journal's is (ActorNetHosting.WithActorNetPersistence), by type name.</summary>
    private static ActorSystem WithDispatcher(string name, int threads) => ActorSystem.Create(name, $$"""
        parking-dispatcher {
          type = Dispatcher
          executor = "{{typeof(ParkingThreadsExecutorConfigurator).AssemblyQualifiedName}}"
          parking-threads.thread-count = {{threads}}
        }
        """);

    private sealed class ThreadNamer : ReceiveActor
    {
        public ThreadNamer() => ReceiveAny(_ => Sender.Tell(Thread.CurrentThread.Name ?? ""));
    }
}
