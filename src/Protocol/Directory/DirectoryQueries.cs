namespace ActorNet.Protocol.Directory;

public static class DirectoryQueries
{
    /// <summary>Asks for the whole directory; answered with a <see cref="DirectoryView"/>.</summary>
    public sealed record GetDirectory : IActorNetMessage
    {
        public static GetDirectory Instance { get; } = new();
    }

    /// <summary>The directory at one moment: pushed by the Secretariat to every node, which keeps it as its copy.</summary>
    public sealed record DirectoryView(IReadOnlyList<DirectoryEntry> Entries, DateTimeOffset AsOf) : IActorNetMessage;
}
