using System.Collections;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// One column of an outbox's or inbox's snapshot, read out of rows copied from the bookkeeping. The actor's part of a
/// snapshot is then a copy of its rows (one memory copy); the column's values (id strings, times) are made by whoever
/// reads them, the snapshot store as it encodes, off the actor's thread. Made all at once, they held every send for
/// 15–30 ms with 130,000 messages in the bookkeeping (docs/benchmarks.md, session 33).
/// </summary>
/// <remarks>The rows must not change afterwards: pass a copy.</remarks>
public sealed class SnapshotColumn<TRow, T>(TRow[] rows, Func<TRow, int, T> value) : IReadOnlyList<T>
{
    public int Count => rows.Length;

    public T this[int index] => value(rows[index], index);

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < rows.Length; i++)
            yield return value(rows[i], i);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Columns of rows copied once.</summary>
public static class SnapshotColumn
{
    public static SnapshotColumn<TRow, T> Of<TRow, T>(TRow[] rows, Func<TRow, T> value) => new(rows, (row, _) => value(row));
}
