using ActorNet.Cli.Output;
using ActorNet.Protocol.Pki;

namespace ActorNet.Cli.Palettes;

/// <summary>A development network CA and node certificates, made on this machine: no node is contacted.</summary>
public sealed class PkiPalette : Palette
{
    public override string Name => "pki";

    public override string Summary => "a development network CA and node certificates (no node needed)";

    public override IReadOnlyList<Command> Commands =>
    [
        new(Name, "init", "make a network CA: DIR/ca.crt and DIR/ca.key (an existing CA is never replaced)", Init,
            Flags: [new Flag("--out", "DIR", Required: true)]),
        new(Name, "issue", "a PKCS#12 certificate for a bureau's node (CODE) or the Lighthouse (lighthouse)", Issue,
            Flags: [new Flag("--ca-dir", "DIR", Required: true), new Flag("--bureau", "CODE", Required: true),
                    new Flag("--out", "FILE", Required: true), new Flag("--password", "PW")]),
    ];

    /// <summary>What <c>pki init</c> made, for <c>--json</c>.</summary>
    public sealed record CaMade(string Certificate, string Key, string Subject, string Thumbprint, DateTimeOffset NotAfter);

    /// <summary>What <c>pki issue</c> made, for <c>--json</c>.</summary>
    public sealed record CertificateMade(string File, string Holder, string Subject, string Thumbprint, DateTimeOffset NotAfter);

    private static Task<int> Init(Invocation i)
    {
        var directory = Path.GetFullPath(i.Args.Flag("--out")!);
        using var ca = NetworkCa.Create(DateTimeOffset.UtcNow);
        Refusing(() => ca.Save(directory));
        var made = new CaMade(Path.Combine(directory, NetworkCa.CertificateFile), Path.Combine(directory, NetworkCa.KeyFile),
            ca.Certificate.Subject, ca.Certificate.Thumbprint, ca.Certificate.NotAfter.ToUniversalTime());
        i.Out.Result(made, m => Table.Fields(
            ("CA certificate", m.Certificate), ("CA key", m.Key + " (keep it secret: it vouches for every node)"),
            ("Subject", m.Subject), ("Thumbprint", m.Thumbprint), ("Valid until", Table.Time(m.NotAfter))));
        return Task.FromResult(CliApp.Success);
    }

    private static Task<int> Issue(Invocation i)
    {
        var name = i.Args.Flag("--bureau")!;
        // Checked before the CA is opened: a typo is bad usage, not a refusal.
        if (!CertificateHolder.TryParse(name, out var holder))
            throw new UsageException("--bureau " + CertificateHolder.Explain(name), i.Usage);
        var file = Path.GetFullPath(i.Args.Flag("--out")!);
        if (File.Exists(file))
            throw new CommandRefusedException($"{file} already exists: remove it first or choose another --out");

        using var ca = Refusing(() => NetworkCa.Load(Path.GetFullPath(i.Args.Flag("--ca-dir")!)));
        using var issued = Refusing(() => ca.IssueTo(file, holder!, i.Args.Flag("--password"), DateTimeOffset.UtcNow));
        var made = new CertificateMade(file, holder!.Name, issued.Subject, issued.Thumbprint, issued.NotAfter.ToUniversalTime());
        i.Out.Result(made, m => Table.Fields(
            ("Certificate", m.File), ("For", m.Holder), ("Subject", m.Subject), ("Thumbprint", m.Thumbprint), ("Valid until", Table.Time(m.NotAfter))));
        return Task.FromResult(CliApp.Success);
    }

    private static void Refusing(Action act) => Refusing<object?>(() => { act(); return null; });

    private static T Refusing<T>(Func<T> act)
    {
        try
        {
            return act();
        }
        catch (PkiException e)
        {
            throw new CommandRefusedException(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandRefusedException(e.Message);
        }
    }
}
