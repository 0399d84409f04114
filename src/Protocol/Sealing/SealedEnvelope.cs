using ActorNet.Protocol.Serialization;

namespace ActorNet.Protocol.Sealing;

/// <summary>A message as it travels and rests: clear header, encrypted payload, one wrapped content key per recipient, and the batch proof that signs it.</summary>
/// <param name="Payload">AES-256-GCM nonce ‖ ciphertext ‖ tag of the payload, with the canonical header as associated data.</param>
public sealed record SealedEnvelope(EnvelopeHeader Header, ReadOnlyMemory<byte> Payload, IReadOnlyList<WrappedKey> Keys, BatchProof Proof) : IActorNetMessage
{
    public const string Manifest = "m.env";

    public EnvelopeHeader Header { get; } = Header ?? throw new ArgumentNullException(nameof(Header));

    public ReadOnlyMemory<byte> Payload { get; } = Payload.Length >= Aead.Overhead
        ? Payload
        : throw new ArgumentException($"a sealed payload is at least {Aead.Overhead} bytes", nameof(Payload));

    public IReadOnlyList<WrappedKey> Keys { get; } = Keys?.ToArray() is { Length: > 0 } keys && keys.All(k => k is not null)
        ? keys
        : throw new ArgumentException("a sealed envelope carries at least one wrapped key", nameof(Keys));

    public BatchProof Proof { get; } = Proof ?? throw new ArgumentNullException(nameof(Proof));

    /// <summary>The id the inbox deduplicates by.</summary>
    public string Id => Header.Id;

    public byte[] ToBytes() => WireFormat.Encode(this);

    /// <exception cref="WireFormatException">The bytes are not a sealed envelope.</exception>
    public static SealedEnvelope FromBytes(ReadOnlyMemory<byte> bytes) => (SealedEnvelope)WireFormat.Decode(bytes, Manifest);
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

    public IReadOnlyList<ReadOnlyMemory<byte>> Path { get; } =
        Path?.ToArray() is { Length: <= 32 } path && path.All(h => h.Length == MerkleTree.HashSize)
            ? path
            : throw new ArgumentException($"a Merkle path is at most 32 hashes of {MerkleTree.HashSize} bytes", nameof(Path));

    public ReadOnlyMemory<byte> Signature { get; } = Signature.Length == SignatureLength
        ? Signature
        : throw new ArgumentException($"a batch signature is {SignatureLength} bytes", nameof(Signature));
}
