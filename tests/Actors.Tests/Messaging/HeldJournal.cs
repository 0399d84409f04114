using System.Collections.Immutable;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace ActorNet.Actors.Tests.Messaging;

/// <summary>
/// The in-memory journal with a hand on the outboxes' writes: a test holds them (a commit that takes its time), then lets
/// them through, or throws them away as a node killed before its commit would.
/// </summary>
/// <remarks>One actor system per test class instance uses it (<see cref="Config"/>); the hand is per system.</remarks>
public sealed class HeldJournal : MemoryJournal
{
    private static readonly Dictionary<string, Hand> Hands = new();

    public static string Config(string system) => $$"""
        akka.persistence.journal.plugin = "akka.persistence.journal.held"
        akka.persistence.journal.held {
          class = "{{typeof(HeldJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
          system = "{{system}}"
        }
        """;

    /// <summary>Holds, releases or discards the writes of persistence ids starting with "outbox-".</summary>
    public sealed class Hand
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource<bool>? _gate;

        public void Hold()
        {
            lock (_lock)
                _gate ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        /// <summary>Held writes go to the journal, and later ones at once.</summary>
        public void Release() => Open(true);

        /// <summary>Held writes fail and are never in the journal, as by a node killed before its commit: the writing actor stops.</summary>
        public void Discard() => Open(false);

        private void Open(bool write)
        {
            lock (_lock)
            {
                _gate?.TrySetResult(write);
                _gate = null;
            }
        }

        internal Task<bool> Passage()
        {
            lock (_lock)
                return _gate?.Task ?? Task.FromResult(true);
        }
    }

    public static Hand For(string system)
    {
        lock (Hands)
            return Hands.TryGetValue(system, out var hand) ? hand : Hands[system] = new Hand();
    }

    private readonly Hand _hand;

    public HeldJournal(Akka.Configuration.Config config) => _hand = For(config.GetString("system"));

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages.ToList();
        if (writes.Any(w => w.PersistenceId.StartsWith("outbox-", StringComparison.Ordinal)) && !await _hand.Passage())
            throw new IOException("the node died before this write committed (HeldJournal.Discard)");
        return await base.WriteMessagesAsync(writes, cancellationToken);
    }
}
