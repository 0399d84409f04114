using System.Diagnostics;
using ActorNet.Bench.Infrastructure;
using ActorNet.Bench.PingPong;
using Akka.Actor;
using Akka.Serialization;

namespace ActorNet.Bench.Wire;

/// <summary>
/// Serialize-then-deserialize of pingpong's three messages in one thread, no network: what each serializer costs on its own,
/// in operations per second and bytes allocated per operation.
/// </summary>
public static class WireScenario
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    public static void Run(Report report)
    {
        using var system = ActorSystem.Create("wire", PingPongConfig.For(0));
        foreach (var variant in PingPongVariant.All())
        {
            var serializer = system.Serialization.FindSerializerFor(variant.Message);
            var manifest = Serialization.ManifestFor(serializer, variant.Message);
            RoundTrip(serializer, variant.Message, manifest, TimeSpan.FromMilliseconds(300));
            var best = 0.0;
            var allocated = 0.0;
            for (var repeat = 0; repeat < 3; repeat++)
            {
                var (rate, bytes) = RoundTrip(serializer, variant.Message, manifest, Duration);
                if (rate > best)
                    (best, allocated) = (rate, bytes);
            }
            report.Add(new("wire", $"{variant.Name}: serialize + deserialize, one thread", best, "ops/s"));
            report.Add(new("wire", $"{variant.Name}: allocated per serialize + deserialize", allocated, "bytes"));
        }
    }

    private static (double Rate, double BytesPerOp) RoundTrip(Serializer serializer, object message, string manifest, TimeSpan duration)
    {
        var ops = 0L;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 1000; i++)
            {
                var bytes = serializer.ToBinary(message);
                _ = serializer is SerializerWithStringManifest named
                    ? named.FromBinary(bytes, manifest)
                    : serializer.FromBinary(bytes, message.GetType());
            }
            ops += 1000;
        }
        watch.Stop();
        return (ops / watch.Elapsed.TotalSeconds, (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)ops);
    }
}
