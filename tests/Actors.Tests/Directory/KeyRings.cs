using ActorNet.Protocol.Sealing;

namespace ActorNet.Actors.Tests.Directory;

/// <summary>A test's bureau key rings: made on demand, or kept when made elsewhere (a rotation), and disposed together.</summary>
internal sealed class KeyRings : IDisposable
{
    private readonly List<BureauKeyRing> _rings = [];

    public BureauKeyRing New() => Keep(BureauKeyRing.Create());

    public BureauKeyRing Keep(BureauKeyRing ring)
    {
        _rings.Add(ring);
        return ring;
    }

    public void Dispose()
    {
        foreach (var ring in _rings)
            ring.Dispose();
    }
}
