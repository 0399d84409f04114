using System.Security.Cryptography;
using ActorNet.Protocol.Sealing;
using Xunit;
using static ActorNet.Protocol.Tests.Sealing.Bureaus;

namespace ActorNet.Protocol.Tests.Sealing;

public class KeyStoreTests : IDisposable
{
    private readonly string data = System.IO.Directory.CreateTempSubdirectory("actornet-keys-").FullName;

    private string KeysDirectory => Path.Combine(data, "keys");

    public void Dispose() => System.IO.Directory.Delete(data, recursive: true);

    [Fact]
    public void First_start_creates_version_1_readable_by_the_owner_only()
    {
        if (OperatingSystem.IsWindows())
            return; // Unix modes only
        using var ring = KeyStore.LoadOrCreate(KeysDirectory);

        Assert.Equal(1, ring.Version);
        Assert.Equal(["agreement-1.pem", "signing-1.pem"], System.IO.Directory.GetFiles(KeysDirectory).Select(Path.GetFileName).Order());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(KeysDirectory));
        foreach (var file in System.IO.Directory.GetFiles(KeysDirectory))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(file));
        }
    }

    [Fact]
    public void A_restart_loads_the_same_keys()
    {
        BureauPublicKeys first;
        using (var ring = KeyStore.LoadOrCreate(KeysDirectory))
            first = ring.PublicKeys(FR);

        using var again = KeyStore.LoadOrCreate(KeysDirectory);

        Assert.Equal(first, again.PublicKeys(FR));
    }

    [Fact]
    public void Rotation_writes_the_next_version_and_keeps_old_agreement_keys_only()
    {
        using (KeyStore.LoadOrCreate(KeysDirectory)) { }

        using var rotated = KeyStore.Rotate(KeysDirectory, FR);

        Assert.Equal(2, rotated.Version);
        Assert.Equal(["agreement-1.pem", "agreement-2.pem", "rotation-2.sig", "signing-2.pem"], System.IO.Directory.GetFiles(KeysDirectory).Select(Path.GetFileName).Order());
        using var reloaded = KeyStore.LoadOrCreate(KeysDirectory);
        Assert.Equal(2, reloaded.Version);
        Assert.Equal([1, 2], reloaded.AgreementVersions.Order());
    }

    [Fact]
    public void A_rotation_is_proved_by_the_previous_signing_key_and_the_proof_survives_a_restart()
    {
        BureauPublicKeys first;
        using (var ring = KeyStore.LoadOrCreate(KeysDirectory))
            first = ring.PublicKeys(FR);
        Assert.Null(KeyStore.LoadRotationProof(KeysDirectory, 1));

        using var rotated = KeyStore.Rotate(KeysDirectory, FR);
        var proof = KeyStore.LoadRotationProof(KeysDirectory, 2);

        Assert.NotNull(proof);
        Assert.True(KeyRotation.Verify(first, rotated.PublicKeys(FR), proof));
        using var stranger = BureauKeyRing.Create();
        Assert.False(KeyRotation.Verify(stranger.PublicKeys(FR), rotated.PublicKeys(FR), proof), "a proof verifies only under the previous key");
        Assert.False(KeyRotation.Verify(first, rotated.PublicKeys(US), proof), "a proof is bound to its bureau");
        using var third = KeyStore.Rotate(KeysDirectory, FR);
        Assert.True(KeyRotation.Verify(rotated.PublicKeys(FR), third.PublicKeys(FR), KeyStore.LoadRotationProof(KeysDirectory, 3)!));
    }

    [Fact]
    public void Leftovers_of_an_interrupted_rotation_are_not_taken_for_the_new_keys()
    {
        using (KeyStore.LoadOrCreate(KeysDirectory)) { }
        // A rotation that stopped after writing its agreement key and proof, before its signing key.
        using (var stale = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256))
            File.WriteAllText(Path.Combine(KeysDirectory, "agreement-2.pem"), stale.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(KeysDirectory, "rotation-2.sig"), "AAAA\n");

        using var rotated = KeyStore.Rotate(KeysDirectory, FR);
        using var reloaded = KeyStore.Load(KeysDirectory);

        Assert.Equal(rotated.PublicKeys(FR), reloaded.PublicKeys(FR));
        Assert.NotEqual("AAAA", File.ReadAllText(Path.Combine(KeysDirectory, "rotation-2.sig")).Trim());
    }

    [Fact]
    public void Messages_sealed_before_a_rotation_on_disk_open_after_a_restart()
    {
        using var bureaus = new Bureaus(FR);
        using (var us = KeyStore.LoadOrCreate(KeysDirectory))
            bureaus.Enrol(US, us);
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload("before rotation"));

        using (KeyStore.Rotate(KeysDirectory, US)) { }
        using var restarted = KeyStore.Load(KeysDirectory);
        var opener = new Opener(US, restarted, bureaus.Directory);

        Assert.Equal("before rotation", opener.Open(envelope).Payload?.Body);
    }

    [Fact]
    public void A_corrupt_key_file_is_named_in_one_line_that_says_what_to_do()
    {
        using (KeyStore.LoadOrCreate(KeysDirectory)) { }
        var file = Path.Combine(KeysDirectory, "agreement-1.pem");
        File.WriteAllText(file, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");

        var e = Assert.Throws<KeyFileException>(() => KeyStore.LoadOrCreate(KeysDirectory));

        Assert.Equal(file, e.Path);
        Assert.Contains(file, e.Message);
        Assert.Contains("restore it from backup", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_key_on_another_curve_is_refused()
    {
        using (KeyStore.LoadOrCreate(KeysDirectory)) { }
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        File.WriteAllText(Path.Combine(KeysDirectory, "signing-1.pem"), p384.ExportPkcs8PrivateKeyPem());

        var e = Assert.Throws<KeyFileException>(() => KeyStore.LoadOrCreate(KeysDirectory));

        Assert.Contains("signing-1.pem", e.Message);
    }

    [Fact]
    public void An_unreadable_key_file_is_named()
    {
        using (KeyStore.LoadOrCreate(KeysDirectory)) { }
        var file = Path.Combine(KeysDirectory, "signing-1.pem");
        // A dangling link: unreadable even for root, which ignores file modes.
        File.Delete(file);
        File.CreateSymbolicLink(file, Path.Combine(data, "gone.pem"));

        var e = Assert.Throws<KeyFileException>(() => KeyStore.LoadOrCreate(KeysDirectory));

        Assert.Contains(file, e.Message);
        Assert.Contains("cannot be read", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_fingerprint_is_the_lowercase_hex_sha256_of_the_signing_key()
    {
        using var ring = BureauKeyRing.Create();
        var keys = ring.PublicKeys(FR);

        Assert.Equal(Convert.ToHexString(SHA256.HashData(keys.SigningKey)).ToLowerInvariant(), keys.Fingerprint);
        Assert.Matches("^[0-9a-f]{64}$", keys.Fingerprint);
    }
}
