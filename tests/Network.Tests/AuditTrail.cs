using System.Net.Http.Json;
using ActorNet.Protocol.Audit;

namespace ActorNet.Network.Tests;

/// <summary>A node's audit log as an operator reads it with <c>GET /api/audit?after=</c>.</summary>
public static class AuditTrail
{
    /// <summary>Every entry, oldest first, a page at a time.</summary>
    public static async Task<List<AuditEntry>> ReadAllAsync(NodeProcess node)
    {
        var entries = new List<AuditEntry>();
        while (true)
        {
            var after = entries.Count == 0 ? 0 : entries[^1].Sequence;
            var page = (await node.Http.GetFromJsonAsync<List<AuditEntry>>($"/api/audit?limit=1000&after={after}"))!;
            entries.AddRange(page);
            if (page.Count < 1000)
                return entries;
        }
    }

    /// <summary>The ids of <paramref name="wanted"/> that no entry of <paramref name="kind"/> names.</summary>
    public static List<string> Unnamed(IEnumerable<AuditEntry> entries, string kind, IEnumerable<string> wanted)
    {
        var named = entries.Where(e => e.Kind == kind)
            .SelectMany(e => e.MessageIds ?? (e.MessageId is null ? [] : [e.MessageId]))
            .ToHashSet();
        return wanted.Where(id => !named.Contains(id)).ToList();
    }
}
