using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Serialization;
using Microsoft.Data.Sqlite;

namespace ActorNet.Network.Tests;

/// <summary>A node's SQLite journal read with our wire format, read-only, while the node runs or after it stopped.</summary>
public static class Journal
{
    /// <summary>Every event of <paramref name="persistenceId"/> that is a <typeparamref name="T"/>, in the order persisted.</summary>
    public static List<T> Events<T>(string dataDirectory, string persistenceId)
    {
        using var db = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "actornet.db")};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT message, manifest FROM journal WHERE persistence_id = $id ORDER BY sequence_number";
        query.Parameters.AddWithValue("$id", persistenceId);
        var events = new List<T>();
        using var rows = query.ExecuteReader();
        while (rows.Read())
            if (WireFormat.Decode((byte[])rows[0], rows.GetString(1)) is T e)
                events.Add(e);
        return events;
    }

    /// <summary>What an inbox took, one arrival per envelope, whether persisted one by one or as one event per delivery.</summary>
    public static List<InboxEvents.Received> InboxArrivals(string dataDirectory, string persistenceId) =>
        Events<object>(dataDirectory, persistenceId).SelectMany(e => e switch
        {
            InboxEvents.Received received => [received],
            InboxEvents.ReceivedBatch batch => batch.Arrivals,
            _ => Enumerable.Empty<InboxEvents.Received>(),
        }).ToList();
}
