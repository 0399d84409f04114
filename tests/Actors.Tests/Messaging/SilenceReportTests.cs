using ActorNet.Actors.Cluster;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>An offline recipient is reported by the outbox, naming it and what waits for it, not by a line every retry.</summary>
public sealed class SilenceReportTests() : TestKit(Config)
{
    // The reports are warnings and information lines: logged at INFO here.
    private static readonly Config Config = ConfigurationFactory.ParseString("akka.loglevel = INFO").WithFallback(LocalTestConfig.Config);

    private static readonly BureauCode FR = new("FR"), US = new("US");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_silent_recipient_is_reported_once_with_what_waits_for_it_and_again_when_it_answers()
    {
        var audit = CreateTestProbe();
        var link = Sys.ActorOf(Props.Create(() => new Link()));
        var settings = new OutboxSettings { SilenceReported = TimeSpan.FromSeconds(1), SilenceReportedAgain = TimeSpan.FromHours(1) };
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => link, settings));

        // The first retry finds US silent (after ~2 s) and reports it with what waits for it.
        await EventFilter.Warning(new Regex("^Outbox of FR: US has not acknowledged for .*; messages waiting for it: 3,")).ExpectOneAsync(Bound, async () =>
        {
            for (var i = 0; i < 3; i++)
                outbox.Tell(new OutboxCommands.Post(FR, $"m{i}", [US], BitConverter.GetBytes(i)), TestActor);
            for (var i = 0; i < 3; i++)
                await ExpectMsgAsync<OutboxCommands.Posted>(Bound);
        });
        // The next retry (~4 s later) finds it silent again and says nothing: the hour has not passed.
        await EventFilter.Warning(contains: "has not acknowledged").ExpectAsync(0, TimeSpan.FromSeconds(5), () => Task.CompletedTask);

        var inbox = Sys.ActorOf(InboxActor.Props(US, PassingGate.Instance, audit, _ => outbox));
        await EventFilter.Info(contains: "Outbox of FR: US answers again").ExpectOneAsync(Bound, async () =>
        {
            link.Tell(new Link.SetTarget(inbox));
            await AwaitConditionAsync(async () =>
                (await inbox.Ask<InboxQueries.Page>(new InboxQueries.List(US, null, 100), Bound)).Items.Count == 3, Bound);
        });
    }

    [Fact]
    public void Proxies_to_another_bureau_leave_reporting_its_absence_to_the_outbox()
    {
        var props = SingletonProxies.To(Sys, InboxActor.Name, "bureau-DE", bufferSize: 10);

        var settings = Assert.Single(props.Arguments.OfType<ClusterSingletonProxySettings>());
        Assert.False(settings.LogSingletonIdentificationFailure);
        Assert.Equal("bureau-DE", settings.Role);
        Assert.Equal(InboxActor.Name, settings.SingletonName);
        Assert.Equal(10, settings.BufferSize);
    }
}
