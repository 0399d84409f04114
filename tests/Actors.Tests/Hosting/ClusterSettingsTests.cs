using ActorNet.Actors.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace ActorNet.Actors.Tests.Hosting;

/// <summary>What <see cref="ActorNetHosting.WithActorNetCluster"/> hands Akka: the settings the flags are meant to set.</summary>
public class ClusterSettingsTests
{
    [Theory]
    [InlineData(null, 3_000)]
    [InlineData(15_000, 15_000)]
    public async Task Heartbeat_pause_reaches_the_cluster_failure_detector(int? pauseMs, int expectedMs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka(ActorNetHosting.SystemName, akka => akka.WithActorNetCluster(
            new RemoteEndpoint("127.0.0.1", 0, "127.0.0.1"), [], ["ncb", "bureau-FR"], "0.0.0-test", tls: null,
            pauseMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var config = host.Services.GetRequiredService<ActorSystem>().Settings.Config;
            Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause", null));
            // Split Brain Resolver's own wait is untouched by it.
            Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after", null));
            // No stack walks for DotNetty's leak records on the message path.
            Assert.Equal(DotNetty.Common.ResourceLeakDetector.DetectionLevel.Disabled, DotNetty.Common.ResourceLeakDetector.Level);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
