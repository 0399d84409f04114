using ActorNet.Actors.Serialization;
using ActorNet.Protocol;
using Akka.Configuration;

namespace ActorNet.Actors.Tests;

/// <summary>
/// TestKit settings for actors that read cluster state (the directory, its replica, enrolment): the cluster provider on a
/// free loopback port, joined to nothing, the wire serializer, and TestKit's in-memory journal.
/// </summary>
public static class ClusterTestConfig
{
    public static Config Config { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          provider = cluster
          serializers.actornet = "{{typeof(ActorNetSerializer).AssemblyQualifiedName}}"
          serialization-bindings { "{{typeof(IActorNetMessage).AssemblyQualifiedName}}" = actornet }
        }
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        """);
}
