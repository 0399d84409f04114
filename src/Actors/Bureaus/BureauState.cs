using ActorNet.Protocol;
using ActorNet.Protocol.Bureaus;

namespace ActorNet.Actors.Bureaus;

/// <summary>A bureau's identity and settings, rebuilt from its events.</summary>
public sealed record BureauState(
    BureauCode Bureau,
    DateTimeOffset? EstablishedAt,
    string? DisplayName,
    string? ContactEmail,
    int NodeStarts,
    DateTimeOffset? LastNodeStartAt,
    string? LastNodeAddress,
    string? LastStartId)
{
    public static BureauState Empty(BureauCode bureau) => new(bureau, null, null, null, 0, null, null, null);

    public bool IsEstablished => EstablishedAt is not null;

    /// <summary>A node repeats its start until answered: only the first of each start counts.</summary>
    public bool HasRecorded(string startId) => LastStartId == startId;

    public BureauState Apply(object @event) => @event switch
    {
        BureauEvents.Established e => this with { EstablishedAt = e.At },
        BureauEvents.NodeStarted e => this with { NodeStarts = NodeStarts + 1, LastNodeStartAt = e.At, LastNodeAddress = e.Address, LastStartId = e.StartId },
        BureauEvents.SettingsChanged e => this with
        {
            DisplayName = e.DisplayName ?? DisplayName,
            ContactEmail = e.ContactEmail ?? ContactEmail,
        },
        _ => this,
    };

    public BureauQueries.Profile ToProfile() =>
        new(Bureau, EstablishedAt ?? DateTimeOffset.MinValue, DisplayName, ContactEmail, NodeStarts, LastNodeStartAt, LastNodeAddress);
}
