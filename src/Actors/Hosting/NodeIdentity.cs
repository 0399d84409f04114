using System.Security.Cryptography;

namespace ActorNet.Actors.Hosting;

/// <summary>A node's stable id, kept in <c>&lt;data&gt;/node.id</c>: it names the node's own persistent actors across restarts and port changes.</summary>
public static class NodeIdentity
{
    public static string LoadOrCreate(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "node.id");
        if (File.Exists(file))
        {
            var id = File.ReadAllText(file).Trim();
            if (id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                return id;
            throw new OptionsException($"{file} is corrupt: it should hold one id of letters and digits; delete it to make a new one");
        }
        var created = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        File.WriteAllText(file, created + "\n");
        return created;
    }
}
