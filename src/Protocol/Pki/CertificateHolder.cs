namespace ActorNet.Protocol.Pki;

/// <summary>Who a network certificate is issued to: one bureau, or the Lighthouse seed.</summary>
public sealed record CertificateHolder
{
    public const string LighthouseName = "lighthouse";

    private CertificateHolder(BureauCode? bureau) => Bureau = bureau;

    /// <summary>The bureau, or null for the Lighthouse.</summary>
    public BureauCode? Bureau { get; }

    public bool IsLighthouse => Bureau is null;

    /// <summary>What the certificate's CN holds: <c>FR</c>, <c>GS</c> or <c>lighthouse</c>.</summary>
    public string Name => Bureau?.Value ?? LighthouseName;

    /// <summary>The DNS name in the certificate's SAN, e.g. <c>fr.actornet</c>.</summary>
    public string DnsName => Name.ToLowerInvariant() + ".actornet";

    public static CertificateHolder Lighthouse { get; } = new((BureauCode?)null);

    public static CertificateHolder For(BureauCode bureau) => new(bureau);

    public static bool TryParse(string? text, out CertificateHolder? holder)
    {
        holder = null;
        if (string.Equals(text?.Trim(), LighthouseName, StringComparison.OrdinalIgnoreCase))
            holder = Lighthouse;
        else if (BureauCode.TryParse(text, out var bureau))
            holder = For(bureau!);
        return holder is not null;
    }

    public static string Explain(string? text) =>
        $"'{text}' names neither a bureau nor the Lighthouse: use GS, an ISO 3166-1 alpha-2 code such as FR, or lighthouse";

    public override string ToString() => Name;
}
