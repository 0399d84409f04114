using System.Threading.Channels;
using ActorNet.Actors.Events;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorNet.Actors.Tests.Events;

public sealed class LiveEventsForwarderTests : TestKit
{
    private static readonly BureauCode FR = new("FR"), US = new("US");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static MessageArrived Arrived(string id, int bytes) =>
        new(FR, id, DateTimeOffset.UtcNow, US, new InboxEvents.Received(FR, 1, id, new byte[bytes], DateTimeOffset.UtcNow), null);

    private async Task<Channel<LiveItem>> SubscribedAsync()
    {
        var channel = Channel.CreateBounded<LiveItem>(10_000);
        var forwarder = Sys.ActorOf(LiveEventsForwarder.Props(channel));
        await forwarder.Ask<ActorIdentity>(new Identify(null), Bound); // subscribed once it answers
        return channel;
    }

    [Fact]
    public async Task A_small_envelope_travels_with_its_event_while_the_client_keeps_up()
    {
        var channel = await SubscribedAsync();
        Sys.EventStream.Publish(Arrived("m1", 1_500));
        var item = await channel.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(("message", "m1", "FR"), (item.Event.Type, item.Event.Id, item.Event.From));
        Assert.Equal("m1", item.Arrival?.Arrival?.Id);
    }

    [Fact]
    public async Task A_large_envelope_or_a_client_far_behind_gets_the_event_alone()
    {
        var channel = await SubscribedAsync();
        Sys.EventStream.Publish(Arrived("big", LiveEventsForwarder.CarriedBytes + 1));
        var big = await channel.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal("big", big.Event.Id);
        Assert.Null(big.Arrival);

        // Nothing read: once as many events wait as the bound, the next ones come without their envelopes.
        for (var i = 0; i <= LiveEventsForwarder.CarriedWhileWaiting; i++)
            Sys.EventStream.Publish(Arrived($"m{i}", 100));
        await AwaitConditionAsync(() => Task.FromResult(channel.Reader.Count == LiveEventsForwarder.CarriedWhileWaiting + 1), Bound);
        var items = new List<LiveItem>();
        while (channel.Reader.TryRead(out var item))
            items.Add(item);
        Assert.Equal(Enumerable.Range(0, LiveEventsForwarder.CarriedWhileWaiting + 1).Select(i => $"m{i}"), items.Select(i => i.Event.Id));
        Assert.All(items.Take(LiveEventsForwarder.CarriedWhileWaiting), i => Assert.NotNull(i.Arrival));
        Assert.Null(items[^1].Arrival);
    }
}
