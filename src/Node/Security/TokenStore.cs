using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActorNet.Protocol.Api;

namespace ActorNet.Node.Security;

/// <summary>
/// The node's bearer tokens, kept only as SHA-256 hashes in <c>&lt;data&gt;/tokens.json</c> (mode 0600).
/// The admin token comes from ACTORNET_ADMIN_TOKEN, or is generated once into <c>&lt;data&gt;/admin.token</c>.
/// </summary>
public sealed class TokenStore
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _file;
    private readonly Lock _lock = new();
    private Dictionary<string, StoredToken> _byHash;

    private sealed record StoredToken(string Id, string Role, string Hash, DateTimeOffset CreatedAt);

    private TokenStore(string file, Dictionary<string, StoredToken> byHash)
    {
        _file = file;
        _byHash = byHash;
    }

    /// <summary>Where the generated admin token was written, or null when it came from the environment.</summary>
    public string? AdminTokenFile { get; private init; }

    public static TokenStore Open(string dataDirectory, string? adminTokenFromEnvironment)
    {
        var file = Path.Combine(dataDirectory, "tokens.json");
        var stored = new Dictionary<string, StoredToken>(StringComparer.Ordinal);
        if (File.Exists(file))
        {
            try
            {
                foreach (var t in JsonSerializer.Deserialize<List<StoredToken>>(File.ReadAllText(file)) ?? [])
                    stored[t.Hash] = t;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"token file {file} is corrupt ({e.Message}): move it aside and create tokens again", e);
            }
        }

        string? adminFile = null;
        var admin = adminTokenFromEnvironment;
        if (string.IsNullOrWhiteSpace(admin))
        {
            adminFile = Path.Combine(dataDirectory, "admin.token");
            admin = File.Exists(adminFile) ? File.ReadAllText(adminFile).Trim() : null;
            if (string.IsNullOrEmpty(admin))
            {
                admin = NewToken();
                WriteOwnerOnly(adminFile, admin + "\n");
            }
            else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(adminFile) & ~OwnerOnly) != 0)
                File.SetUnixFileMode(adminFile, OwnerOnly);
        }
        var adminHash = Hash(admin);
        stored[adminHash] = new StoredToken("admin", Roles.Admin, adminHash, DateTimeOffset.UtcNow);
        return new TokenStore(file, stored) { AdminTokenFile = adminFile };
    }

    /// <summary>The role a presented token carries, or null for an unknown token.</summary>
    public string? RoleOf(string token, out string? tokenId)
    {
        var found = _byHash.GetValueOrDefault(Hash(token));
        tokenId = found?.Id;
        return found?.Role;
    }

    public TokenCreated Create(string role)
    {
        var token = NewToken();
        var entry = new StoredToken("tok-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), role, Hash(token), DateTimeOffset.UtcNow);
        lock (_lock)
        {
            var next = new Dictionary<string, StoredToken>(_byHash) { [entry.Hash] = entry };
            var persisted = next.Values.Where(t => t.Id != "admin").ToList();
            var temp = _file + ".tmp";
            WriteOwnerOnly(temp, JsonSerializer.Serialize(persisted));
            File.Move(temp, _file, overwrite: true);
            _byHash = next;
        }
        return new TokenCreated(entry.Id, role, token, entry.CreatedAt);
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(content);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, OwnerOnly);
    }
}
