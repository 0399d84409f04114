namespace ActorNet.Protocol.Sealing;

/// <summary>How a recipient may use a message, as in Europol's SIENA.</summary>
public enum HandlingCode
{
    /// <summary>Law-enforcement use only.</summary>
    H0 = 0,

    /// <summary>Not to be used in judicial proceedings without the provider's permission.</summary>
    H1 = 1,

    /// <summary>Not to be passed on without the provider's permission.</summary>
    H2 = 2,

    /// <summary>Other restrictions set by the provider.</summary>
    H3 = 3,
}
