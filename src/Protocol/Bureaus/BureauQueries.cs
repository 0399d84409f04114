namespace ActorNet.Protocol.Bureaus;

public static class BureauQueries
{
    public sealed record GetProfile(BureauCode Bureau) : IWithBureauCode, IActorNetMessage;

    /// <summary>A bureau's identity and settings, as its actor holds them.</summary>
    public sealed record Profile(
        BureauCode Bureau,
        DateTimeOffset EstablishedAt,
        string? DisplayName,
        string? ContactEmail,
        int NodeStarts,
        DateTimeOffset? LastNodeStartAt,
        string? LastNodeAddress) : IActorNetMessage;
}
