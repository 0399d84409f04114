using System.Security.Cryptography;
using ActorNet.Protocol.Sealing;
using Xunit;

namespace ActorNet.Protocol.Tests.Sealing;

/// <summary>Inclusion paths, computed in full or finished from what earlier paths of the same tree computed.</summary>
public sealed class MerkleTreeTests
{
    private static byte[][] Digests(int count) => Enumerable.Range(0, count).Select(_ => RandomNumberGenerator.GetBytes(MerkleTree.HashSize)).ToArray();

    /// <summary>Trees of one leaf, of a power of two, and of the odd sizes whose right edge RFC 9162 promotes.</summary>
    public static TheoryData<int> Sizes() => [1, 2, 3, 7, 64, 65, 100];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Every_leaf_leads_to_the_root_with_or_without_the_paths_known_before(int size)
    {
        var digests = Digests(size);
        var (root, paths) = MerkleTree.Build(digests);
        var known = new MerkleTree.KnownPaths(4 * size + 64);

        for (var i = 0; i < size; i++)
        {
            Assert.Equal(root, MerkleTree.RootFromPath(digests[i], i, size, paths[i]));
            Assert.Equal(root, MerkleTree.RootFromPath(digests[i], i, size, paths[i], known));
        }
        for (var i = size - 1; i >= 0; i--) // again, every node known
            Assert.Equal(root, MerkleTree.RootFromPath(digests[i], i, size, paths[i], known));
    }

    [Fact]
    public void A_path_stops_hashing_where_it_meets_an_earlier_one()
    {
        var digests = Digests(512);
        var (root, paths) = MerkleTree.Build(digests);
        var known = new MerkleTree.KnownPaths(4096);

        Assert.Equal(root, MerkleTree.RootFromPath(digests[0], 0, 512, paths[0], known));
        Assert.Equal(9, known.Count); // the first computes all nine nodes above its leaf
        Assert.Equal(root, MerkleTree.RootFromPath(digests[1], 1, 512, paths[1], known));
        Assert.Equal(9, known.Count); // its sibling meets the first's path at its first node: nothing new
        Assert.Equal(root, MerkleTree.RootFromPath(digests[300], 300, 512, paths[300], known));
        Assert.Equal(17, known.Count); // in the other half of the tree: eight of its own, then the root
    }

    [Fact]
    public void A_path_altered_above_where_it_meets_a_known_one_fails_as_it_does_in_full()
    {
        const int size = 37;
        var digests = Digests(size);
        var (root, paths) = MerkleTree.Build(digests);
        var known = new MerkleTree.KnownPaths(4096);
        for (var i = 0; i < size; i++)
            Assert.Equal(root, MerkleTree.RootFromPath(digests[i], i, size, paths[i], known));

        for (var i = 0; i < size; i++)
        {
            var path = paths[i];
            var variants = new List<(IReadOnlyList<ReadOnlyMemory<byte>> Path, int Index, int Size, string What)>
            {
                (path.Take(path.Count - 1).ToList(), i, size, "last sibling dropped"),
                (path.Append(path[^1]).ToList(), i, size, "a sibling too many"),
                (path, (i + 1) % size, size, "another leaf's place"),
                (path, i, size + 1, "another tree size"),
            };
            for (var k = 0; k < path.Count; k++)
            {
                var altered = path.ToList();
                var bytes = altered[k].ToArray();
                bytes[k % bytes.Length] ^= 0x80;
                altered[k] = bytes;
                variants.Add((altered, i, size, $"sibling {k} altered"));
                if (k + 1 < path.Count)
                {
                    var swapped = path.ToList();
                    (swapped[k], swapped[k + 1]) = (swapped[k + 1], swapped[k]);
                    variants.Add((swapped, i, size, $"siblings {k} and {k + 1} swapped"));
                }
            }
            foreach (var (p, index, treeSize, what) in variants)
            {
                var full = MerkleTree.RootFromPath(digests[i], index, treeSize, p);
                var finished = MerkleTree.RootFromPath(digests[i], index, treeSize, p, known);
                Assert.True(full is null ? finished is null : finished is not null && full.AsSpan().SequenceEqual(finished), $"leaf {i}, {what}");
                if (what.StartsWith("sibling", StringComparison.Ordinal))
                    Assert.False(finished is not null && finished.AsSpan().SequenceEqual(root), $"leaf {i}, {what}: came to the root");
            }
        }
    }

    [Fact]
    public void Known_paths_hold_at_most_their_capacity()
    {
        var digests = Digests(256);
        var (root, paths) = MerkleTree.Build(digests);
        var known = new MerkleTree.KnownPaths(20);

        for (var i = 0; i < 256; i++)
            Assert.Equal(root, MerkleTree.RootFromPath(digests[i], i, 256, paths[i], known));

        Assert.Equal(20, known.Count);
    }
}
