using System.Collections.Concurrent;

namespace ActorNet.Protocol.Sealing;

/// <summary>Where the sealer finds its recipients' keys and the opener a sender's: the node's copy of the GS-signed directory.</summary>
public interface IPublicKeyLookup
{
    /// <summary>The bureau's keys of that version, or null if unknown.</summary>
    BureauPublicKeys? Find(BureauCode bureau, int version);

    /// <summary>The bureau's newest keys, or null if it has none.</summary>
    BureauPublicKeys? Latest(BureauCode bureau);
}

/// <summary>An in-memory, thread-safe <see cref="IPublicKeyLookup"/> that keeps every version it is given.</summary>
public sealed class PublicKeyDirectory : IPublicKeyLookup
{
    private readonly ConcurrentDictionary<(BureauCode, int), BureauPublicKeys> keys = new();
    private readonly ConcurrentDictionary<BureauCode, BureauPublicKeys> latest = new();
    private readonly ConcurrentDictionary<BureauCode, string> withheld = new();

    public PublicKeyDirectory(IEnumerable<BureauPublicKeys>? known = null)
    {
        foreach (var k in known ?? [])
            Add(k);
    }

    /// <summary>Adds one version. A version already known with other keys is refused: a key version, once published, never changes.</summary>
    /// <exception cref="InvalidOperationException">The version is known with different keys.</exception>
    public void Add(BureauPublicKeys publicKeys)
    {
        var stored = keys.GetOrAdd((publicKeys.Bureau, publicKeys.Version), publicKeys);
        if (!stored.Equals(publicKeys))
            throw new InvalidOperationException(
                $"{publicKeys.Bureau} key version {publicKeys.Version} is already known with fingerprint {stored.Fingerprint}, not {publicKeys.Fingerprint}");
        latest.AddOrUpdate(publicKeys.Bureau, publicKeys, (_, current) => current.Version >= publicKeys.Version ? current : publicKeys);
    }

    /// <summary>
    /// Notes why a bureau the directory lists has no keys here yet (it awaits approval, or its entry was refused),
    /// so that a sender is told more than "unknown"; the note stops mattering once the bureau's keys are added.
    /// </summary>
    public void Withhold(BureauCode bureau, string reason) => withheld[bureau] = reason;

    /// <summary>Why <paramref name="bureau"/> cannot be sealed to, in words an operator can act on.</summary>
    public string WhyUnusable(BureauCode bureau) =>
        withheld.TryGetValue(bureau, out var reason)
            ? $"{bureau} {reason}"
            : $"unknown recipient {bureau}: it has no keys in the directory (see actornet bureau list)";

    public BureauPublicKeys? Find(BureauCode bureau, int version) => keys.GetValueOrDefault((bureau, version));

    public BureauPublicKeys? Latest(BureauCode bureau) => latest.GetValueOrDefault(bureau);

    /// <summary>Every bureau that can be sealed to: those whose keys this node trusts.</summary>
    public IReadOnlyList<BureauCode> Bureaus => latest.Keys.Order().ToArray();
}
