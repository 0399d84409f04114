namespace ActorNet.Protocol.Sealing;

/// <summary>
/// The Merkle tree of RFC 9162 §2.1 over a batch's envelope digests: leaves hashed with 0x00, nodes with 0x01,
/// so a leaf can never pass for a node. One signature over the root then covers every envelope.
/// </summary>
internal static class MerkleTree
{
    public const int HashSize = 32;

    /// <summary>The root, and for each leaf its inclusion path (siblings from the leaf upwards).</summary>
    public static (byte[] Root, List<ReadOnlyMemory<byte>>[] Paths) Build(IReadOnlyList<byte[]> digests)
    {
        if (digests.Count == 0)
            throw new ArgumentException("a batch holds at least one envelope", nameof(digests));
        var paths = new List<ReadOnlyMemory<byte>>[digests.Count];
        for (var i = 0; i < paths.Length; i++)
            paths[i] = [];
        return (Subtree(digests, 0, digests.Count, paths), paths);
    }

    /// <summary>Recomputes the root from one leaf and its path (RFC 9162 §2.1.3.2); null when the path cannot belong to a tree of that size.</summary>
    public static byte[]? RootFromPath(ReadOnlySpan<byte> digest, int leafIndex, int treeSize, IReadOnlyList<ReadOnlyMemory<byte>> path)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
            return null;
        long fn = leafIndex, sn = treeSize - 1;
        var r = Leaf(digest);
        foreach (var p in path)
        {
            if (sn == 0)
                return null;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = Node(p.Span, r);
                if ((fn & 1) == 0)
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
            }
            else
            {
                r = Node(r, p.Span);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    private static byte[] Subtree(IReadOnlyList<byte[]> digests, int start, int end, List<ReadOnlyMemory<byte>>[]? paths)
    {
        if (end - start == 1)
            return Leaf(digests[start]);
        // The left subtree holds the largest power of two smaller than the count.
        var split = start + (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(end - start)) / 2;
        var left = Subtree(digests, start, split, paths);
        var right = Subtree(digests, split, end, paths);
        if (paths is null)
            return Node(left, right);
        for (var i = start; i < split; i++)
            paths[i].Add(right);
        for (var i = split; i < end; i++)
            paths[i].Add(left);
        return Node(left, right);
    }

    /// <summary>An inclusion path as it may arrive off the wire: at most 32 hashes (a tree of 2^32 leaves) of <see cref="HashSize"/> bytes.</summary>
    /// <exception cref="ArgumentException">It is not; <paramref name="what"/> names it.</exception>
    public static IReadOnlyList<ReadOnlyMemory<byte>> CheckedPath(IReadOnlyList<ReadOnlyMemory<byte>>? path, string what, string parameter) =>
        path?.ToArray() is { Length: <= 32 } hashes && hashes.All(h => h.Length == HashSize)
            ? hashes
            : throw new ArgumentException($"a {what} is at most 32 hashes of {HashSize} bytes", parameter);

    /// <summary>The root alone, for a tree whose paths nobody needs (an envelope's keys, when it is sealed).</summary>
    public static byte[] Root(IReadOnlyList<byte[]> digests) =>
        digests.Count > 0 ? Subtree(digests, 0, digests.Count, null) : throw new ArgumentException("a tree holds at least one leaf", nameof(digests));

    /// <summary>A leaf's hash: what stands for it in its sibling's inclusion path.</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> digest) => Leaf(digest);

    private static byte[] Leaf(ReadOnlySpan<byte> digest)
    {
        Span<byte> input = stackalloc byte[1 + HashSize];
        input[0] = 0x00;
        digest.CopyTo(input[1..]);
        return Sha256.Hash(input[..(1 + digest.Length)]);
    }

    private static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> input = stackalloc byte[1 + 2 * HashSize];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        return Sha256.Hash(input);
    }
}
