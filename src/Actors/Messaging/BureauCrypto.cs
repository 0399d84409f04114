using System.Security.Cryptography;
using ActorNet.Protocol;
using ActorNet.Protocol.Messaging;
using ActorNet.Protocol.Sealing;

namespace ActorNet.Actors.Messaging;

/// <summary>
/// A bureau node's keys and what it seals and opens with: its own key ring and the public keys the directory lists.
/// The ring changes on a rotation; each seal and open uses one ring throughout.
/// </summary>
public sealed class BureauCrypto
{
    private readonly string keysDirectory;
    private readonly Lock rotation = new();
    private volatile Generation current;

    /// <summary>One version of the keys with the sealer and opener that use it, swapped as a whole.</summary>
    private sealed record Generation(BureauKeyRing Keys, Sealer Sealer, Opener Opener, byte[]? RotationProof);

    private BureauCrypto(BureauCode bureau, BureauKeyRing keys, PublicKeyDirectory directory, string keysDirectory, bool created)
    {
        Bureau = bureau;
        Directory = directory;
        Created = created;
        this.keysDirectory = keysDirectory;
        current = Make(keys);
        Gate = new CurrentKeysGate(this);
    }

    public BureauCode Bureau { get; }

    /// <summary>Where the key files are: <c>&lt;data&gt;/keys</c>.</summary>
    public string KeysDirectory => keysDirectory;
    public BureauKeyRing Keys => current.Keys;
    public PublicKeyDirectory Directory { get; }
    public Sealer Sealer => current.Sealer;
    public Opener Opener => current.Opener;
    public BureauPublicKeys PublicKeys => Keys.PublicKeys(Bureau);

    /// <summary>The previous version's signature over the current keys, which the directory asks for; null at version 1.</summary>
    public byte[]? RotationProof => current.RotationProof;

    /// <summary>Whether this start made the keys (the bureau's first start, or its keys directory was moved aside).</summary>
    public bool Created { get; }

    /// <summary>The inbox's gate, checking with whatever keys are current.</summary>
    public IEnvelopeGate Gate { get; }

    /// <summary>What the gate parsed and admitted, for <see cref="OpenForReader"/>.</summary>
    public AdmittedEnvelopes Admitted { get; } = new();

    /// <summary>
    /// Opens an envelope of this bureau's inbox for its reader. The gate checked its signature and Merkle path when it
    /// admitted it (and usually kept it parsed, and decrypted: then this only decodes, <see cref="Opener.OpenDecrypted"/>), so this
    /// only decrypts, with the content key the gate unwrapped when it has it, else unwrapping it again
    /// (<see cref="Opener.OpenAdmitted(SealedEnvelope)"/>); the AES-GCM tags still refuse
    /// bytes altered at rest; the arrival's own id and sender must match the header, so that swapped rows are refused too.
    /// </summary>
    public OpenResult OpenForReader(InboxEvents.Received arrival)
    {
        var opened = Open(arrival);
        return !opened.IsOpened || (opened.Header.Id == arrival.Id && opened.Header.From == arrival.From)
            ? opened
            : new OpenResult(OpenOutcome.Tampered, opened.Header, null, $"the inbox holds it as {arrival.Id} from {arrival.From}, but its header says {opened.Header.Id} from {opened.Header.From}");
    }

    private OpenResult Open(InboxEvents.Received arrival)
    {
        if (Admitted.Take(arrival.Id, arrival.Sealed) is not var (envelope, contentKey, plaintext))
            return Opener.OpenAdmitted(SealedEnvelope.FromBytes(arrival.Sealed));
        try
        {
            if (plaintext is not null)
                return Opener.OpenDecrypted(envelope, plaintext);
            return contentKey is null ? Opener.OpenAdmitted(envelope) : Opener.OpenAdmitted(envelope, contentKey);
        }
        finally
        {
            if (contentKey is not null)
                CryptographicOperations.ZeroMemory(contentKey);
            if (plaintext is not null)
                CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Loads the bureau's keys from <c>&lt;data&gt;/keys</c>, making them on first start.</summary>
    /// <exception cref="KeyFileException">A key file is corrupt or unreadable; the message names it.</exception>
    public static BureauCrypto LoadOrCreate(BureauCode bureau, string dataDirectory) => LoadOrCreate(bureau, dataDirectory, new PublicKeyDirectory());

    /// <summary>
    /// As <see cref="LoadOrCreate(BureauCode, string)"/>, trusting the public keys of <paramref name="directory"/>: bureaus hosted
    /// on one member share one, as they share the member's copy of the Secretariat's directory.
    /// </summary>
    public static BureauCrypto LoadOrCreate(BureauCode bureau, string dataDirectory, PublicKeyDirectory directory)
    {
        var keysDirectory = Path.Combine(dataDirectory, "keys");
        var created = !System.IO.Directory.Exists(keysDirectory) || !System.IO.Directory.EnumerateFiles(keysDirectory, "*.pem").Any();
        var keys = KeyStore.LoadOrCreate(keysDirectory);
        directory.Add(keys.PublicKeys(bureau));
        return new BureauCrypto(bureau, keys, directory, keysDirectory, created);
    }

    /// <summary>
    /// Makes and writes the next version of the keys (with its rotation proof), and seals and opens with it from now on.
    /// The old ring is not disposed: a seal or open in flight may still hold it.
    /// </summary>
    public BureauPublicKeys Rotate()
    {
        lock (rotation)
        {
            var next = KeyStore.Rotate(keysDirectory, Bureau);
            Directory.Add(next.PublicKeys(Bureau));
            current = Make(next);
            return PublicKeys;
        }
    }

    private Generation Make(BureauKeyRing keys) =>
        new(keys, new Sealer(Bureau, keys, Directory), new Opener(Bureau, keys, Directory), KeyStore.LoadRotationProof(keysDirectory, keys.Version));

    // The gate is stateless and small: one for each check costs less than keeping a cached one in step with rotations.
    private sealed class CurrentKeysGate(BureauCrypto crypto) : IEnvelopeGate
    {
        public GateVerdict Check(BureauCode from, Parcel parcel) => new SealedEnvelopeGate(crypto.Bureau, crypto.Opener, crypto.Admitted).Check(from, parcel);
    }
}
