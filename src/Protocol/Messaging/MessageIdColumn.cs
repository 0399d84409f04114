using System.Collections;

namespace ActorNet.Protocol.Messaging;

/// <summary>
/// Message ids by number, as an outbox or inbox snapshot keeps them: the ids the API makes (<see cref="MessageIds"/>) as
/// their GUIDs, any other id as it was given. An id is written out as text only when read; the wire format writes the
/// GUIDs as 16 bytes each (<c>o.snapshot2</c>, <c>i.snapshot2</c>), so a snapshot of 130,000 messages is encoded without
/// 130,000 strings (docs/benchmarks.md, session 33).
/// </summary>
/// <remarks>The arrays must not change afterwards: pass copies.</remarks>
public sealed class MessageIdColumn : IReadOnlyList<string>
{
    private readonly Guid[] _guids;
    private readonly IReadOnlyDictionary<int, string> _others;

    /// <param name="guids">Each number's GUID; ignored at the numbers <paramref name="others"/> holds.</param>
    /// <param name="others">Number → id, for the ids that are not a GUID written as <see cref="MessageIds"/> writes it.</param>
    public MessageIdColumn(Guid[] guids, IReadOnlyDictionary<int, string> others)
    {
        if (others.Keys.Any(n => n < 0 || n >= guids.Length))
            throw new ArgumentException($"an id numbered outside 0..{guids.Length - 1}");
        _guids = guids;
        _others = others;
    }

    /// <summary>The column of these ids, each kept as a GUID where it is one.</summary>
    public static MessageIdColumn Of(IReadOnlyList<string> ids)
    {
        var guids = new Guid[ids.Count];
        var others = new Dictionary<int, string>();
        for (var i = 0; i < ids.Count; i++)
            if (!MessageIds.TryParse(ids[i], out guids[i]))
                others[i] = ids[i];
        return new MessageIdColumn(guids, others);
    }

    public int Count => _guids.Length;

    public string this[int number] => _others.TryGetValue(number, out var id) ? id : _guids[number].ToString("N");

    /// <summary>The GUID at <paramref name="number"/>, or null where the id is kept as text.</summary>
    public Guid? GuidAt(int number) => _others.ContainsKey(number) ? null : _guids[number];

    /// <summary>The ids kept as text, by number.</summary>
    public IReadOnlyDictionary<int, string> Others => _others;

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < _guids.Length; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
