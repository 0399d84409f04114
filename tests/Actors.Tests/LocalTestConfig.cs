using ActorNet.Actors.Serialization;
using ActorNet.Protocol;
using Akka.Configuration;

namespace ActorNet.Actors.Tests;

/// <summary>
/// TestKit settings for actors on one local actor system: the wire serializer bound, TestKit's in-memory journal.
/// serialize-messages stays off: with it, the in-memory journal hands persist callbacks a copy whose ReadOnlyMemory payload
/// is empty (a test-harness artefact; the wire format itself is checked in Protocol.Tests and on the real journal in the
/// Persistence tests).
/// </summary>
public static class LocalTestConfig
{
    public static Config Config { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.actornet = "{{typeof(ActorNetSerializer).AssemblyQualifiedName}}"
          serialization-bindings { "{{typeof(IActorNetMessage).AssemblyQualifiedName}}" = actornet }
        }
        akka.loglevel = WARNING
        """);
}
