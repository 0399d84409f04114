using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ActorNet.Protocol.Sealing;

/// <summary>
/// Keeps a bureau's private keys under <c>&lt;data&gt;/keys/</c> as PKCS#8 PEM files readable by the node's user only:
/// <c>signing-N.pem</c> for the current version N and <c>agreement-K.pem</c> for every version K up to N;
/// <c>rotation-N.sig</c> is version N-1's signature over version N's public keys.
/// </summary>
public static partial class KeyStore
{
    private const UnixFileMode KeyFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode KeyDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Loads the keys in <paramref name="directory"/>, or makes version 1 there on a bureau's first start.</summary>
    /// <exception cref="KeyFileException">A key file is corrupt, unreadable or missing.</exception>
    public static BureauKeyRing LoadOrCreate(string directory)
    {
        EnsureDirectory(directory);
        if (!Versions(directory, "signing").Any() && !Versions(directory, "agreement").Any())
        {
            var ring = BureauKeyRing.Create();
            Save(directory, ring);
            return ring;
        }
        return Load(directory);
    }

    /// <summary>
    /// Makes the next version of the keys, signs its public keys with the current signing key (the rotation proof that
    /// lets the Secretariat accept it without a new approval), writes both, and drops the old signing key; old agreement keys stay.
    /// </summary>
    public static BureauKeyRing Rotate(string directory, BureauCode bureau)
    {
        using var current = Load(directory);
        // What a rotation interrupted before its signing key was written left behind would pass for the new version's keys.
        foreach (var kind in new[] { "agreement", "rotation" })
            foreach (var stale in Versions(directory, kind).Where(v => v > current.Version))
                File.Delete(KeyPath(directory, kind, stale));
        var next = current.Rotate();
        WritePrivateFile(ProofPath(directory, next.Version), Convert.ToBase64String(KeyRotation.Prove(current, next.PublicKeys(bureau))) + "\n");
        Save(directory, next);
        foreach (var old in Versions(directory, "signing").Where(v => v < next.Version))
            File.Delete(KeyPath(directory, "signing", old));
        return next;
    }

    /// <summary>The proof that version <paramref name="version"/> was signed over by the version before it, or null (version 1 has none).</summary>
    /// <exception cref="KeyFileException">The proof file is corrupt or unreadable.</exception>
    public static byte[]? LoadRotationProof(string directory, int version)
    {
        var path = ProofPath(directory, version);
        if (version <= 1 || !File.Exists(path))
            return null;
        try
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new KeyFileException(path, $"cannot be read as a base64 rotation proof ({e.Message}): restore it from backup, or delete it and have an operator approve the bureau's keys again");
        }
    }

    /// <exception cref="KeyFileException">A key file is corrupt, unreadable or missing.</exception>
    public static BureauKeyRing Load(string directory)
    {
        EnsureDirectory(directory);
        // A rotation interrupted before its signing key was written leaves a newer agreement key nobody has seen: the signing key decides.
        var version = Versions(directory, "signing").DefaultIfEmpty(0).Max();
        if (version == 0)
            throw new KeyFileException(KeyPath(directory, "signing", 1),
                "is missing while agreement keys are present: restore the keys directory from backup, or move it aside to start with new keys (the bureau must then re-enrol)");
        var signing = Read(KeyPath(directory, "signing", version), ECDsa.Create);
        var agreement = new Dictionary<int, ECDiffieHellman>();
        foreach (var v in Versions(directory, "agreement").Where(v => v <= version))
            agreement[v] = Read(KeyPath(directory, "agreement", v), ECDiffieHellman.Create);
        if (!agreement.ContainsKey(version))
            throw new KeyFileException(KeyPath(directory, "agreement", version),
                "is missing: restore it from backup, or move the keys directory aside to start with new keys (the bureau must then re-enrol)");
        return new BureauKeyRing(version, signing, agreement);
    }

    private static void Save(string directory, BureauKeyRing ring)
    {
        foreach (var v in ring.AgreementVersions)
            if (!File.Exists(KeyPath(directory, "agreement", v)))
                WritePrivateFile(KeyPath(directory, "agreement", v), ring.ExportAgreementPem(v));
        // Written last: its presence marks the version complete.
        WritePrivateFile(KeyPath(directory, "signing", ring.Version), ring.ExportSigningPem());
    }

    private static void EnsureDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
            System.IO.Directory.CreateDirectory(directory);
        else if (!System.IO.Directory.Exists(directory))
            System.IO.Directory.CreateDirectory(directory, KeyDirectoryMode);
        else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(directory) & ~KeyDirectoryMode) != 0)
            File.SetUnixFileMode(directory, KeyDirectoryMode);
    }

    /// <summary>Writes a file of the keys directory readable by the node's user alone (0600), whole or not at all.</summary>
    public static void WritePrivateFile(string path, string contents)
    {
        // Written aside, then renamed: a crash never leaves half a key under the real name.
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = KeyFileMode;
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static TKey Read<TKey>(string path, Func<TKey> create) where TKey : ECAlgorithm
    {
        string pem;
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~KeyFileMode) != 0)
                File.SetUnixFileMode(path, KeyFileMode);
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyFileException(path, $"cannot be read ({e.Message}): give the node's user read access to it, mode 0600");
        }
        var key = create();
        try
        {
            key.ImportFromPem(pem);
            if (!P256.IsP256(key))
                throw new CryptographicException("the key is not on curve P-256");
            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new KeyFileException(path,
                $"is not a P-256 private key in PKCS#8 PEM ({e.Message}): restore it from backup, or move the keys directory aside to start with new keys (the bureau must then re-enrol)");
        }
    }

    private static IEnumerable<int> Versions(string directory, string kind) =>
        System.IO.Directory.EnumerateFiles(directory, kind + "-*.pem")
            .Select(f => KeyFileName().Match(Path.GetFileName(f)))
            .Where(m => m.Success && m.Groups["kind"].Value == kind)
            .Select(m => int.Parse(m.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static string KeyPath(string directory, string kind, int version) =>
        Path.Combine(directory, kind == "rotation" ? $"rotation-{version}.sig" : $"{kind}-{version}.pem");

    private static string ProofPath(string directory, int version) => KeyPath(directory, "rotation", version);

    [GeneratedRegex(@"^(?:(?<kind>signing|agreement)-(?<version>[1-9][0-9]{0,8})\.pem|(?<kind>rotation)-(?<version>[1-9][0-9]{0,8})\.sig)$")]
    private static partial Regex KeyFileName();
}

/// <summary>A key file the node cannot use; the message names the file and what to do, in one line.</summary>
public sealed class KeyFileException(string path, string problem) : Exception($"Key file {path} {problem}")
{
    public string Path { get; } = path;
}
