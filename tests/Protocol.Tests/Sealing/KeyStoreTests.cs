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

        using var rotated = KeyStore.Rotate(KeysDirectory);

        Assert.Equal(2, rotated.Version);
        Assert.Equal(["agreement-1.pem", "agreement-2.pem", "signing-2.pem"], System.IO.Directory.GetFiles(KeysDirectory).Select(Path.GetFileName).Order());
        using var reloaded = KeyStore.LoadOrCreate(KeysDirectory);
        Assert.Equal(2, reloaded.Version);
        Assert.Equal([1, 2], reloaded.AgreementVersions.Order());
    }

    [Fact]
    public void Messages_sealed_before_a_rotation_on_disk_open_after_a_restart()
    {
        using var bureaus = new Bureaus(FR);
        using (var us = KeyStore.LoadOrCreate(KeysDirectory))
            bureaus.Enrol(US, us);
        var envelope = bureaus.Sealer(FR).Seal(bureaus.Header(FR, US), Payload("before rotation"));

        using (KeyStore.Rotate(KeysDirectory)) { }
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
