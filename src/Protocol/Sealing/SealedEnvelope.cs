using ActorNet.Protocol.Serialization;

namespace ActorNet.Protocol.Sealing;

/// <summary>A message as it travels and rests: clear header, encrypted payload, one wrapped content key per recipient, and the batch proof that signs it.</summary>
/// <param name="Payload">AES-256-GCM nonce ‖ ciphertext ‖ tag of the payload, with the canonical header as associated data.</param>
/// <param name="KeyProof">Set on an envelope cut down to one recipient (<see cref="CutFor"/>): <see cref="Keys"/> holds that
/// recipient's key only, and this proves where it sits among all the keys the sender signed.</param>
/// <param name="WrapSalt">Empty: each key is wrapped under a key derived for this envelope alone (HKDF salted with its id).
/// Else <see cref="WrapSaltSize"/> random bytes shared by the envelopes a sealer seals for a while (whole batches, up to
/// <see cref="Sealer.WrapsPerSalt"/> wraps or <see cref="Sealer.SaltLifetime"/>): each recipient's key-wrapping key is derived
/// once for all of them (HKDF salted with them), and each wrap has its own random nonce. Covered by the digest.
/// Only recipients that said they read it get it (<c>Accepted.BatchWraps</c>): older nodes cannot.</param>
public sealed record SealedEnvelope(EnvelopeHeader Header, ReadOnlyMemory<byte> Payload, IReadOnlyList<WrappedKey> Keys, BatchProof Proof,
    KeyProof? KeyProof = null, ReadOnlyMemory<byte> WrapSalt = default) : IActorNetMessage
{
    public const string Manifest = "m.env";

    public const int WrapSaltSize = 16;

    public EnvelopeHeader Header { get; } = Header ?? throw new ArgumentNullException(nameof(Header));

    public ReadOnlyMemory<byte> Payload { get; } = Payload.Length >= Aead.Overhead
        ? Payload
        : throw new ArgumentException($"a sealed payload is at least {Aead.Overhead} bytes", nameof(Payload));

    public IReadOnlyList<WrappedKey> Keys { get; } = Keys?.ToArray() is { Length: > 0 } keys && keys.All(k => k is not null)
        ? keys
        : throw new ArgumentException("a sealed envelope carries at least one wrapped key", nameof(Keys));

    public BatchProof Proof { get; } = Proof ?? throw new ArgumentNullException(nameof(Proof));

    public KeyProof? KeyProof { get; } = KeyProof is null || Keys?.Count == 1
        ? KeyProof
        : throw new ArgumentException("an envelope cut down to one recipient carries exactly one wrapped key", nameof(KeyProof));

    public ReadOnlyMemory<byte> WrapSalt { get; } = WrapSalt.Length is 0 or WrapSaltSize
        ? WrapSalt
        : throw new ArgumentException($"a wrap salt is {WrapSaltSize} bytes, not {WrapSalt.Length}", nameof(WrapSalt));

    /// <summary>Whether this is an envelope cut down to one recipient's key.</summary>
    public bool IsCut => KeyProof is not null;

    /// <summary>
    /// The cuts of this whole envelope, one per recipient, each carrying only that recipient's wrapped key: a recipient of a
    /// message to fifty bureaus then receives and stores its own key and a few hashes instead of every other bureau's key.
    /// Null when the envelope cannot be cut: already cut, for one recipient only, or sealed by a node older than v2 leaves
    /// (found by working the cut's leaf up to the signed root, which needs no key: a cut is only made if it would verify).
    /// </summary>
    public EnvelopeCuts? Cuts() => !IsCut && Keys.Count > 1 && Proof.LeafIndex % 2 == 0 && Proof.LeafIndex + 1 < Proof.BatchSize && Proof.Path.Count > 0
        ? EnvelopeCuts.Of(this)
        : null;

    /// <summary>This envelope cut down to <paramref name="recipient"/>'s key; null when it cannot be cut or names no key for it.</summary>
    public SealedEnvelope? CutFor(BureauCode recipient) => Cuts()?.For(recipient);

    /// <summary>The id the inbox deduplicates by.</summary>
    public string Id => Header.Id;

    public byte[] ToBytes() => WireFormat.Encode(this);

    /// <exception cref="WireFormatException">The bytes are not a sealed envelope.</exception>
    public static SealedEnvelope FromBytes(ReadOnlyMemory<byte> bytes) => (SealedEnvelope)WireFormat.Decode(bytes, Manifest);
}

/// <summary>
/// What it takes to cut one whole envelope for each of its recipients: the Merkle tree of its keys and its v1 leaf's hash,
/// worked out once. The cut's batch proof points at the envelope's v2 leaf, the v1 leaf's sibling, whose path is the v1
/// path with the v1 leaf's hash in place of the v2 leaf's.
/// </summary>
public sealed class EnvelopeCuts
{
    private readonly SealedEnvelope whole;
    private readonly List<ReadOnlyMemory<byte>>[] keyPaths;
    private readonly ReadOnlyMemory<byte>[] batchPath;
    private byte[]? shared;

    private EnvelopeCuts(SealedEnvelope whole, List<ReadOnlyMemory<byte>>[] keyPaths, ReadOnlyMemory<byte>[] batchPath) =>
        (this.whole, this.keyPaths, this.batchPath) = (whole, keyPaths, batchPath);

    internal static EnvelopeCuts? Of(SealedEnvelope whole)
    {
        var (keysRoot, keyPaths) = MerkleTree.Build(whole.Keys.Select(Canonical.KeyDigest).ToArray());
        var header = Canonical.Header(whole.Header);
        var v1 = Canonical.Digest(header, whole.Payload.Span, whole.Keys, whole.WrapSalt);
        Span<byte> v2 = stackalloc byte[MerkleTree.HashSize];
        Canonical.DigestV2(header, whole.Payload.Span, whole.Keys.Count, keysRoot, whole.WrapSalt, v2);
        var batchPath = whole.Proof.Path.ToArray();
        batchPath[0] = MerkleTree.LeafHash(v1);
        var root = MerkleTree.RootFromPath(v2, whole.Proof.LeafIndex + 1, whole.Proof.BatchSize, batchPath);
        return root is not null && root.AsSpan().SequenceEqual(whole.Proof.Root.Span) ? new EnvelopeCuts(whole, keyPaths, batchPath) : null;
    }

    public SealedEnvelope? For(BureauCode recipient) => IndexOf(recipient) is var i and >= 0 ? Cut(i) : null;

    /// <summary>
    /// The bytes of <see cref="For"/>'s envelope, read the same; what all cuts share (the header with every recipient,
    /// the payload, the batch proof) is encoded once for all of them.
    /// </summary>
    public byte[]? BytesFor(BureauCode recipient)
    {
        var i = IndexOf(recipient);
        if (i < 0)
            return null;
        shared ??= WireFormat.EncodeAllButKey(Cut(i));
        var own = WireFormat.EncodeKeyOnly(whole.Keys[i], new KeyProof(i, whole.Keys.Count, keyPaths[i]));
        var bytes = GC.AllocateUninitializedArray<byte>(shared.Length + own.Length); // both parts are copied in whole
        shared.CopyTo(bytes, 0);
        own.CopyTo(bytes, shared.Length);
        return bytes;
    }

    private int IndexOf(BureauCode recipient)
    {
        for (var i = 0; i < whole.Keys.Count; i++)
            if (whole.Keys[i].Recipient == recipient)
                return i;
        return -1;
    }

    private SealedEnvelope Cut(int i)
    {
        var proof = whole.Proof;
        return new SealedEnvelope(whole.Header, whole.Payload, [whole.Keys[i]],
            new BatchProof(proof.Root, proof.LeafIndex + 1, proof.BatchSize, batchPath, proof.Signature),
            new KeyProof(i, whole.Keys.Count, keyPaths[i]), whole.WrapSalt);
    }
}

/// <summary>Where one wrapped key sits among the <paramref name="Count"/> keys of its envelope: RFC 9162 inclusion path of its <c>KeyDigest</c>.</summary>
public sealed record KeyProof(int Index, int Count, IReadOnlyList<ReadOnlyMemory<byte>> Path)
{
    public int Count { get; } = Count is >= 1 and <= EnvelopeHeader.MaxRecipients
        ? Count
        : throw new ArgumentOutOfRangeException(nameof(Count), Count, $"an envelope has 1 to {EnvelopeHeader.MaxRecipients} keys");

    public int Index { get; } = Index >= 0 && Index < Count
        ? Index
        : throw new ArgumentOutOfRangeException(nameof(Index), Index, "the key index lies outside the envelope's keys");

    public IReadOnlyList<ReadOnlyMemory<byte>> Path { get; } = MerkleTree.CheckedPath(Path, "key path", nameof(Path));
}

/// <summary>The content key of one envelope, wrapped for one recipient under a key derived from the pairwise secret.</summary>
/// <param name="RecipientKeyVersion">The version of the recipient's agreement key it was wrapped to.</param>
/// <param name="Key">AES-256-GCM nonce ‖ wrapped content key ‖ tag.</param>
public sealed record WrappedKey(BureauCode Recipient, int RecipientKeyVersion, ReadOnlyMemory<byte> Key)
{
    public const int Length = Aead.NonceSize + Aead.KeySize + Aead.TagSize;

    public BureauCode Recipient { get; } = Recipient ?? throw new ArgumentNullException(nameof(Recipient));

    public int RecipientKeyVersion { get; } = RecipientKeyVersion >= 1
        ? RecipientKeyVersion
        : throw new ArgumentOutOfRangeException(nameof(RecipientKeyVersion), RecipientKeyVersion, "key versions start at 1");

    public ReadOnlyMemory<byte> Key { get; } = Key.Length == Length
        ? Key
        : throw new ArgumentException($"a wrapped key is {Length} bytes, not {Key.Length}", nameof(Key));
}

/// <summary>
/// What ties one envelope to the single signature of its batch: the Merkle root the sender signed,
/// the envelope's place among the batch's leaves and the sibling hashes from its leaf up to the root (RFC 9162 inclusion proof).
/// </summary>
/// <param name="Signature">ECDSA P-256 over the root, IEEE P1363 (r ‖ s).</param>
public sealed record BatchProof(ReadOnlyMemory<byte> Root, int LeafIndex, int BatchSize, IReadOnlyList<ReadOnlyMemory<byte>> Path, ReadOnlyMemory<byte> Signature)
{
    public const int SignatureLength = 64;
    public const int MaxBatchSize = 1 << 20;

    public ReadOnlyMemory<byte> Root { get; } = Root.Length == MerkleTree.HashSize
        ? Root
        : throw new ArgumentException($"a Merkle root is {MerkleTree.HashSize} bytes", nameof(Root));

    public int BatchSize { get; } = BatchSize is >= 1 and <= MaxBatchSize
        ? BatchSize
        : throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"a batch holds 1 to {MaxBatchSize} envelopes");

    public int LeafIndex { get; } = LeafIndex >= 0 && LeafIndex < BatchSize
        ? LeafIndex
        : throw new ArgumentOutOfRangeException(nameof(LeafIndex), LeafIndex, "the leaf index lies outside the batch");

    public IReadOnlyList<ReadOnlyMemory<byte>> Path { get; } = MerkleTree.CheckedPath(Path, "Merkle path", nameof(Path));

    public ReadOnlyMemory<byte> Signature { get; } = Signature.Length == SignatureLength
        ? Signature
        : throw new ArgumentException($"a batch signature is {SignatureLength} bytes", nameof(Signature));
}
