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
    public static byte[]? RootFromPath(ReadOnlySpan<byte> digest, int leafIndex, int treeSize, IReadOnlyList<ReadOnlyMemory<byte>> path) =>
        RootFromPath(digest, leafIndex, treeSize, path, null);

    /// <summary>
    /// As <see cref="RootFromPath(ReadOnlySpan{byte}, int, int, IReadOnlyList{ReadOnlyMemory{byte}})"/>, taking the rest of the
    /// way from <paramref name="known"/> where the path meets a node that an earlier path of the tree computed at the same
    /// place and went on from with the same siblings: the result is the same, with fewer hashes. The nodes this computes are
    /// added to it, for the paths after.
    /// </summary>
    public static byte[]? RootFromPath(ReadOnlySpan<byte> digest, int leafIndex, int treeSize, IReadOnlyList<ReadOnlyMemory<byte>> path, KnownPaths? known)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
            return null;
        long fn = leafIndex, sn = treeSize - 1;
        var r = Leaf(digest);
        var computed = known is null ? null : new List<(byte[] Node, long Fn, long Sn, int Next)>(path.Count);
        byte[]? root = null;
        for (var k = 0; k < path.Count && root is null; k++)
        {
            if (sn == 0)
                return null;
            var p = path[k].Span;
            r = (fn & 1) == 1 || fn == sn ? Node(p, r) : Node(r, p);
            (fn, sn) = Advance(fn, sn);
            root = known?.Finish(r, fn, sn, path, k + 1);
            computed?.Add((r, fn, sn, k + 1));
        }
        root ??= sn == 0 ? r : null;
        if (root is not null && computed is { Count: > 0 })
            known!.Add(computed, Copy(path), root);
        return root;
    }

    /// <summary>Where a path's walk stands after it took one sibling at (fn, sn): RFC 9162 §2.1.3.2's shifts.</summary>
    private static (long Fn, long Sn) Advance(long fn, long sn)
    {
        if ((fn & 1) == 0 && fn == sn)
            while ((fn & 1) == 0 && fn != 0)
            {
                fn >>= 1;
                sn >>= 1;
            }
        return (fn >> 1, sn >> 1);
    }

    private static byte[][] Copy(IReadOnlyList<ReadOnlyMemory<byte>> path)
    {
        var copy = new byte[path.Count][];
        for (var i = 0; i < copy.Length; i++)
            copy[i] = path[i].ToArray();
        return copy;
    }

    /// <summary>
    /// A memo of root computations within one tree: each node a path computed, with where the walk stood after it, the
    /// siblings the path went on with, and the root it came to. A later path that computes the same node at the same place and
    /// goes on with the same siblings would come to the same root: <see cref="Finish"/> gives it without the hashes. A pure
    /// function's memo: nothing here says a root is signed or the one claimed, which the caller checks as for a computed one.
    /// </summary>
    /// <remarks>Thread-safe; at most <c>capacity</c> nodes, the first ones kept (a tree's paths meet near its root).</remarks>
    internal sealed class KnownPaths(int capacity)
    {
        private readonly record struct Continuation(long Fn, long Sn, byte[][] Path, int Next, byte[] Root);

        private readonly Dictionary<byte[], Continuation> _byNode = new(ByteArrayComparer.Instance);
        private readonly Lock _gate = new();

        public int Count
        {
            get
            {
                lock (_gate)
                    return _byNode.Count;
            }
        }

        /// <summary>The root, when a path that computed <paramref name="node"/> at (fn, sn) went on from there exactly as <paramref name="path"/> does from <paramref name="next"/>.</summary>
        public byte[]? Finish(byte[] node, long fn, long sn, IReadOnlyList<ReadOnlyMemory<byte>> path, int next)
        {
            Continuation known;
            lock (_gate)
                if (!_byNode.TryGetValue(node, out known))
                    return null;
            if (known.Fn != fn || known.Sn != sn || known.Path.Length - known.Next != path.Count - next)
                return null;
            for (var i = 0; i < path.Count - next; i++)
                if (!path[next + i].Span.SequenceEqual(known.Path[known.Next + i]))
                    return null;
            return known.Root;
        }

        public void Add(List<(byte[] Node, long Fn, long Sn, int Next)> computed, byte[][] path, byte[] root)
        {
            lock (_gate)
                foreach (var (node, fn, sn, next) in computed)
                    if (_byNode.Count < capacity)
                        _byNode.TryAdd(node, new Continuation(fn, sn, path, next, root));
        }
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
