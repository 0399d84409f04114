using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ActorNet.Actors.Hosting;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ActorNet.Actors.Tests.Deployment;

public enum ActorNetProcess { Node, Lighthouse }

/// <summary>
/// A program the image publishes, and which ActorNet process it runs: a self-contained publish's executable (run as it
/// is), or a framework-dependent publish's dll (run by <c>dotnet</c>).
/// </summary>
public sealed record PublishedProgram(string Path, ActorNetProcess Process, string AssemblyName, bool SelfContained)
{
    /// <summary>How a container runs it, arguments aside.</summary>
    public string Invocation => SelfContained ? Path : "dotnet " + Path;
}

/// <summary>A port a service publishes on the host.</summary>
public sealed record PublishedPort(string? HostIp, string? HostPort, int ContainerPort);

/// <summary>A volume mount: Named is true for a compose-managed volume rather than a host path.</summary>
public sealed record VolumeMount(string Source, string Target, bool Named, bool ReadOnly = false);

/// <summary>One compose service, with its interpolations resolved as the test resolves them.</summary>
public sealed record ComposeService(
    string Name,
    string? Image,
    bool Builds,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string>? Command,
    IReadOnlyDictionary<string, string?> Environment,
    IReadOnlyList<PublishedPort> Ports,
    IReadOnlyList<VolumeMount> Volumes,
    IReadOnlyDictionary<string, string> DependsOn,
    string? Restart,
    bool HasHealthcheck);

/// <summary>A service that runs an ActorNet process, with what the real parser made of its command and environment.</summary>
public sealed record ActorNetService(ComposeService Service, ActorNetProcess Process, NodeOptions? Node, LighthouseOptions? Lighthouse)
{
    public RemoteEndpoint Remote => Node?.Remote ?? Lighthouse!.Remote;
    public IReadOnlyList<string> Seeds => Node?.Seeds ?? Lighthouse!.Seeds;
    public TlsFiles? Tls => Node is not null ? Node.Tls : Lighthouse!.Tls;
}

/// <summary>What the checker found: every problem as one line naming the service, and what it parsed.</summary>
public sealed record ComposeReport(
    IReadOnlyList<string> Problems,
    IReadOnlyDictionary<string, ComposeService> Services,
    IReadOnlyList<ActorNetService> ActorNetServices,
    IReadOnlySet<string> DeclaredVolumes);

/// <summary>
/// Checks a compose file against the real option parsers, so that a flag renamed in code or
/// misspelt in docker-compose.yml fails a unit test instead of a container's start.
/// </summary>
public static class ComposeChecker
{
    /// <summary>What an unset variable required by <c>${VAR:?message}</c> stands for during the check.</summary>
    public static string Placeholder(string variable) => "placeholder-" + variable.ToLowerInvariant();

    public static ComposeReport Check(string composeYaml, IReadOnlyList<PublishedProgram> publishedPrograms, IReadOnlyList<string> imageEntrypoint)
    {
        var problems = new List<string>();
        var root = LoadYaml(composeYaml);
        var services = new Dictionary<string, ComposeService>(StringComparer.Ordinal);
        if (Child(root, "services") is YamlMappingNode servicesNode)
            foreach (var (key, value) in servicesNode.Children)
            {
                var name = ((YamlScalarNode)key).Value!;
                services[name] = ReadService(name, (YamlMappingNode)value, problems);
            }
        else
            problems.Add("the compose file has no services mapping");

        var declaredVolumes = Child(root, "volumes") is YamlMappingNode volumesNode
            ? volumesNode.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

        var actorNet = new List<ActorNetService>();
        foreach (var service in services.Values)
        {
            foreach (var port in service.Ports.Where(p => p.HostIp != "127.0.0.1"))
                problems.Add($"service {service.Name}: port {port.ContainerPort} is published on {port.HostIp ?? "every host interface"}; bind it to 127.0.0.1 (\"127.0.0.1:{port.HostPort ?? port.ContainerPort.ToString()}:{port.ContainerPort}\")");
            foreach (var volume in service.Volumes.Where(v => v.Named && !declaredVolumes.Contains(v.Source)))
                problems.Add($"service {service.Name}: volume {volume.Source} is not declared under the top-level volumes");
            if (RunsActorNetImage(service, services))
            {
                var parsed = ParseActorNetService(service, publishedPrograms, imageEntrypoint, problems);
                if (parsed is not null)
                    actorNet.Add(parsed);
            }
        }

        CheckTopology(actorNet, services, problems);
        return new ComposeReport(problems, services, actorNet, declaredVolumes);
    }

    /// <summary>
    /// The programs the Dockerfile publishes: each <c>dotnet publish PROJECT ... -o DIR</c> gives DIR/&lt;AssemblyName&gt;, an
    /// executable with <c>--self-contained</c>, else DIR/&lt;AssemblyName&gt;.dll.
    /// </summary>
    public static IReadOnlyList<PublishedProgram> ReadPublishedPrograms(string dockerfile, string repositoryRoot, List<string> problems)
    {
        var result = new List<PublishedProgram>();
        foreach (Match m in Regex.Matches(JoinContinuations(dockerfile), @"dotnet\s+publish\s+(?<project>\S+\.csproj)(?<options>[^&;\n]*)"))
        {
            var project = m.Groups["project"].Value;
            var options = m.Groups["options"].Value;
            var output = Regex.Match(options, @"(?:^|\s)(?:-o|--output)\s+(?<dir>\S+)");
            if (!output.Success)
            {
                problems.Add($"Dockerfile: dotnet publish {project} has no -o DIR, so the program's path in the image is unknown");
                continue;
            }
            var projectFile = Path.Combine(repositoryRoot, project);
            if (!File.Exists(projectFile))
            {
                problems.Add($"Dockerfile: publishes {project}, which does not exist");
                continue;
            }
            var assemblyName = XDocument.Load(projectFile).Descendants("AssemblyName").Select(e => e.Value.Trim()).FirstOrDefault()
                ?? Path.GetFileNameWithoutExtension(project);
            var process = Path.GetFileNameWithoutExtension(project) switch
            {
                "Node" => ActorNetProcess.Node,
                "Lighthouse" => ActorNetProcess.Lighthouse,
                _ => (ActorNetProcess?)null,
            };
            // `--self-contained` or `--sc`, alone or followed by true; `--self-contained false` is framework-dependent.
            var selfContained = Regex.IsMatch(options, @"(?:^|\s)(?:--self-contained|--sc)(?:\s+true)?(?=\s|$)(?!\s+false)");
            // The CLI is published too but is not a cluster process; compose never runs it as a service.
            if (process is not null)
            {
                var path = output.Groups["dir"].Value.TrimEnd('/') + "/" + assemblyName + (selfContained ? "" : ".dll");
                result.Add(new PublishedProgram(path, process.Value, assemblyName, selfContained));
            }
        }
        return result;
    }

    /// <summary>The published program a container's command line runs, and the arguments it passes; null when it runs none.</summary>
    public static (PublishedProgram Program, string[] Arguments)? Resolve(IReadOnlyList<string> argv, IReadOnlyList<PublishedProgram> programs)
    {
        if (argv.Count >= 1 && programs.FirstOrDefault(p => p.SelfContained && p.Path == argv[0]) is { } executable)
            return (executable, argv.Skip(1).ToArray());
        if (argv.Count >= 2 && argv[0] == "dotnet" && programs.FirstOrDefault(p => !p.SelfContained && p.Path == argv[1]) is { } dll)
            return (dll, argv.Skip(2).ToArray());
        return null;
    }

    /// <summary>The image's ENTRYPOINT and CMD in exec (JSON list) form; null when absent.</summary>
    public static (IReadOnlyList<string>? Entrypoint, IReadOnlyList<string>? Cmd) ReadEntrypoint(string dockerfile)
    {
        // Only the last stage's instructions end up in the image.
        var lastStage = dockerfile[Math.Max(0, dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal))..];
        static IReadOnlyList<string>? Exec(string text, string instruction)
        {
            var m = Regex.Matches(text, $@"^{instruction}\s+(\[.*\])\s*$", RegexOptions.Multiline).LastOrDefault();
            return m is null ? null : System.Text.Json.JsonSerializer.Deserialize<string[]>(m.Groups[1].Value);
        }
        return (Exec(lastStage, "ENTRYPOINT"), Exec(lastStage, "CMD"));
    }

    private static ActorNetService? ParseActorNetService(
        ComposeService service, IReadOnlyList<PublishedProgram> publishedPrograms, IReadOnlyList<string> imageEntrypoint, List<string> problems)
    {
        void Problem(string text) => problems.Add($"service {service.Name}: {text}");
        if (service.Command is null)
        {
            Problem("has no command in list form, so it is not known which ActorNet process it runs");
            return null;
        }
        // A service's entrypoint replaces the image's, and then the image's CMD is ignored.
        var argv = (service.Entrypoint ?? imageEntrypoint).Concat(service.Command).ToList();
        var resolved = Resolve(argv, publishedPrograms);
        if (resolved is null)
        {
            Problem($"runs '{string.Join(' ', argv.Take(2))}', which is none of the programs the Dockerfile publishes ({string.Join(", ", publishedPrograms.Select(p => p.Invocation))})");
            return null;
        }

        var (program, args) = resolved.Value;
        var specs = program.Process == ActorNetProcess.Node ? NodeOptions.Specs : LighthouseOptions.Specs;
        var known = specs.Where(s => s.Env is not null).Select(s => s.Env!).ToHashSet(StringComparer.Ordinal);
        // Only a node reads its admin token from the environment (Program.cs); a Lighthouse has no HTTP API.
        if (program.Process == ActorNetProcess.Node)
            known.Add("ACTORNET_ADMIN_TOKEN");
        foreach (var variable in service.Environment.Keys.Where(k => k.StartsWith("ACTORNET_", StringComparison.Ordinal) && !known.Contains(k)))
            Problem($"sets {variable}, which the {program.Process} does not read (it reads {string.Join(", ", known.Order())})");

        string? Env(string name) => service.Environment.TryGetValue(name, out var value) ? value : null;
        try
        {
            return program.Process == ActorNetProcess.Node
                ? new ActorNetService(service, program.Process, NodeOptions.Parse(args, Env), null)
                : new ActorNetService(service, program.Process, null, LighthouseOptions.Parse(args, Env));
        }
        catch (OptionsException e)
        {
            Problem($"{program.AssemblyName} would refuse to start: {e.Message}");
            return null;
        }
    }

    private static void CheckTopology(IReadOnlyList<ActorNetService> actorNet, IReadOnlyDictionary<string, ComposeService> services, List<string> problems)
    {
        var byName = actorNet.ToDictionary(s => s.Service.Name, StringComparer.Ordinal);
        foreach (var s in actorNet)
        {
            void Problem(string text) => problems.Add($"service {s.Service.Name}: {text}");
            // Akka.Remote addresses carry the public host: peers and seeds must reach it by the service's DNS name.
            if (s.Remote.PublicHost != s.Service.Name)
                Problem($"--public-host is '{s.Remote.PublicHost}'; it must be the service name '{s.Service.Name}', the host name other containers reach it by");
            if (s.Remote.Host is not ("0.0.0.0" or "::"))
                Problem($"--listen host is {s.Remote.Host}; inside a container it must be 0.0.0.0 or other containers cannot connect");
            if (s.Remote.Port == 0)
                Problem("--listen has port 0; a container's remote port must be fixed so that seeds and peers can name it");
            foreach (var seed in s.Seeds)
            {
                var (host, port) = OptionParser.ParseEndpoint("--seed", seed);
                if (!byName.TryGetValue(host, out var target))
                    Problem($"seed {seed} names no ActorNet service of this file ({string.Join(", ", byName.Keys.Order())})");
                else if (target.Remote.Port != port)
                    Problem($"seed {seed}: service {host} listens on port {target.Remote.Port}, not {port}");
            }
            // A certificate path that no mount provides is a container that cannot start; a writable one could be replaced.
            if (s.Tls is { } tls)
                foreach (var (flag, path) in new[] { ("--tls-cert", tls.Certificate), ("--ca", tls.Ca) })
                {
                    var mount = s.Service.Volumes.FirstOrDefault(v => IsUnder(path, v.Target));
                    if (mount is null)
                        Problem($"its {flag} {path} is in no mounted volume, so the container has no such file");
                    else if (!mount.ReadOnly)
                        Problem($"its {flag} {path} is on the writable mount {mount.Source}:{mount.Target}; mount it read-only (:ro)");
                }
            if (s.Node is { } node)
            {
                var httpPorts = s.Service.Ports.Where(p => p.ContainerPort == node.HttpPort).ToList();
                foreach (var port in s.Service.Ports.Where(p => p.ContainerPort != node.HttpPort))
                    Problem($"publishes container port {port.ContainerPort}, but its HTTP API listens on {node.HttpPort}");
                if (s.Service.Ports.Count > 0 && node.HttpHost is not ("0.0.0.0" or "::"))
                    Problem($"publishes its HTTP port, but --http listens on {node.HttpHost}, which the host cannot reach; use 0.0.0.0");
                // A data directory outside a volume would lose keys, tokens and the SQLite journal with the container.
                var dataVolume = s.Service.Volumes.FirstOrDefault(v => SamePath(v.Target, node.DataDirectory));
                if (dataVolume is null)
                    Problem($"its data directory {node.DataDirectory} is not a mounted volume");
                else if (!dataVolume.Named)
                    Problem($"its data directory is the host path {dataVolume.Source}; use a named volume");
                if (node.Storage.SqlitePath is { } sqlite && !IsUnder(sqlite, node.DataDirectory))
                    Problem($"its SQLite journal {sqlite} is outside its data directory {node.DataDirectory}, so outside its volume");
                if (node.Storage.Kind == StorageKind.Postgres)
                {
                    var host = new Npgsql.NpgsqlConnectionStringBuilder(node.Storage.ConnectionString).Host;
                    if (host is null || !services.ContainsKey(host))
                        Problem($"its database host '{host}' is no service of this file");
                    else if (!s.Service.DependsOn.TryGetValue(host, out var condition) || condition != "service_healthy")
                        Problem($"does not wait for {host} to be healthy (depends_on: {host}: condition: service_healthy)");
                }
            }
        }

        // Two nodes on one data volume would share keys, node identity and (for SQLite) one journal file.
        foreach (var shared in actorNet.Where(s => s.Node is not null)
                     .SelectMany(s => s.Service.Volumes.Where(v => v.Named && SamePath(v.Target, s.Node!.DataDirectory)).Select(v => (v.Source, s.Service.Name)))
                     .GroupBy(x => x.Source).Where(g => g.Count() > 1))
            problems.Add($"volume {shared.Key} is the data directory of several nodes: {string.Join(", ", shared.Select(x => x.Name))}");
    }

    private static bool RunsActorNetImage(ComposeService service, IReadOnlyDictionary<string, ComposeService> services) =>
        service.Builds || (service.Image is not null && services.Values.Any(s => s.Builds && s.Image == service.Image));

    private static ComposeService ReadService(string name, YamlMappingNode node, List<string> problems)
    {
        void Problem(string text) => problems.Add($"service {name}: {text}");

        IReadOnlyList<string>? ExecList(string key)
        {
            switch (Child(node, key))
            {
                case null:
                    return null;
                case YamlSequenceNode sequence:
                    return sequence.Children.Select(c => Interpolate(Scalar(c) ?? "", name, problems)).ToList();
                default:
                    // The string form is split by compose's own shell-like rules; the list form says exactly what each argument is.
                    Problem($"{key} is a string; write it as a list so that each argument is explicit");
                    return null;
            }
        }

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        switch (Child(node, "environment"))
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                    environment[Scalar(k)!] = Scalar(v) is { } value ? Interpolate(value, name, problems) : null;
                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children.Select(c => Scalar(c) ?? ""))
                {
                    var eq = item.IndexOf('=');
                    // "- NAME" alone passes the variable through from the caller's shell: unknown here, so unset.
                    if (eq < 0) environment[item] = null;
                    else environment[item[..eq]] = Interpolate(item[(eq + 1)..], name, problems);
                }
                break;
        }

        var ports = new List<PublishedPort>();
        if (Child(node, "ports") is YamlSequenceNode portList)
            foreach (var port in portList.Children)
                if (ReadPort(port) is { } p) ports.Add(p);
                else Problem($"port '{port}' cannot be read");

        var volumes = new List<VolumeMount>();
        if (Child(node, "volumes") is YamlSequenceNode volumeList)
            foreach (var volume in volumeList.Children)
                if (ReadVolume(volume) is { } v) volumes.Add(v);
                else Problem($"volume '{volume}' cannot be read");

        var dependsOn = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (Child(node, "depends_on"))
        {
            case YamlSequenceNode list:
                foreach (var d in list.Children) dependsOn[Scalar(d)!] = "service_started";
                break;
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                    dependsOn[Scalar(k)!] = (v is YamlMappingNode m ? Scalar(Child(m, "condition")) : null) ?? "service_started";
                break;
        }

        return new ComposeService(
            name,
            Scalar(Child(node, "image")),
            Child(node, "build") is not null,
            ExecList("entrypoint"),
            ExecList("command"),
            environment,
            ports,
            volumes,
            dependsOn,
            Scalar(Child(node, "restart")),
            Child(node, "healthcheck") is not null);
    }

    private static PublishedPort? ReadPort(YamlNode node)
    {
        if (node is YamlMappingNode map)
            return int.TryParse(Scalar(Child(map, "target")), out var target)
                ? new PublishedPort(Scalar(Child(map, "host_ip")), Scalar(Child(map, "published")), target)
                : null;
        var text = Scalar(node);
        if (text is null)
            return null;
        var slash = text.IndexOf('/');
        if (slash >= 0) text = text[..slash];
        // Short syntax: [HOST_IP:][HOST_PORT:]CONTAINER_PORT, the host IP possibly in [brackets] for IPv6.
        var last = text.LastIndexOf(':');
        if (!int.TryParse(text[(last + 1)..], out var container))
            return null;
        if (last < 0)
            return new PublishedPort(null, null, container);
        var rest = text[..last];
        var split = rest.LastIndexOf(':');
        return split < 0
            ? new PublishedPort(null, rest, container)
            : new PublishedPort(rest[..split].Trim('[', ']'), rest[(split + 1)..], container);
    }

    private static VolumeMount? ReadVolume(YamlNode node)
    {
        if (node is YamlMappingNode map)
        {
            var target = Scalar(Child(map, "target"));
            var source = Scalar(Child(map, "source")) ?? "";
            return target is null ? null : new VolumeMount(source, target, Scalar(Child(map, "type")) == "volume" && source.Length > 0,
                Scalar(Child(map, "read_only")) is "true" or "yes");
        }
        var parts = (Scalar(node) ?? "").Split(':');
        if (parts.Length < 2)
            return null; // an anonymous volume: nothing survives a `docker compose down`
        var named = !(parts[0].StartsWith('/') || parts[0].StartsWith('.') || parts[0].StartsWith('~') || parts[0].StartsWith('$'));
        return new VolumeMount(parts[0], parts[1], named, parts.Length > 2 && parts[2].Split(',').Contains("ro"));
    }

    /// <summary>
    /// Compose's interpolation, with the caller's environment taken as empty so that the check never
    /// depends on the machine it runs on: ${VAR:-default} gives its default, ${VAR:?message} a placeholder.
    /// </summary>
    private static string Interpolate(string value, string service, List<string> problems)
    {
        var result = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$')
            {
                result.Append(value[i]);
                continue;
            }
            if (i + 1 < value.Length && value[i + 1] == '$')
            {
                result.Append('$');
                i++;
                continue;
            }
            if (i + 1 < value.Length && value[i + 1] == '{')
            {
                var end = value.IndexOf('}', i + 2);
                if (end < 0)
                {
                    problems.Add($"service {service}: '{value}' has an unclosed ${{");
                    return value;
                }
                var m = Regex.Match(value[(i + 2)..end], @"^(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:?[-?+])(?<arg>.*))?$", RegexOptions.Singleline);
                if (!m.Success)
                {
                    problems.Add($"service {service}: '{value}' has a malformed ${{...}}");
                    return value;
                }
                var variable = m.Groups["name"].Value;
                result.Append(m.Groups["op"].Value switch
                {
                    ":-" or "-" => m.Groups["arg"].Value,
                    ":?" or "?" => Placeholder(variable),
                    // ${VAR:+alt} gives alt only when VAR is set, and nothing is set here.
                    _ => "",
                });
                i = end;
                continue;
            }
            var bare = Regex.Match(value[(i + 1)..], "^[A-Za-z_][A-Za-z0-9_]*");
            // $VAR without braces: unset here, so empty, as compose makes it.
            i += bare.Length;
        }
        return result.ToString();
    }

    private static YamlMappingNode LoadYaml(string yaml)
    {
        var stream = new YamlStream();
        // MergingParser resolves `<<: *anchor`, which compose files use to share a service's common keys.
        stream.Load(new MergingParser(new Parser(new StringReader(yaml))));
        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root ? root : new YamlMappingNode();
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlNode? node) =>
        node is YamlScalarNode { Value: { } v } scalar && !(scalar.Style == ScalarStyle.Plain && v is "" or "~" or "null") ? v : null;

    private static string JoinContinuations(string text) => Regex.Replace(text, @"\\\r?\n", " ");

    private static bool SamePath(string a, string b) => Path.GetFullPath(a).TrimEnd('/', '\\') == Path.GetFullPath(b).TrimEnd('/', '\\');

    private static bool IsUnder(string path, string directory) =>
        Path.GetFullPath(path).StartsWith(Path.GetFullPath(directory).TrimEnd('/', '\\') + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
