using System.Security.Cryptography;

namespace ActorNet.Protocol.Sealing;

/// <summary>
/// Seals a bureau's outgoing messages in batches: each payload is encrypted once under a fresh content key,
/// that key is wrapped for each recipient under a key derived from a cached pairwise secret,
/// and the whole batch is signed once, over the Merkle root of its envelopes.
/// </summary>
/// <remarks>
/// Each envelope has two leaves in the batch tree, side by side: v1, its digest over every wrapped key, which every node
/// checks; and v2, whose keys enter through a Merkle root of their own, which lets an outbox hand each recipient an
/// envelope cut down to its own key (<see cref="SealedEnvelope.CutFor"/>). Nodes older than v2 see a batch twice as large.
/// Thread-safe: several batches may be sealed at once.
/// </remarks>
public sealed class Sealer(BureauCode bureau, BureauKeyRing keys, IPublicKeyLookup directory)
{
    /// <summary>Content keys one salt's wrapping keys wrap at most (checked before each envelope, whose keys all go under one salt).</summary>
    /// <remarks>Each wrap has its own random 96-bit nonce, so one AES-GCM key is sound for far more (2^32); this keeps a key short-lived.</remarks>
    public const int WrapsPerSalt = 100_000;

    /// <summary>How long one salt's wrapping keys are used at most.</summary>
    public static readonly TimeSpan SaltLifetime = TimeSpan.FromMinutes(1);

    private readonly Lock _wrapKeysLock = new();
    private BatchWrapKeys? _wrapKeys;

    public BureauCode Bureau { get; } = bureau ?? throw new ArgumentNullException(nameof(bureau));

    /// <summary>The clock that ages a salt; the system's unless a test sets another.</summary>
    internal TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary><see cref="WrapsPerSalt"/> unless a test sets another.</summary>
    internal int WrapsPerSaltLimit { get; init; } = WrapsPerSalt;

    /// <summary>The key version new envelopes must name as <see cref="EnvelopeHeader.SenderKeyVersion"/>.</summary>
    public int KeyVersion => keys.Version;

    /// <summary>A header from this bureau under its current key version.</summary>
    public EnvelopeHeader Header(string id, IReadOnlyList<BureauCode> to, DateTimeOffset sentAt, HandlingCode handlingCode,
        string? caseId = null, bool forwardingAllowed = false) =>
        new(id, Bureau, to, sentAt, handlingCode, caseId, keys.Version, forwardingAllowed);

    public SealedEnvelope Seal(EnvelopeHeader header, MessagePayload payload, Func<BureauCode, bool>? readsBatchWraps = null) =>
        Seal([(header, payload)], readsBatchWraps)[0];

    /// <summary>Seals a batch under one signature; the envelopes come back in the batch's order.</summary>
    /// <param name="readsBatchWraps">Which recipients open keys wrapped under a key made once a batch
    /// (<see cref="SealedEnvelope.WrapSalt"/>): an envelope all of whose recipients do is sealed so, the others as before.</param>
    /// <exception cref="ArgumentException">A header is not from this bureau, names another key version than the current one, or the batch is empty or too large.</exception>
    /// <exception cref="UnknownRecipientException">The directory has no keys for a recipient.</exception>
    public IReadOnlyList<SealedEnvelope> Seal(IReadOnlyList<(EnvelopeHeader Header, MessagePayload Payload)> batch, Func<BureauCode, bool>? readsBatchWraps = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count is 0 or > BatchProof.MaxBatchSize / 2)
            throw new ArgumentException($"a batch holds 1 to {BatchProof.MaxBatchSize / 2} messages, not {batch.Count}", nameof(batch));
        var version = keys.Version;
        var parts = new (EnvelopeHeader Header, byte[] CanonicalHeader, byte[] Payload, WrappedKey[] Keys, ReadOnlyMemory<byte> WrapSalt)[batch.Count];
        var digests = new byte[2 * batch.Count][];
        var randomBytes = 0;
        foreach (var (header, payload) in batch)
        {
            ArgumentNullException.ThrowIfNull(header);
            ArgumentNullException.ThrowIfNull(payload);
            if (header.From != Bureau)
                throw new ArgumentException($"envelope {header.Id} is from {header.From}, but this sealer seals for {Bureau}", nameof(batch));
            if (header.SenderKeyVersion != version)
                throw new ArgumentException($"envelope {header.Id} names key version {header.SenderKeyVersion}, but the current one is {version}", nameof(batch));
            randomBytes += RandomBytesFor(header);
        }

        // One draw for the content keys and nonces of the whole batch: each call to the generator costs more than its bytes.
        var random = RandomNumberGenerator.GetBytes(randomBytes);
        try
        {
            var offset = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                var (header, payload) = batch[i];
                var length = RandomBytesFor(header);
                var batchWrapped = readsBatchWraps is not null && header.To.All(readsBatchWraps);
                parts[i] = SealOne(header, payload, version, random.AsSpan(offset, length), batchWrapped);
                offset += length;
                digests[2 * i] = Canonical.Digest(parts[i].CanonicalHeader, parts[i].Payload, parts[i].Keys, parts[i].WrapSalt);
                var keysRoot = MerkleTree.Root(parts[i].Keys.Select(Canonical.KeyDigest).ToArray());
                digests[2 * i + 1] = new byte[MerkleTree.HashSize];
                Canonical.DigestV2(parts[i].CanonicalHeader, parts[i].Payload, parts[i].Keys.Length, keysRoot, parts[i].WrapSalt, digests[2 * i + 1]);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }

        var (root, paths) = MerkleTree.Build(digests);
        var signature = keys.Sign(Canonical.BatchToSign(Bureau, version, root));
        var envelopes = new SealedEnvelope[batch.Count];
        for (var i = 0; i < batch.Count; i++)
            envelopes[i] = new SealedEnvelope(parts[i].Header, parts[i].Payload, parts[i].Keys,
                new BatchProof(root, 2 * i, 2 * batch.Count, paths[2 * i], signature), WrapSalt: parts[i].WrapSalt);
        return envelopes;
    }

    /// <summary>A content key, and a nonce for the payload and for each recipient's wrapped key.</summary>
    private static int RandomBytesFor(EnvelopeHeader header) => Aead.KeySize + Aead.NonceSize * (1 + header.To.Count);

    /// <param name="batchWrapped">Whether the keys go under the sealer's current wrap salt (<see cref="SealedEnvelope.WrapSalt"/>), else under a key for this envelope alone.</param>
    private (EnvelopeHeader, byte[], byte[], WrappedKey[], ReadOnlyMemory<byte>) SealOne(EnvelopeHeader header, MessagePayload payload, int version,
        ReadOnlySpan<byte> random, bool batchWrapped)
    {
        var canonicalHeader = Canonical.Header(header);
        var contentKey = random[..Aead.KeySize];
        var plaintext = PayloadCodec.Encode(payload, out var plaintextLength);
        Span<byte> kek = stackalloc byte[Aead.KeySize];
        try
        {
            var sealedPayload = Aead.Seal(contentKey, Nonce(random, 0), plaintext.AsSpan(0, plaintextLength), canonicalHeader);
            Span<byte> headerHash = stackalloc byte[SHA256.HashSizeInBytes];
            Sha256.Hash(canonicalHeader, headerHash);
            var recipients = new BureauPublicKeys[header.To.Count];
            for (var r = 0; r < recipients.Length; r++)
                recipients[r] = directory.Latest(header.To[r]) ?? throw new UnknownRecipientException(header.To[r]);
            var wrapped = new WrappedKey[recipients.Length];
            if (batchWrapped)
            {
                // The wrapping keys are shared by every batch sealed meanwhile: one envelope at a time, all of its keys under one salt.
                lock (_wrapKeysLock)
                {
                    var wrapKeys = CurrentWrapKeys(version);
                    for (var r = 0; r < recipients.Length; r++)
                        wrapped[r] = new WrappedKey(recipients[r].Bureau, recipients[r].Version, wrapKeys.Wrap(recipients[r], Nonce(random, 1 + r), contentKey, headerHash));
                    return (header, canonicalHeader, sealedPayload, wrapped, wrapKeys.Salt);
                }
            }
            var salt = Canonical.WrapSalt(header.Id);
            for (var r = 0; r < recipients.Length; r++)
            {
                var recipient = recipients[r];
                KeyWrapping.ForEnvelope(keys.PairwiseSecret(version, recipient), salt, Bureau, version, recipient.Bureau, recipient.Version, kek);
                wrapped[r] = new WrappedKey(recipient.Bureau, recipient.Version, Aead.Seal(kek, Nonce(random, 1 + r), contentKey, headerHash));
            }
            return (header, canonicalHeader, sealedPayload, wrapped, ReadOnlyMemory<byte>.Empty);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
            PayloadCodec.Release(plaintext, plaintextLength);
        }
    }

    private static ReadOnlySpan<byte> Nonce(ReadOnlySpan<byte> random, int index) => random.Slice(Aead.KeySize + index * Aead.NonceSize, Aead.NonceSize);

    /// <summary>
    /// The wrapping keys for keys wrapped once a batch, under a salt kept across batches until it has wrapped
    /// <see cref="WrapsPerSalt"/> keys or is <see cref="SaltLifetime"/> old: deriving and loading a recipient's wrapping key
    /// cost ~6 µs a batch here and again at the recipient's gate (which keeps the last salt's key), an eighth of a single
    /// message's sealing (docs/benchmarks.md, session 37). Called under <see cref="_wrapKeysLock"/>, so a retired salt's keys
    /// are in no one's hands and are disposed at once.
    /// </summary>
    private BatchWrapKeys CurrentWrapKeys(int version)
    {
        var now = Clock.GetUtcNow();
        if (_wrapKeys is { } current && current.Wraps < WrapsPerSaltLimit && now - current.Since < SaltLifetime)
            return current;
        _wrapKeys?.Dispose();
        return _wrapKeys = new BatchWrapKeys(Bureau, version, RandomNumberGenerator.GetBytes(SealedEnvelope.WrapSaltSize), keys, now);
    }

    /// <summary>
    /// One salt's key-wrapping keys, one a recipient key version, derived when first needed from the pairwise secret and
    /// the salt, and loaded once. Used under the sealer's lock only.
    /// </summary>
    private sealed class BatchWrapKeys(BureauCode from, int version, byte[] salt, BureauKeyRing keys, DateTimeOffset since) : IDisposable
    {
        // Each with the pairwise secret it comes from, as the key ring keeps it (one array a pair of keys): should a lookup ever
        // give other keys under a version (the directory refuses that), the wrapping key is derived again, never reused.
        private readonly Dictionary<(BureauCode, int), (byte[] Secret, AesGcm Aes)> loaded = new();

        public DateTimeOffset Since => since;

        public int Wraps { get; private set; }

        public ReadOnlyMemory<byte> Salt { get; } = salt;

        /// <summary><paramref name="contentKey"/> wrapped for <paramref name="recipient"/>.</summary>
        public byte[] Wrap(BureauPublicKeys recipient, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> contentKey, ReadOnlySpan<byte> headerHash)
        {
            var secret = keys.PairwiseSecret(version, recipient);
            if (!loaded.TryGetValue((recipient.Bureau, recipient.Version), out var known) || !ReferenceEquals(known.Secret, secret))
            {
                known.Aes?.Dispose();
                loaded[(recipient.Bureau, recipient.Version)] = known =
                    (secret, KeyWrapping.ForBatch(secret, salt, from, version, recipient.Bureau, recipient.Version));
            }
            Wraps++;
            return Aead.Seal(known.Aes, nonce, contentKey, headerHash);
        }

        public void Dispose()
        {
            foreach (var (_, aes) in loaded.Values)
                aes.Dispose();
            loaded.Clear();
        }
    }
}

/// <summary>A message names a recipient whose keys the directory does not hold.</summary>
public sealed class UnknownRecipientException(BureauCode bureau)
    : Exception($"Bureau {bureau} has no keys in the directory: it has not enrolled, or the directory copy is behind")
{
    public BureauCode Bureau { get; } = bureau;
}
