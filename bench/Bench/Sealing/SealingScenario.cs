using System.Diagnostics;
using ActorNet.Bench.Infrastructure;
using ActorNet.Protocol;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Bench.Sealing;

/// <summary>
/// Sealing and opening in one process, no network, no actors: FR seals batches of 32 messages to US (1 KiB bodies, as the
/// messaging bench sends them), and to fifty bureaus, US opens them the way its inbox's gate does and the way its reader
/// does; with the keys wrapped per envelope and once a batch.
/// CPU time of the whole process per envelope, best of three repeats, so that a loaded machine counts less.
/// </summary>
public static class SealingScenario
{
    private const int BatchSize = 32;
    private const int Batches = 128;
    private const int Repeats = 5;

    public static void Run(Report report)
    {
        var fr = new BureauCode("FR");
        var us = new BureauCode("US");
        using var frKeys = BureauKeyRing.Create();
        using var usKeys = BureauKeyRing.Create();
        // Fifty recipients for the fan-out's sealing, as the messaging bench's fan-out has them.
        var many = BureauCode.Codes.Where(c => c is not "FR" and not "US" and not "GS").Take(50).Select(c => new BureauCode(c)).ToArray();
        var manyKeys = many.Select(_ => BureauKeyRing.Create()).ToArray();
        var directory = new PublicKeyDirectory([frKeys.PublicKeys(fr), usKeys.PublicKeys(us), .. many.Select((b, i) => manyKeys[i].PublicKeys(b))]);
        var sealer = new Sealer(fr, frKeys, directory);
        var body = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(768));
        var sentAt = DateTimeOffset.UtcNow;
        var sequence = 0;

        IReadOnlyList<(EnvelopeHeader, MessagePayload)> NextBatch(BureauCode[] to) =>
            Enumerable.Range(0, BatchSize)
                .Select(_ => (sealer.Header($"bench-{++sequence:D8}", to, sentAt, HandlingCode.H1), new MessagePayload($"sealing {sequence}", body)))
                .ToArray();

        var batches = Enumerable.Range(0, Batches).Select(_ => NextBatch([us])).ToArray();
        // Single sends at a low rate are sealed alone: a signature each, as the latency run's are.
        var singles = batches.Take(Batches / 4).SelectMany(b => b).Select(m => (IReadOnlyList<(EnvelopeHeader, MessagePayload)>)[m]).ToArray();
        var fanOut = Enumerable.Range(0, Batches / 8).Select(_ => NextBatch(many)).ToArray();
        var gate = new Opener(us, usKeys, directory);
        // Keys wrapped per envelope (what a recipient on an older node gets) and once a batch (what the others get).
        foreach (var (way, reads) in new (string, Func<BureauCode, bool>?)[] { ("wrapped per envelope", null), ("wrapped once a batch", _ => true) })
        {
            var sealedBatches = batches.Select(b => sealer.Seal(b, reads)).ToArray(); // warms the JIT and the pairwise secrets
            var bytes = sealedBatches.SelectMany(b => b).Select(e => e.ToBytes()).ToArray();
            foreach (var envelope in sealedBatches.SelectMany(b => b))
                if (!gate.Open(envelope).IsOpened || envelope.WrapSalt.IsEmpty != reads is null)
                    throw new InvalidOperationException("the bench's own envelope did not open, or is not wrapped the way asked");

            var envelopes = (double)Batches * BatchSize;
            Measure(report, $"seal, batches of 32, one recipient, {way}", envelopes, () =>
            {
                foreach (var batch in batches)
                    sealer.Seal(batch, reads);
            });
            Measure(report, $"seal, batches of 32, fifty recipients, {way}", (double)fanOut.Length * BatchSize, () =>
            {
                foreach (var batch in fanOut)
                    sealer.Seal(batch, reads);
            });
            var sealedSingles = singles.Select(b => sealer.Seal(b, reads)[0]).ToArray();
            Measure(report, $"seal, one message a batch, one recipient, {way}", singles.Length, () =>
            {
                foreach (var single in singles)
                    sealer.Seal(single, reads);
            });
            // Each its own signature, checked each time: the process's cache of verified roots keeps 256, and these are 1,024.
            Measure(report, $"open at the gate, one message a batch (a signature each), {way}", singles.Length, () =>
            {
                foreach (var envelope in sealedSingles)
                    gate.Open(envelope);
            });
            Measure(report, $"parse (SealedEnvelope.FromBytes), {way}", envelopes, () =>
            {
                foreach (var b in bytes)
                    SealedEnvelope.FromBytes(b);
            });
            Measure(report, $"open at the gate (Opener.Open, root signature cached), {way}", envelopes, () =>
            {
                foreach (var batch in sealedBatches)
                    foreach (var envelope in batch)
                        gate.Open(envelope);
            });
            Measure(report, $"open for the reader (Opener.OpenAdmitted), {way}", envelopes, () =>
            {
                foreach (var batch in sealedBatches)
                    foreach (var envelope in batch)
                        gate.OpenAdmitted(envelope);
            });
        }
        foreach (var keys in manyKeys)
            keys.Dispose();
    }

    private static void Measure(Report report, string what, double envelopes, Action run)
    {
        run();
        var bestCpu = double.MaxValue;
        var bestWall = double.MaxValue;
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < Repeats; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            run();
            wall.Stop();
            process.Refresh();
            bestCpu = Math.Min(bestCpu, (process.TotalProcessorTime - cpu).TotalMicroseconds / envelopes);
            bestWall = Math.Min(bestWall, wall.Elapsed.TotalMicroseconds / envelopes);
        }
        report.Add(new("sealing", $"{what}: CPU per envelope", bestCpu, "µs"));
        report.Add(new("sealing", $"{what}: wall time per envelope", bestWall, "µs"));
        Console.Error.WriteLine($"  {what}: {bestCpu:F1} µs CPU, {bestWall:F1} µs wall per envelope");
    }
}
