using System.Net.Http.Json;
using ActorNet.Protocol.Audit;

namespace ActorNet.Network.Tests;

/// <summary>A node's audit log as an operator reads it with <c>GET /api/audit?after=</c>.</summary>
public static class AuditTrail
{
    private const int Page = 1000;

    /// <summary>
    /// Waits until entries of <paramref name="kind"/> at <paramref name="node"/> name every one of <paramref name="ids"/>: an
    /// entry follows its event by a moment, and what a node died before recording it records after its restart. Each look
    /// reads only what was appended since the last one (the log is append-only).
    /// </summary>
    public static async Task AwaitNamedAsync(NodeProcess node, string kind, IEnumerable<string> ids, TimeSpan bound)
    {
        var unnamed = ids.ToHashSet();
        var total = unnamed.Count;
        long after = 0;
        await Eventually.TrueAsync(async () =>
        {
            List<AuditEntry> page;
            do
            {
                page = (await node.Http.GetFromJsonAsync<List<AuditEntry>>($"/api/audit?limit={Page}&after={after}"))!;
                foreach (var entry in page)
                {
                    if (entry.Kind == kind)
                        unnamed.ExceptWith(entry.MessageIds ?? (entry.MessageId is null ? [] : [entry.MessageId]));
                    after = entry.Sequence;
                }
            } while (page.Count == Page);
            return unnamed.Count == 0;
        }, bound, $"{node.Name}'s audit log to name all {total} messages in a {kind} entry",
            () => $"{unnamed.Count} have no {kind} entry at {node.Name}, e.g. {string.Join(", ", unnamed.Take(3))}");
    }
}
