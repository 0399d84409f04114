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
    /// <summary>Content keys one salt's wrapping keys wrap at most (a soft bound: a batch under way finishes under its salt).</summary>
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
        var parts = new (EnvelopeHeader Header, byte[] CanonicalHeader, byte[] Payload, WrappedKey[] Keys)[batch.Count];
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
        var wrapKeys = readsBatchWraps is null ? null : LeaseWrapKeys(version);
        var salts = new ReadOnlyMemory<byte>[batch.Count];
        try
        {
            var offset = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                var (header, payload) = batch[i];
                var length = RandomBytesFor(header);
                var batchWrapped = wrapKeys is not null && header.To.All(readsBatchWraps!);
                salts[i] = batchWrapped ? wrapKeys!.Salt : ReadOnlyMemory<byte>.Empty;
                parts[i] = SealOne(header, payload, version, random.AsSpan(offset, length), batchWrapped ? wrapKeys : null);
                offset += length;
                digests[2 * i] = Canonical.Digest(parts[i].CanonicalHeader, parts[i].Payload, parts[i].Keys, salts[i]);
                var keysRoot = MerkleTree.Root(parts[i].Keys.Select(Canonical.KeyDigest).ToArray());
                digests[2 * i + 1] = new byte[MerkleTree.HashSize];
                Canonical.DigestV2(parts[i].CanonicalHeader, parts[i].Payload, parts[i].Keys.Length, keysRoot, salts[i], digests[2 * i + 1]);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
            wrapKeys?.Release();
        }

        var (root, paths) = MerkleTree.Build(digests);
        var signature = keys.Sign(Canonical.BatchToSign(Bureau, version, root));
        var envelopes = new SealedEnvelope[batch.Count];
        for (var i = 0; i < batch.Count; i++)
            envelopes[i] = new SealedEnvelope(parts[i].Header, parts[i].Payload, parts[i].Keys,
                new BatchProof(root, 2 * i, 2 * batch.Count, paths[2 * i], signature), WrapSalt: salts[i]);
        return envelopes;
    }

    /// <summary>A content key, and a nonce for the payload and for each recipient's wrapped key.</summary>
    private static int RandomBytesFor(EnvelopeHeader header) => Aead.KeySize + Aead.NonceSize * (1 + header.To.Count);

    private (EnvelopeHeader, byte[], byte[], WrappedKey[]) SealOne(EnvelopeHeader header, MessagePayload payload, int version, ReadOnlySpan<byte> random,
        BatchWrapKeys? wrapKeys)
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
            var salt = wrapKeys is null ? Canonical.WrapSalt(header.Id) : null;
            var wrapped = new WrappedKey[header.To.Count];
            for (var r = 0; r < header.To.Count; r++)
            {
                var recipient = directory.Latest(header.To[r]) ?? throw new UnknownRecipientException(header.To[r]);
                byte[] key;
                if (wrapKeys is not null)
                    key = wrapKeys.Wrap(recipient, Nonce(random, 1 + r), contentKey, headerHash);
                else
                {
                    KeyWrapping.ForEnvelope(keys.PairwiseSecret(version, recipient), salt, Bureau, version, recipient.Bureau, recipient.Version, kek);
                    key = Aead.Seal(kek, Nonce(random, 1 + r), contentKey, headerHash);
                }
                wrapped[r] = new WrappedKey(recipient.Bureau, recipient.Version, key);
            }
            return (header, canonicalHeader, sealedPayload, wrapped);
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
    /// <see cref="WrapsPerSalt"/> keys or is <see cref="SaltLifetime"/> old: deriving and loading a
    /// recipient's wrapping key cost ~6 µs a batch here and again at the recipient's gate (which keeps the last salt's key),
    /// an eighth of a single message's sealing (docs/benchmarks.md, session 37).
    /// </summary>
    private BatchWrapKeys LeaseWrapKeys(int version)
    {
        lock (_wrapKeysLock)
        {
            var now = Clock.GetUtcNow();
            if (_wrapKeys is not { } current || current.Wraps >= WrapsPerSaltLimit || now - current.Since >= SaltLifetime)
            {
                _wrapKeys?.Retire();
                _wrapKeys = current = new BatchWrapKeys(Bureau, version, RandomNumberGenerator.GetBytes(SealedEnvelope.WrapSaltSize), keys, now);
            }
            current.Lease();
            return current;
        }
    }

    /// <summary>
    /// One salt's key-wrapping keys, one a recipient key version, derived when first needed from the pairwise secret and
    /// the salt, and loaded once. Shared by the batches sealed meanwhile, on any thread; disposed once retired and released by all.
    /// </summary>
    private sealed class BatchWrapKeys(BureauCode from, int version, byte[] salt, BureauKeyRing keys, DateTimeOffset since)
    {
        private readonly Lock gate = new();
        // Each with the pairwise secret it comes from, as the key ring keeps it (one array a pair of keys): should a lookup ever
        // give other keys under a version (the directory refuses that), the wrapping key is derived again, never reused.
        private readonly Dictionary<(BureauCode, int), (byte[] Secret, AesGcm Aes)> loaded = new();
        private int leases;
        private bool retired;
        private int wraps;

        public DateTimeOffset Since => since;

        public int Wraps => Volatile.Read(ref wraps);

        public ReadOnlyMemory<byte> Salt { get; } = salt;

        public void Lease()
        {
            lock (gate)
                leases++;
        }

        /// <summary><paramref name="contentKey"/> wrapped for <paramref name="recipient"/> (an AES-GCM key is used by one thread at a time).</summary>
        public byte[] Wrap(BureauPublicKeys recipient, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> contentKey, ReadOnlySpan<byte> headerHash)
        {
            var secret = keys.PairwiseSecret(version, recipient);
            lock (gate)
            {
                if (!loaded.TryGetValue((recipient.Bureau, recipient.Version), out var known) || !ReferenceEquals(known.Secret, secret))
                {
                    known.Aes?.Dispose();
                    loaded[(recipient.Bureau, recipient.Version)] = known =
                        (secret, KeyWrapping.ForBatch(secret, salt, from, version, recipient.Bureau, recipient.Version));
                }
                wraps++;
                return Aead.Seal(known.Aes, nonce, contentKey, headerHash);
            }
        }

        public void Release()
        {
            lock (gate)
            {
                leases--;
                DisposeIfDone();
            }
        }

        public void Retire()
        {
            lock (gate)
            {
                retired = true;
                DisposeIfDone();
            }
        }

        private void DisposeIfDone()
        {
            if (!retired || leases > 0)
                return;
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
