using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.Search;
using ActorNet.Protocol.Sealing;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorNet.Bench.NoticeSearch;

/// <summary>
/// Fills a stopped bureau node's notice copies with published notices, as if GS had published each to it: every notice is
/// a <c>publish</c> document sealed with GS's own keys (read from GS's data directory) for that bureau's keys, kept as the
/// <see cref="NoticeCopyEvents.Kept"/> event its copies actor persists, in its own journal, through Akka.Persistence.Sql
/// and ActorNet's serializer. The node then starts on that journal and recovers it as it would any other.
/// </summary>
/// <remarks>
/// Only the path a notice takes to the journal is skipped (request, review, GS's outbox, the bureau's inbox): publishing
/// 100,000 notices through review takes far longer than the search being measured, and is measured elsewhere.
/// </remarks>
public static class NoticeCopiesSeed
{
    private const int SealBatch = 256;
    private const int PersistBatch = 1000;
    private static readonly BureauCode Requester = new("FR");

    /// <summary>Seals and persists <paramref name="entries"/> for <paramref name="bureau"/>; returns the notice id given to each.</summary>
    public static async Task<NoticeId[]> SeedAsync(IReadOnlyList<NoticeSearchEntry> entries, string secretariatData, BureauCode bureau, string bureauData)
    {
        var gs = BureauCrypto.LoadOrCreate(BureauCode.Secretariat, secretariatData);
        var reader = BureauCrypto.LoadOrCreate(bureau, bureauData);
        gs.Directory.Add(reader.PublicKeys);

        var ids = entries.Select(_ => NoticeId.New()).ToArray();
        var kept = new List<NoticeCopyEvents.Kept>(entries.Count);
        var at = DateTimeOffset.UtcNow;
        for (var start = 0; start < entries.Count; start += SealBatch)
        {
            var batch = Enumerable.Range(start, Math.Min(SealBatch, entries.Count - start)).Select(i =>
            {
                var envelopeId = NoticeEnvelopes.IdFor(ids[i], NoticeDocument.Publish, "1");
                var document = new NoticeDocument(NoticeDocument.Publish, ids[i], NoticeKinds.Notice, Requester, "published", null, Content(entries[i]),
                    [], entries[i].IsPublic, [], [], at);
                return (Id: envelopeId, Document: document, Header: gs.Sealer.Header(envelopeId, [bureau], at, HandlingCode.H0));
            }).ToList();
            var sealedBatch = gs.Sealer.Seal(batch.Select(b => (b.Header, NoticeSealing.ToPayload(b.Document))).ToList());
            for (var i = 0; i < batch.Count; i++)
                kept.Add(new NoticeCopyEvents.Kept(batch[i].Document.NoticeId, batch[i].Id, BureauCode.Secretariat, NoticeDocument.Publish, NoticeKinds.Notice,
                    batch[i].Document.Content!.Type.Name, "published", Requester, sealedBatch[i].ToBytes(), at));
        }

        var storage = StorageSettings.Parse(null, bureauData);
        await StoragePreparation.PrepareAsync(bureauData, storage);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka("actornet-seed", akka => akka.WithActorNetSerialization().WithActorNetPersistence(storage));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var writer = system.ActorOf(Props.Create(() => new Writer("notice-copies-" + bureau.Value)));
            foreach (var chunk in kept.Chunk(PersistBatch))
                await writer.Ask<Done>(chunk, TimeSpan.FromMinutes(2));
        }
        finally
        {
            await host.StopAsync();
        }
        return ids;
    }

    private static NoticeContent Content(NoticeSearchEntry entry)
    {
        var main = entry.Names[0];
        var others = entry.Names.Skip(1).Select(n => $"{n.Forename} {n.Name}".Trim()).ToList();
        bool InScript(string name) => name.Any(c => c > '\u024F');
        var subject = new SubjectParticulars(main.Name, main.Forename, others.Where(n => !InScript(n)).ToArray(), others.Where(InScript).ToArray(),
            entry.DateOfBirth, entry.Sex, entry.Nationalities, null, null);
        var type = NoticeType.Parse(entry.Type);
        return new NoticeContent(type, subject, "armed robbery",
            type.Name == "red" ? new Warrant("Tribunal judiciaire de Paris", new DateOnly(2026, 1, 15), "armed robbery") : null,
            "seeded by the bench", type.Name == "un-special" ? "QDi.001" : null, []);
    }

    private sealed record Done;

    /// <summary>Persists the events it is given under the copies' persistence id, a batch at a time.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        public Writer(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<object>(_ => { });
            Command<NoticeCopyEvents.Kept[]>(chunk =>
            {
                var sender = Sender;
                var left = chunk.Length;
                PersistAll(chunk, _ =>
                {
                    if (--left == 0)
                        sender.Tell(new Done());
                });
            });
        }

        public override string PersistenceId { get; }
    }
}
