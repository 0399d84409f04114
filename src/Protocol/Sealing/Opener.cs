using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;

namespace ActorNet.Protocol.Sealing;

/// <summary>
/// Checks and opens envelopes addressed to this bureau: Merkle path to the signed root, the root's signature
/// against the sender's directory key (once a batch, thanks to a cache of verified roots), then unwraps and decrypts.
/// The inbox's gate checks with <see cref="Admit"/>; its reader, later, opens with <see cref="OpenAdmitted"/>.
/// </summary>
/// <remarks>Thread-safe. Replays are the inbox's to catch, by <see cref="SealedEnvelope.Id"/>.</remarks>
public sealed class Opener(BureauCode bureau, BureauKeyRing keys, IPublicKeyLookup directory)
{
    private readonly BureauCode bureau = bureau ?? throw new ArgumentNullException(nameof(bureau));
    // Shared by every bureau this process hosts: a batch to fifty of them is signed once and verified once, not fifty times.
    // Whether a signature verifies under a key is the same for every reader; an entry is trusted only with the same signer
    // and signature. A reader opens what the gate verified moments before, so a few hundred roots suffice; with 4,096, at
    // 1,000 single-message batches a second each entry lived four seconds, and the recipient's young collections copied them
    // all (docs/benchmarks.md, session 24). A reader further behind verifies a batch's signature again, once a batch.
    private static readonly VerifiedRoots verifiedRoots = new(256);
    private readonly KnownTrees knownTrees = new(4);
    // Shared by every bureau this process hosts: the cuts of one message reach each of them once.
    private static readonly SharedByRecipients<byte[]> CutPaths = new(1024);
    private readonly ConcurrentDictionary<(BureauCode, int), Verifier> verifiers = new();

    /// <summary>Whether this process has verified <paramref name="envelope"/>'s batch signature (for tests).</summary>
    internal static bool HasVerifiedBatchOf(SealedEnvelope envelope, BureauPublicKeys sender) =>
        verifiedRoots.Contains(envelope.Proof.Root.Span, sender, envelope.Proof.Signature.Span);

    /// <summary>Bytes of a content key (AES-256), as <see cref="Admit(SealedEnvelope, Span{byte})"/> hands it out.</summary>
    public const int ContentKeySize = Aead.KeySize;

    /// <summary>Everything is checked, from the Merkle path and the batch signature to the payload's decryption and decoding.</summary>
    public OpenResult Open(SealedEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var canonicalHeader = Canonical.Header(envelope.Header);
        if (Authenticate(envelope, canonicalHeader, out var sender) is { } refused)
            return refused;
        return Decrypt(envelope, canonicalHeader, sender);
    }

    /// <summary>
    /// The inbox gate's check: what <see cref="Open"/> checks, the payload's authentication tag included, except decoding the
    /// payload. Null when the envelope may enter the inbox, else the refusal.
    /// </summary>
    /// <remarks>
    /// A payload that does not authenticate (a broken or malicious sender) is refused at the door. Decoding it, which makes
    /// the subject, body and attachments, is left to the reader: done at the gate too, it was a second decode of every message
    /// (and a fan-out's largest cost at the recipient after parsing). Only a payload its sender signed, encrypted and could
    /// not have meant, bytes that authenticate but do not decode, gets in; its reader is told it cannot be opened.
    /// </remarks>
    public OpenResult? Admit(SealedEnvelope envelope)
    {
        Span<byte> contentKey = stackalloc byte[Aead.KeySize];
        try
        {
            return Admit(envelope, contentKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    /// <summary>
    /// As <see cref="Admit(SealedEnvelope)"/>, leaving the content key it unwrapped in <paramref name="contentKey"/>
    /// (<see cref="Aead.KeySize"/> bytes) when it admits: the reader who comes moments later then decrypts with it
    /// (<see cref="OpenAdmitted(SealedEnvelope, ReadOnlySpan{byte})"/>) instead of agreeing on the wrapping key again.
    /// The caller keeps the key in memory only, and wipes it.
    /// </summary>
    public OpenResult? Admit(SealedEnvelope envelope, Span<byte> contentKey)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var length = PlaintextLength(envelope);
        var plaintext = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            return Admit(envelope, contentKey, plaintext.AsSpan(0, length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            ArrayPool<byte>.Shared.Return(plaintext);
        }
    }

    /// <summary>Bytes of an envelope's decrypted payload: what <see cref="Admit(SealedEnvelope, Span{byte}, Span{byte})"/> fills.</summary>
    public static int PlaintextLength(SealedEnvelope envelope) => Math.Max(0, envelope.Payload.Length - Aead.Overhead);

    /// <summary>
    /// As <see cref="Admit(SealedEnvelope, Span{byte})"/>, leaving the decrypted payload in <paramref name="plaintext"/>
    /// (<see cref="PlaintextLength"/> bytes) as well when it admits: the reader then only decodes it
    /// (<see cref="OpenDecrypted"/>) instead of decrypting it a second time. The caller keeps both in memory only, and wipes them.
    /// </summary>
    public OpenResult? Admit(SealedEnvelope envelope, Span<byte> contentKey, Span<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (contentKey.Length != Aead.KeySize)
            throw new ArgumentException($"a content key is {Aead.KeySize} bytes", nameof(contentKey));
        if (plaintext.Length != PlaintextLength(envelope))
            throw new ArgumentException($"the envelope's plaintext is {PlaintextLength(envelope)} bytes", nameof(plaintext));
        var canonicalHeader = Canonical.Header(envelope.Header);
        var refused = Authenticate(envelope, canonicalHeader, out var sender) ?? DecryptInto(envelope, canonicalHeader, sender, plaintext, contentKey);
        if (refused is not null)
            CryptographicOperations.ZeroMemory(plaintext); // nothing of a refused envelope leaves here
        return refused;
    }

    /// <summary>
    /// The reader's opening of an envelope whose payload the gate decrypted when it admitted it
    /// (<see cref="Admit(SealedEnvelope, Span{byte}, Span{byte})"/>): decodes it. Only for the plaintext the gate made from
    /// these very envelope bytes, still in memory; anything read back from storage goes through <see cref="OpenAdmitted(SealedEnvelope)"/>.
    /// </summary>
    public OpenResult OpenDecrypted(SealedEnvelope envelope, byte[] plaintext)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(plaintext);
        if (plaintext.Length != PlaintextLength(envelope))
            throw new ArgumentException($"the envelope's plaintext is {PlaintextLength(envelope)} bytes", nameof(plaintext));
        return FindSender(envelope.Header, out _) ?? Decode(envelope, plaintext);
    }

    /// <summary>
    /// The reader's opening of an envelope that <see cref="Admit"/> let into this bureau's inbox: unwraps and decrypts,
    /// without recomputing the Merkle path or looking at the batch signature again.
    /// </summary>
    /// <remarks>
    /// Safe because the two AES-GCM tags still bind everything the reader is shown. The payload's associated data is the whole
    /// canonical header, and its content key comes only from a wrapped key derived from the pairwise secret of (sender, us) with
    /// both key versions in the HKDF info: without the sender's or our agreement key, nobody can make bytes that pass, so a
    /// header, payload or wrapped key altered at rest after admission is refused as <see cref="OpenOutcome.Tampered"/>.
    /// What is skipped is the signature's extra, which is proof to third parties (non-repudiation): the gate checked it
    /// on arrival, and only admitted envelopes are persisted. Never use this for bytes that did not come through the gate.
    /// </remarks>
    public OpenResult OpenAdmitted(SealedEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return FindSender(envelope.Header, out var sender) ?? Decrypt(envelope, Canonical.Header(envelope.Header), sender);
    }

    /// <summary>
    /// As <see cref="OpenAdmitted(SealedEnvelope)"/>, with the content key the gate unwrapped from this very envelope
    /// (<see cref="Admit(SealedEnvelope, Span{byte})"/>): the payload's tag, over the canonical header, still refuses a
    /// key, header or payload that do not belong together.
    /// </summary>
    public OpenResult OpenAdmitted(SealedEnvelope envelope, ReadOnlySpan<byte> contentKey)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (contentKey.Length != Aead.KeySize)
            throw new ArgumentException($"a content key is {Aead.KeySize} bytes", nameof(contentKey));
        return FindSender(envelope.Header, out var sender) ?? OpenWith(envelope, Canonical.Header(envelope.Header), contentKey);
    }

    /// <summary>The sender's keys at the version the header names; null when the directory has them, else the refusal.</summary>
    private OpenResult? FindSender(EnvelopeHeader header, out BureauPublicKeys sender)
    {
        sender = directory.Find(header.From, header.SenderKeyVersion)!;
        return sender is null || sender.Bureau != header.From
            ? OpenResult.Refused(OpenOutcome.UnknownKey, header, $"no keys for {header.From} version {header.SenderKeyVersion} in the directory")
            : null;
    }

    /// <summary>The sender's keys, the Merkle path to the signed root and the root's signature; null when all hold.</summary>
    private OpenResult? Authenticate(SealedEnvelope envelope, byte[] canonicalHeader, out BureauPublicKeys sender)
    {
        var header = envelope.Header;
        var proof = envelope.Proof;
        if (FindSender(header, out sender) is { } unknown)
            return unknown;

        Span<byte> digest = stackalloc byte[MerkleTree.HashSize];
        if (envelope.KeyProof is { } keyProof)
        {
            // Cut down to one key: the key's path gives the root of all the keys the sender signed, and so the v2 leaf.
            var key = envelope.Keys[0];
            if (keyProof.Count != header.To.Count || header.To[keyProof.Index] != key.Recipient)
                return OpenResult.Refused(OpenOutcome.Tampered, header, "the key proof does not match the header's recipients");
            var keysRoot = MerkleTree.RootFromPath(Canonical.KeyDigest(key), keyProof.Index, keyProof.Count, keyProof.Path);
            if (keysRoot is null)
                return OpenResult.Refused(OpenOutcome.Tampered, header, "the key proof cannot belong to the envelope's keys");
            Canonical.DigestV2(canonicalHeader, envelope.Payload.Span, keyProof.Count, keysRoot, envelope.WrapSalt, digest);
        }
        else
            Canonical.Digest(canonicalHeader, envelope.Payload.Span, envelope.Keys, envelope.WrapSalt, digest);
        var root = envelope.KeyProof is { } cut
            ? RootOfCut(digest, proof, cut.Count)
            : MerkleTree.RootFromPath(digest, proof.LeafIndex, proof.BatchSize, proof.Path, knownTrees.For(proof));
        if (root is null || !CryptographicOperations.FixedTimeEquals(root, proof.Root.Span))
            return OpenResult.Refused(OpenOutcome.Tampered, header, "the envelope does not match the batch root it carries");

        if (!verifiedRoots.Contains(proof.Root.Span, sender, proof.Signature.Span))
        {
            if (!Verifier.For(verifiers, sender).Verify(Canonical.BatchToSign(sender.Bureau, sender.Version, proof.Root.Span), proof.Signature.Span))
                return OpenResult.Refused(OpenOutcome.Forged, header, $"the batch signature does not verify under {header.From}'s key version {sender.Version} ({sender.Fingerprint})");
            verifiedRoots.Add(proof.Root.Span, sender, proof.Signature.ToArray());
        }
        return null;
    }

    /// <summary>
    /// The batch root a cut's Merkle path leads to. Every cut of a message carries the same leaf and the same path (only its
    /// key and that key's path differ), so a node hosting several of the recipients computes it once: a memo of a pure
    /// function, keyed by everything it takes, whose result is then compared with the signed root as any other is.
    /// </summary>
    private byte[]? RootOfCut(ReadOnlySpan<byte> digest, BatchProof proof, int recipients)
    {
        // A path holds at most 32 hashes (MerkleTree.CheckedPath).
        Span<byte> key = stackalloc byte[MerkleTree.HashSize + 2 * sizeof(int) + proof.Path.Count * MerkleTree.HashSize];
        digest.CopyTo(key);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(key[MerkleTree.HashSize..], proof.LeafIndex);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(key[(MerkleTree.HashSize + sizeof(int))..], proof.BatchSize);
        var at = MerkleTree.HashSize + 2 * sizeof(int);
        foreach (var sibling in proof.Path)
        {
            sibling.Span.CopyTo(key[at..]);
            at += MerkleTree.HashSize;
        }
        if (CutPaths.TryTake(key, out var known))
            return known;
        var root = MerkleTree.RootFromPath(digest, proof.LeafIndex, proof.BatchSize, proof.Path, knownTrees.For(proof));
        if (root is not null)
            CutPaths.Keep(key, root, recipients - 1);
        return root;
    }

    /// <summary>Our content key, into <paramref name="contentKey"/>; null when it is there, else the refusal.</summary>
    private OpenResult? Unwrap(SealedEnvelope envelope, byte[] canonicalHeader, BureauPublicKeys sender, Span<byte> contentKey)
    {
        var header = envelope.Header;
        if (!header.IsAddressedTo(bureau))
            return OpenResult.Refused(OpenOutcome.WronglyAddressed, header, $"{bureau} is not among the recipients {string.Join(",", header.To)}");
        var wrapped = OurKey(envelope.Keys);
        if (wrapped is null)
            return OpenResult.Refused(OpenOutcome.Tampered, header, $"the sender signed no content key for {bureau}");
        if (!keys.HasAgreementKey(wrapped.RecipientKeyVersion))
            return OpenResult.Refused(OpenOutcome.UnknownKey, header, $"sealed to our agreement key version {wrapped.RecipientKeyVersion}, which this node does not hold");

        var secret = keys.PairwiseSecret(wrapped.RecipientKeyVersion, sender);
        Span<byte> headerHash = stackalloc byte[SHA256.HashSizeInBytes];
        Sha256.Hash(canonicalHeader, headerHash);
        var opened = envelope.WrapSalt.IsEmpty
            ? UnwrapAlone(secret, header, wrapped, headerHash, contentKey)
            : Aead.TryOpen(BatchWrapKey.For(secret, envelope.WrapSalt.Span, header, bureau, wrapped.RecipientKeyVersion), wrapped.Key.Span, headerHash, contentKey);
        return opened ? null : OpenResult.Refused(OpenOutcome.Tampered, header, "our wrapped content key does not authenticate");
    }

    /// <summary>A key wrapped under a key derived for its envelope alone (HKDF salted with the envelope's id).</summary>
    private bool UnwrapAlone(byte[] secret, EnvelopeHeader header, WrappedKey wrapped, ReadOnlySpan<byte> headerHash, Span<byte> contentKey)
    {
        Span<byte> kek = stackalloc byte[Aead.KeySize];
        try
        {
            KeyWrapping.ForEnvelope(secret, Canonical.WrapSalt(header.Id), header.From, header.SenderKeyVersion, bureau, wrapped.RecipientKeyVersion, kek);
            return Aead.TryOpen(kek, wrapped.Key.Span, headerHash, contentKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>
    /// The key-wrapping key of an envelope's salt (<see cref="SealedEnvelope.WrapSalt"/>), loaded once for the envelopes
    /// under that salt that follow on this thread: a gate admits a delivery's envelopes one after another, and a sender
    /// keeps one salt across its batches for a while.
    /// </summary>
    private sealed class BatchWrapKey
    {
        [ThreadStatic] private static BatchWrapKey? last;

        private readonly byte[] secret;
        private readonly byte[] salt;
        private readonly AesGcm aes;

        private BatchWrapKey(byte[] secret, byte[] salt, AesGcm aes) => (this.secret, this.salt, this.aes) = (secret, salt, aes);

        /// <param name="secret">The pairwise secret as the key ring keeps it: one array for each (our key version, the
        /// sender's keys), so the same array means the same bureaus and versions.</param>
        public static AesGcm For(byte[] secret, ReadOnlySpan<byte> salt, EnvelopeHeader header, BureauCode us, int ourKeyVersion)
        {
            if (last is { } known && ReferenceEquals(known.secret, secret) && salt.SequenceEqual(known.salt))
                return known.aes;
            var aes = KeyWrapping.ForBatch(secret, salt, header.From, header.SenderKeyVersion, us, ourKeyVersion);
            last?.aes.Dispose();
            last = new BatchWrapKey(secret, salt.ToArray(), aes);
            return aes;
        }
    }

    /// <summary>Our content key unwrapped into <paramref name="contentKey"/> and the payload decrypted into <paramref name="plaintext"/>; null when both authenticate, else the refusal.</summary>
    private OpenResult? DecryptInto(SealedEnvelope envelope, byte[] canonicalHeader, BureauPublicKeys sender, Span<byte> plaintext, Span<byte> contentKey)
    {
        if (Unwrap(envelope, canonicalHeader, sender, contentKey) is { } refused)
            return refused;
        return DecryptWith(envelope, canonicalHeader, contentKey, plaintext);
    }

    private static OpenResult? DecryptWith(SealedEnvelope envelope, byte[] canonicalHeader, ReadOnlySpan<byte> contentKey, Span<byte> plaintext) =>
        Aead.TryOpen(contentKey, envelope.Payload.Span, canonicalHeader, plaintext)
            ? null
            : OpenResult.Refused(OpenOutcome.Tampered, envelope.Header, "the payload does not authenticate");

    /// <summary>Unwraps our content key, then opens the payload with it (<see cref="OpenWith"/>).</summary>
    private OpenResult Decrypt(SealedEnvelope envelope, byte[] canonicalHeader, BureauPublicKeys sender)
    {
        Span<byte> contentKey = stackalloc byte[Aead.KeySize];
        try
        {
            return Unwrap(envelope, canonicalHeader, sender, contentKey) ?? OpenWith(envelope, canonicalHeader, contentKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }
    }

    /// <summary>The payload decrypted with <paramref name="contentKey"/> and decoded; refused when its tag or its encoding does not hold.</summary>
    private static OpenResult OpenWith(SealedEnvelope envelope, byte[] canonicalHeader, ReadOnlySpan<byte> contentKey)
    {
        var plaintext = new byte[envelope.Payload.Length - Aead.Overhead];
        try
        {
            return DecryptWith(envelope, canonicalHeader, contentKey, plaintext) ?? Decode(envelope, plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>An authenticated plaintext decoded; refused when its encoding does not hold.</summary>
    private static OpenResult Decode(SealedEnvelope envelope, byte[] plaintext)
    {
        try
        {
            return new OpenResult(OpenOutcome.Opened, envelope.Header, PayloadCodec.Decode(plaintext), "opened");
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException or PayloadTooLargeException)
        {
            // Only the sender could have written this: authentic, but not a payload we accept.
            return OpenResult.Refused(OpenOutcome.Tampered, envelope.Header, "the decrypted payload is malformed: " + e.GetType().Name);
        }
    }

    private WrappedKey? OurKey(IReadOnlyList<WrappedKey> wrappedKeys)
    {
        foreach (var key in wrappedKeys)
            if (key.Recipient == bureau)
                return key;
        return null;
    }

    /// <summary>A sender's imported public signing key, kept so that each batch costs one verification and no parsing.</summary>
    private sealed class Verifier(byte[] spki)
    {
        private readonly ECDsa key = Import(spki);
        private readonly byte[] spki = spki;

        public static Verifier For(ConcurrentDictionary<(BureauCode, int), Verifier> cache, BureauPublicKeys sender)
        {
            var verifier = cache.GetOrAdd((sender.Bureau, sender.Version), _ => new Verifier(sender.SigningKey));
            if (verifier.spki.AsSpan().SequenceEqual(sender.SigningKey))
                return verifier;
            verifier = new Verifier(sender.SigningKey);
            cache[(sender.Bureau, sender.Version)] = verifier;
            return verifier;
        }

        public bool Verify(byte[] data, ReadOnlySpan<byte> signature)
        {
            lock (key)
                return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        private static ECDsa Import(byte[] spki)
        {
            var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(spki, out _);
            return key;
        }
    }

    /// <summary>
    /// The root computations of the last few batch trees this bureau was sent, by the root and size their envelopes claim: the
    /// envelopes of one batch share the upper part of their paths, which each then hashes once instead of once an envelope.
    /// </summary>
    private sealed class KnownTrees(int capacity)
    {
        // A tree of n leaves has fewer than 2n nodes; a path claims at most 32 hashes, a batch at most a few thousand leaves.
        private const int MaxNodes = 8192;
        private readonly Dictionary<((UInt128, UInt128) Root, int Size), MerkleTree.KnownPaths> _trees = [];
        private readonly Queue<((UInt128, UInt128), int)> _order = new();
        private readonly Lock _gate = new();

        public MerkleTree.KnownPaths For(BatchProof proof)
        {
            var key = (RootKey(proof.Root.Span), proof.BatchSize);
            lock (_gate)
            {
                if (_trees.TryGetValue(key, out var known))
                    return known;
                known = new MerkleTree.KnownPaths((int)Math.Min(MaxNodes, 2L * proof.BatchSize + 64));
                _trees[key] = known;
                _order.Enqueue(key);
                while (_order.Count > capacity)
                    _trees.Remove(_order.Dequeue());
                return known;
            }
        }
    }

    /// <summary>
    /// Batch roots whose signature verified, with the signer and the signature: a root is trusted again only with the same ones,
    /// so an altered signature is still checked, and refused. Bounded; forgets the least recently used first.
    /// </summary>
    private sealed class VerifiedRoots(int capacity)
    {
        private sealed record Entry((UInt128, UInt128) Root, BureauPublicKeys Sender, byte[] Signature);

        private readonly int capacity = capacity >= 1 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "at least 1");
        private readonly Dictionary<(UInt128, UInt128), LinkedListNode<Entry>> index = [];
        private readonly LinkedList<Entry> order = new();
        private readonly Lock gate = new();

        public bool Contains(ReadOnlySpan<byte> root, BureauPublicKeys sender, ReadOnlySpan<byte> signature)
        {
            lock (gate)
            {
                if (!index.TryGetValue(RootKey(root), out var node)
                    || !ReferenceEquals(node.Value.Sender, sender) && !node.Value.Sender.Equals(sender)
                    || !signature.SequenceEqual(node.Value.Signature))
                    return false;
                order.Remove(node);
                order.AddFirst(node);
                return true;
            }
        }

        public void Add(ReadOnlySpan<byte> root, BureauPublicKeys sender, byte[] signature)
        {
            var key = RootKey(root);
            lock (gate)
            {
                if (index.Remove(key, out var known))
                    order.Remove(known);
                else if (index.Count >= capacity)
                {
                    index.Remove(order.Last!.Value.Root);
                    order.RemoveLast();
                }
                index[key] = order.AddFirst(new Entry(key, sender, signature));
            }
        }
    }

    /// <summary>A batch root (<see cref="MerkleTree.HashSize"/> bytes) as a dictionary key.</summary>
    private static (UInt128, UInt128) RootKey(ReadOnlySpan<byte> root) =>
        (System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(root), System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(root[16..]));
}
