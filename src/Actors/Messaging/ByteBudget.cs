namespace ActorNet.Actors.Messaging;

/// <summary>How the outbox fills a Deliver or a journal row: items in order while their bytes fit, and at least one.</summary>
internal static class ByteBudget
{
    /// <summary>How many of <paramref name="items"/> from <paramref name="start"/> on fit in <paramref name="maxBytes"/>; at least one, however large.</summary>
    public static int Fitting<T>(IReadOnlyList<T> items, int start, int maxBytes, Func<T, int> bytesOf)
    {
        long bytes = bytesOf(items[start]);
        var end = start + 1;
        while (end < items.Count && (bytes += bytesOf(items[end])) <= maxBytes)
            end++;
        return end - start;
    }
}
