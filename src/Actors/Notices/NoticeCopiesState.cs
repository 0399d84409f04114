using ActorNet.Protocol;
using ActorNet.Protocol.Api;
using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.Search;

namespace ActorNet.Actors.Notices;

/// <summary>
/// The notices one bureau holds, as the documents it kept say: per notice its state and its latest sealed content.
/// Mutable for the reason <see cref="Messaging.InboxState"/> is: it may hold 100,000 notices; its actor is its only writer.
/// </summary>
public sealed class NoticeCopiesState
{
    private readonly Dictionary<NoticeId, Copy> _copies = new();
    private readonly HashSet<string> _envelopes = new(StringComparer.Ordinal);

    /// <summary>
    /// One notice as this bureau holds it. <see cref="Content"/> is the sealed envelope of its latest content until it has opened
    /// here: then the copy keeps only its <see cref="Summary"/> and where the content lies in the journal, since a publication
    /// sealed for every bureau carries a wrapped key per recipient (some 15 KB a notice with 195 bureaus).
    /// </summary>
    public sealed class Copy(NoticeId id, string kind, string type, BureauCode requestedBy)
    {
        public NoticeId Id { get; } = id;
        public string Kind { get; } = kind;
        public string Type { get; set; } = type;
        public BureauCode RequestedBy { get; } = requestedBy;
        public string State { get; set; } = NoticeStates.PendingReview;
        public string? Reason { get; set; }
        public DateTimeOffset UpdatedAt { get; set; }
        public ReadOnlyMemory<byte> Content { get; set; }

        /// <summary>The journal sequence number of the event that holds the latest content.</summary>
        public long ContentSequenceNr { get; set; }

        /// <summary>What a list shows of the subject, from the latest content opened; null until one opens here.</summary>
        public NoticeCopyQueries.Summary? Summary { get; set; }

        /// <summary>Whether the latest content is in the journal only: it opened here and was dropped, or the copies recovered.</summary>
        public bool ContentInJournal => Content.IsEmpty && ContentSequenceNr > 0;

        /// <summary>The sealed document of the latest change of state, which holds its reason.</summary>
        public ReadOnlyMemory<byte> StateChange { get; set; }

        /// <summary>Whether the content has been opened into the search index since it last changed.</summary>
        public bool Indexed { get; set; }

        /// <summary>What the search index holds of the latest content opened; null until one opens here.</summary>
        public NoticeSearchEntry? Searchable { get; set; }

        /// <summary>Whether the requesting bureau allowed the public extract, as the latest content opened says.</summary>
        public bool IsPublic { get; set; }

        /// <summary>What the search index holds of this notice now: its opened content, or only its clear metadata.</summary>
        public NoticeSearchEntry SearchEntry() =>
            (Searchable ?? NoticeSearchEntry.Bare(Id, Type, State)) with { Type = Type, State = State, IsPublic = IsPublic };

        public bool IsListed => State != NoticeStates.Withdrawn;

        public NoticeCopyQueries.Entry ToEntry() => new(Id, Kind, Type, State, RequestedBy, Reason, UpdatedAt, Content, Summary);
    }

    public int Count => _copies.Count;

    public bool HasKept(string envelopeId) => _envelopes.Contains(envelopeId);

    public Copy? Find(NoticeId id) => _copies.GetValueOrDefault(id);

    public IEnumerable<Copy> All => _copies.Values;

    /// <summary>
    /// Whether <paramref name="from"/> may send this document: GS publishes and decides; the requesting bureau requests, diffuses,
    /// updates and cancels its own; nobody else says anything about a notice.
    /// </summary>
    public static string? Refusal(BureauCode from, NoticeDocument document)
    {
        var byRequester = from == document.RequestedBy;
        return document.Operation switch
        {
            NoticeDocument.Request or NoticeDocument.Diffusion when !byRequester => $"a {document.Operation} from {from} in the name of {document.RequestedBy}",
            NoticeDocument.Update when !byRequester && !from.IsSecretariat => $"an update from {from}, which neither requested the notice nor is GS",
            NoticeDocument.StateChange when document.State == NoticeStates.Cancelled && !byRequester && !from.IsSecretariat =>
                $"a cancellation from {from}, which neither requested the notice nor is GS",
            NoticeDocument.Publish or NoticeDocument.StateChange when document.State != NoticeStates.Cancelled && !from.IsSecretariat =>
                $"a {document.Operation} ({document.State}) from {from}: only GS publishes and decides",
            _ when !NoticeDocument.Operations.Contains(document.Operation) => $"an unknown operation '{document.Operation}'",
            _ => null,
        };
    }

    /// <summary>The state a notice is in after this document; a closed notice stays closed whatever arrives late.</summary>
    public string StateAfter(NoticeDocument document)
    {
        var current = Find(document.NoticeId)?.State;
        if (current is NoticeStates.Cancelled or NoticeStates.Rejected or NoticeStates.Withdrawn)
            return current;
        return document.Operation switch
        {
            NoticeDocument.Request => current ?? NoticeStates.PendingReview,
            NoticeDocument.Diffusion => NoticeStates.Circulated,
            NoticeDocument.Publish => NoticeStates.Published,
            NoticeDocument.Update => current ?? document.State,
            _ => document.State,
        };
    }

    /// <param name="sequenceNr">The journal sequence number <paramref name="kept"/> was persisted under.</param>
    public void Apply(NoticeCopyEvents.Kept kept, bool carriesContent, long sequenceNr)
    {
        _envelopes.Add(kept.EnvelopeId);
        if (!_copies.TryGetValue(kept.NoticeId, out var copy))
            _copies[kept.NoticeId] = copy = new Copy(kept.NoticeId, kept.Kind, kept.Type, kept.RequestedBy);
        copy.State = kept.State;
        copy.UpdatedAt = kept.At;
        if (carriesContent)
        {
            copy.Content = kept.Sealed;
            copy.ContentSequenceNr = sequenceNr;
            copy.Type = kept.Type;
            copy.Indexed = false;
        }
        else
        {
            copy.StateChange = kept.Sealed;
            copy.Reason = null;
        }
    }

    /// <summary>Documents that carry the notice's content; the others only change its state.</summary>
    public static bool CarriesContent(string operation) => operation is not NoticeDocument.StateChange;
}
