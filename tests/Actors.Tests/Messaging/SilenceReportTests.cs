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
        await EventFilter.Warning(new Regex(@"^Outbox of FR: US has not acknowledged for .*; messages waiting for it: 3, the oldest sent \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ; its last delivery none yet;"))
            .ExpectOneAsync(Bound, async () =>
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
    public async Task After_a_restart_the_report_says_from_the_journal_since_when_messages_wait_and_when_the_recipient_last_took_one()
    {
        // The silence this outbox has seen starts at its restart; what has waited since when, and the last delivery, do not.
        var audit = CreateTestProbe();
        var link = Sys.ActorOf(Props.Create(() => new Link()));
        var settings = new OutboxSettings { SilenceReported = TimeSpan.FromSeconds(1), SilenceReportedAgain = TimeSpan.FromHours(1) };
        var back = Sys.ActorOf(Props.Create(() => new Link()));
        var inbox = Sys.ActorOf(InboxActor.Props(US, PassingGate.Instance, audit, _ => back));
        link.Tell(new Link.SetTarget(inbox));
        var outbox = Sys.ActorOf(OutboxActor.Props(FR, audit, _ => link, settings));
        back.Tell(new Link.SetTarget(outbox));
        var start = Second(DateTime.UtcNow);
        outbox.Tell(new OutboxCommands.Post(FR, "m0", [US], new byte[] { 0 }), TestActor);
        await ExpectMsgAsync<OutboxCommands.Posted>(Bound);
        await AwaitConditionAsync(async () =>
            (await outbox.Ask<OutboxQueries.MessageStatus>(new OutboxQueries.GetStatus(FR, "m0"), Bound)).Recipients.Single().State == DeliveryStates.Delivered, Bound);
        var delivered = DateTime.UtcNow;

        link.Tell(new Link.SetTarget(null)); // US goes away
        var waitingFrom = Second(DateTime.UtcNow);
        for (var i = 1; i <= 2; i++)
        {
            outbox.Tell(new OutboxCommands.Post(FR, $"m{i}", [US], new byte[] { (byte)i }), TestActor);
            await ExpectMsgAsync<OutboxCommands.Posted>(Bound);
        }
        var posted = DateTime.UtcNow;
        Watch(outbox);
        outbox.Tell(PoisonPill.Instance);
        await ExpectTerminatedAsync(outbox, Bound);

        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings.Ref, typeof(Akka.Event.Warning));
        Sys.ActorOf(OutboxActor.Props(FR, audit, _ => link, settings));
        var report = await warnings.FishForMessageAsync<Akka.Event.Warning>(w => w.Message.ToString()!.Contains("US has not acknowledged"), Bound);
        var match = Regex.Match(report.Message.ToString()!, @"messages waiting for it: 2, the oldest sent (?<oldest>[^;]+); its last delivery (?<last>[^;]+);");
        Assert.True(match.Success, report.Message.ToString());
        var oldest = DateTime.Parse(match.Groups["oldest"].Value, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var last = DateTime.Parse(match.Groups["last"].Value, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(oldest, waitingFrom, posted);
        Assert.InRange(last, start, delivered);
    }

    private static DateTime Second(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

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
