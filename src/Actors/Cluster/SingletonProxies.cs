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

    /// <remarks>
    /// Without Akka's warning every 30 s while the singleton is not found: another bureau's node may be offline for days,
    /// and the outbox reports that itself, naming the bureau and what waits for it (<see cref="Messaging.OutboxSettings.SilenceReported"/>).
    /// </remarks>
    public static Props To(ActorSystem system, string singletonName, string role, int bufferSize)
    {
        var defaults = Settings.GetValue(system, s => ClusterSingletonProxySettings.Create(s));
        return ClusterSingletonProxy.Props("/user/" + singletonName, new ClusterSingletonProxySettings(singletonName, role,
            defaults.SingletonIdentificationInterval, bufferSize, defaults.ConsiderAppVersion, logSingletonIdentificationFailure: false,
            defaults.SingletonIdentificationFailurePeriod));
    }
}
