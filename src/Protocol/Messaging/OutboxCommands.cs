namespace ActorNet.Protocol.Messaging;

public static class OutboxCommands
{
    /// <summary>Keep this sealed envelope until every recipient has it; answered with <see cref="Posted"/> once persisted.</summary>
    public sealed record Post(BureauCode From, string Id, IReadOnlyList<BureauCode> To, ReadOnlyMemory<byte> Sealed) : IWithBureauCode, IActorNetMessage
    {
        public BureauCode Bureau => From;
    }

    public sealed record Posted(string Id) : IActorNetMessage;

    /// <summary>
    /// Keep these sealed envelopes, numbered in this order; answered with <see cref="PostedAll"/> once every one is persisted.
    /// One request of an integration's batch: one message to the outbox and one answer, not one of each per envelope.
    /// </summary>
    public sealed record PostAll(BureauCode From, IReadOnlyList<Post> Posts) : IWithBureauCode, IActorNetMessage
    {
        public BureauCode Bureau => From;
    }

    public sealed record PostedAll(IReadOnlyList<string> Ids) : IActorNetMessage;
}

public static class OutboxQueries
{
    /// <summary>Answered with <see cref="MessageStatus"/>, or <see cref="NotFound"/>.</summary>
    public sealed record GetStatus(BureauCode From, string Id) : IWithBureauCode, IActorNetMessage
    {
        public BureauCode Bureau => From;
    }

    /// <param name="Recipients">Per recipient: queued, delivered or read.</param>
    public sealed record MessageStatus(string Id, BureauCode From, IReadOnlyList<BureauCode> To, IReadOnlyList<RecipientState> Recipients, DateTimeOffset PostedAt) : IActorNetMessage;

    public sealed record RecipientState(BureauCode Recipient, string State) : IActorNetMessage;

    public sealed record NotFound(string Id) : IActorNetMessage;
}

public static class InboxQueries
{
    /// <summary>Messages received after <paramref name="AfterId"/> (all when null), in arrival order; answered with <see cref="Page"/>.</summary>
    public sealed record List(BureauCode Bureau, string? AfterId, int Limit) : IWithBureauCode, IActorNetMessage;

    public sealed record Page(IReadOnlyList<InboxEvents.Received> Items, bool UnknownAfterId) : IActorNetMessage;

    /// <summary>One received message by id; answered with a <see cref="Page"/> of none or one.</summary>
    public sealed record Get(BureauCode Bureau, string Id) : IWithBureauCode, IActorNetMessage;
}

public static class InboxCommands
{
    /// <summary>This bureau's reader has opened these messages.</summary>
    public sealed record MarkRead(BureauCode Bureau, IReadOnlyList<string> Ids) : IWithBureauCode, IActorNetMessage;
}

/// <summary>Delivery states as the API shows them.</summary>
public static class DeliveryStates
{
    public const string Queued = "queued";
    public const string Delivered = "delivered";
    public const string Read = "read";
}
