using ActorNet.Protocol;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Actors.Messaging;

/// <summary>A bureau node's keys and what it seals and opens with: its own key ring and the public keys the directory lists.</summary>
public sealed class BureauCrypto
{
    private BureauCrypto(BureauCode bureau, BureauKeyRing keys, PublicKeyDirectory directory)
    {
        Bureau = bureau;
        Keys = keys;
        Directory = directory;
        Sealer = new Sealer(bureau, keys, directory);
        Opener = new Opener(bureau, keys, directory);
    }

    public BureauCode Bureau { get; }
    public BureauKeyRing Keys { get; }
    public PublicKeyDirectory Directory { get; }
    public Sealer Sealer { get; }
    public Opener Opener { get; }
    public BureauPublicKeys PublicKeys => Keys.PublicKeys(Bureau);

    /// <summary>Loads the bureau's keys from <c>&lt;data&gt;/keys</c>, making them on first start.</summary>
    /// <exception cref="KeyFileException">A key file is corrupt or unreadable; the message names it.</exception>
    public static BureauCrypto LoadOrCreate(BureauCode bureau, string dataDirectory)
    {
        var keys = KeyStore.LoadOrCreate(Path.Combine(dataDirectory, "keys"));
        var directory = new PublicKeyDirectory();
        directory.Add(keys.PublicKeys(bureau));
        return new BureauCrypto(bureau, keys, directory);
    }
}
