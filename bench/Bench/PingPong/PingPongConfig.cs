using ActorNet.Actors.Hosting;
using Akka.Configuration;

namespace ActorNet.Bench.PingPong;

/// <summary>Plain Akka.Remote over loopback TCP, with ActorNet's serializer bound as the nodes bind it and ActorNet's shared tuning underneath.</summary>
public static class PingPongConfig
{
    public const string SystemName = "pingpong";

    public static Config For(int port) =>
        ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              log-dead-letters = off
              suppress-json-serializer-warning = on
              actor {
                provider = remote
                serializers.actornet = "ActorNet.Actors.Serialization.ActorNetSerializer, ActorNet.Actors"
                serialization-bindings {
                  "ActorNet.Protocol.IActorNetMessage, ActorNet.Protocol" = actornet
                }
              }
              remote {
                log-remote-lifecycle-events = off
                dot-netty.tcp {
                  hostname = "127.0.0.1"
                  port = {{port}}
                }
              }
            }
            """).WithFallback(EmbeddedConfig.Load());
}
