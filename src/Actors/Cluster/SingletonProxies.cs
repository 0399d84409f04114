using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;

namespace ActorNet.Actors.Cluster;

/// <summary>
/// Proxies to another bureau's singletons (its inbox, its outbox). The proxy settings are read from the configuration once
/// a system: reading them costs milliseconds, and a member hosting fifty bureaus makes a proxy for each pair that talks.
/// </summary>
public static class SingletonProxies
{
    private static readonly ConditionalWeakTable<ActorSystem, ClusterSingletonProxySettings> Settings = new();

    public static Props To(ActorSystem system, string singletonName, string role, int bufferSize) =>
        ClusterSingletonProxy.Props("/user/" + singletonName,
            Settings.GetValue(system, s => ClusterSingletonProxySettings.Create(s)).WithRole(role).WithSingletonName(singletonName).WithBufferSize(bufferSize));
}
