using System.Xml.Linq;
using ActorNet.Actors.Hosting;
using Npgsql;
using Xunit;

namespace ActorNet.Actors.Tests.Deployment;

/// <summary>docker-compose.yml and the Dockerfile, checked against the real option parsers and project files.</summary>
public sealed class ComposeFileTests
{
    private static readonly string[] ExpectedServices = ["lighthouse", "gs1", "gs2", "fr", "us", "de", "postgres"];

    private static readonly string Root = FindRepositoryRoot();
    private static readonly Lazy<(ComposeReport Report, IReadOnlyList<string> DockerfileProblems)> Checked = new(CheckRepositoryFiles);

    private static ComposeReport Report => Checked.Value.Report;

    [Fact]
    public void Every_ActorNet_service_starts_with_flags_and_environment_its_parser_accepts()
    {
        Assert.True(Report.Problems.Count == 0, "docker-compose.yml:\n  " + string.Join("\n  ", Report.Problems));
        Assert.Equal(6, Report.ActorNetServices.Count);
    }

    [Fact]
    public void Every_expected_service_is_defined()
    {
        var missing = ExpectedServices.Where(s => !Report.Services.ContainsKey(s)).ToList();
        Assert.True(missing.Count == 0, "docker-compose.yml lacks the services " + string.Join(", ", missing));
        Assert.Equal(ActorNetProcess.Lighthouse, Single("lighthouse").Process);
        // Restarted by the engine after a crash or a reboot, but not after an operator's stop.
        Assert.All(Report.ActorNetServices, s => Assert.Equal("unless-stopped", s.Service.Restart));
    }

    [Fact]
    public void Services_are_the_bureaus_their_names_say()
    {
        Assert.Equal("GS", Single("gs1").Node!.Bureau.Value);
        Assert.Equal("GS", Single("gs2").Node!.Bureau.Value);
        Assert.Equal("FR", Single("fr").Node!.Bureau.Value);
        Assert.Equal("US", Single("us").Node!.Bureau.Value);
        Assert.Equal("DE", Single("de").Node!.Bureau.Value);
    }

    [Fact]
    public void Secretariat_nodes_share_one_PostgreSQL_database_and_wait_for_it()
    {
        var gs = Report.ActorNetServices.Where(s => s.Node?.Bureau.IsSecretariat == true).ToList();
        Assert.True(gs.Count >= 2, "a Secretariat that survives the loss of one node needs two GS nodes");
        Assert.All(gs, s => Assert.Equal(StorageKind.Postgres, s.Node!.Storage.Kind));
        var targets = gs.Select(s => new NpgsqlConnectionStringBuilder(s.Node!.Storage.ConnectionString))
            .Select(b => $"{b.Host}:{b.Port}/{b.Database}").Distinct().ToList();
        Assert.Equal(["postgres:5432/actornet"], targets);
        Assert.All(gs, s => Assert.Equal("service_healthy", s.Service.DependsOn["postgres"]));
        // A development network: bureaus are approved as they enrol (a real Secretariat drops --auto-enrol and approves each).
        Assert.All(gs, s => Assert.True(s.Node!.AutoEnrol, $"{s.Service.Name} should run --auto-enrol so the bureaus can message at once"));
        Assert.True(Report.Services["postgres"].HasHealthcheck, "service_healthy needs a healthcheck on postgres");
        // The image turns tiered compilation off for small idle bureaus; the Secretariat carries traffic and wants it back.
        Assert.All(gs, s => Assert.Equal("1", s.Service.Environment.GetValueOrDefault("DOTNET_TieredCompilation")));
        // And the server collector: a collection of a busy node works on every core rather than stopping it on one.
        Assert.All(gs, s => Assert.Equal("1", s.Service.Environment.GetValueOrDefault("DOTNET_gcServer")));
        Assert.All(gs, s => Assert.Equal("1", s.Service.Environment.GetValueOrDefault("DOTNET_GCNoAffinitize")));
    }

    [Fact]
    public void Bureaus_keep_their_SQLite_journal_in_a_volume_of_their_own()
    {
        var bureaus = Report.ActorNetServices.Where(s => s.Node is { Bureau.IsSecretariat: false }).ToList();
        Assert.Equal(3, bureaus.Count);
        Assert.All(bureaus, s => Assert.Equal(StorageKind.Sqlite, s.Node!.Storage.Kind));
        var dataVolumes = bureaus
            .Select(s => s.Service.Volumes.Single(v => Path.GetFullPath(v.Target) == s.Node!.DataDirectory))
            .ToList();
        Assert.All(dataVolumes, v => Assert.True(v.Named, $"{v.Source} should be a named volume"));
        Assert.Equal(dataVolumes.Count, dataVolumes.Select(v => v.Source).Distinct().Count());
    }

    [Fact]
    public void Every_ActorNet_process_runs_TLS_with_its_own_certificate_from_a_read_only_mount()
    {
        Assert.All(Report.ActorNetServices, s =>
        {
            Assert.NotNull(s.Tls);
            Assert.False(s.Node?.Insecure ?? s.Lighthouse!.Insecure, $"{s.Service.Name} runs --insecure");
            var mounts = new[] { s.Tls!.Certificate, s.Tls.Ca }.Select(path => s.Service.Volumes.Single(v => path.StartsWith(v.Target.TrimEnd('/') + "/", StringComparison.Ordinal)));
            Assert.All(mounts, m => Assert.True(m.ReadOnly, $"{s.Service.Name}: {m.Source}:{m.Target} should be read-only"));
            // One certificate per bureau (or the Lighthouse), named after it: gs1 and gs2 are both GS.
            var holder = s.Node?.Bureau.Value.ToLowerInvariant() ?? "lighthouse";
            Assert.Equal(holder + ".p12", Path.GetFileName(s.Tls.Certificate));
        });
        Assert.Single(Report.ActorNetServices.Select(s => s.Tls!.Ca).Distinct());
    }

    [Theory]
    [InlineData("[]", "--tls-cert /pki/fr.p12 is in no mounted volume")]
    [InlineData("['./pki:/pki']", "is on the writable mount ./pki:/pki; mount it read-only")]
    [InlineData("['./pki:/pki:ro']", null)]
    public void The_checker_reports_certificates_no_read_only_mount_provides(string volumes, string? expected)
    {
        var report = CheckFr($$"""
                command: ["/app/node/ActorNet.Node", "--bureau", "FR", "--listen", "0.0.0.0:4053", "--public-host", "fr", "--seed", "lighthouse:4053", "--tls-cert", "/pki/fr.p12", "--ca", "/pki/ca.crt"]
                volumes: {{volumes}}
            """);
        var tlsProblems = report.Problems.Where(p => p.Contains("--tls-cert") || p.Contains("--ca ")).ToList();
        if (expected is null)
            Assert.Empty(tlsProblems);
        else
            Assert.Contains(tlsProblems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_checker_reports_a_process_with_neither_TLS_nor_insecure()
    {
        var report = CheckSnippet("""
            services:
              lighthouse:
                build: .
                command: ["/app/lighthouse/ActorNet.Lighthouse", "--listen", "0.0.0.0:4053", "--public-host", "lighthouse", "--seed", "lighthouse:4053"]
            """);
        Assert.Contains(report.Problems, p => p.Contains("service lighthouse") && p.Contains("no transport security"));
    }

    [Fact]
    public void Published_ports_are_bound_to_loopback_and_reach_the_HTTP_API()
    {
        var nodes = Report.ActorNetServices.Where(s => s.Node is not null).ToList();
        Assert.All(nodes, s => Assert.NotEmpty(s.Service.Ports));
        var ports = Report.Services.Values.SelectMany(s => s.Ports).ToList();
        Assert.All(ports, p => Assert.Equal("127.0.0.1", p.HostIp));
        Assert.Equal(ports.Count, ports.Select(p => p.HostPort).Distinct().Count());
        Assert.All(nodes, s => Assert.All(s.Service.Ports, p => Assert.Equal(s.Node!.HttpPort, p.ContainerPort)));
    }

    [Fact]
    public void The_Dockerfile_publishes_the_projects_real_assemblies_self_contained()
    {
        Assert.True(Checked.Value.DockerfileProblems.Count == 0, "Dockerfile:\n  " + string.Join("\n  ", Checked.Value.DockerfileProblems));
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var programs = ComposeChecker.ReadPublishedPrograms(dockerfile, Root, []);
        // The deployed form (Directory.Build.props, ActorNetDeploy): self-contained executables, no shared framework.
        Assert.Contains(new PublishedProgram("/app/node/" + AssemblyName("src/Node/Node.csproj"), ActorNetProcess.Node, "ActorNet.Node", true), programs);
        Assert.Contains(new PublishedProgram("/app/lighthouse/" + AssemblyName("src/Lighthouse/Lighthouse.csproj"), ActorNetProcess.Lighthouse, "ActorNet.Lighthouse", true), programs);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(dockerfile, @"dotnet publish \S+ [^\n]*-p:ActorNetDeploy=true").Count);
        Assert.Contains("-o /app/cli", dockerfile);
        // The runtime stage: what the nodes' volumes, ports and user rely on.
        var runtime = dockerfile[dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        Assert.Matches(@"(?m)^VOLUME /data\s*$", runtime);
        Assert.Matches(@"(?m)^EXPOSE 4053 5080\s*$", runtime);
        var user = Assert.Single(System.Text.RegularExpressions.Regex.Matches(runtime, @"(?m)^USER (\S+)")).Groups[1].Value;
        Assert.DoesNotContain(user, new[] { "root", "0" });
    }

    [Theory]
    [InlineData("--self-contained", true)]
    [InlineData("--self-contained true", true)]
    [InlineData("--sc", true)]
    [InlineData("--self-contained false", false)]
    [InlineData("", false)]
    public void The_checker_knows_a_self_contained_publish_from_a_framework_dependent_one(string option, bool selfContained)
    {
        var programs = ComposeChecker.ReadPublishedPrograms(
            $"RUN dotnet publish src/Node/Node.csproj -c Release -r linux-x64 {option} -o /app/node", Root, []);
        var node = Assert.Single(programs);
        Assert.Equal(selfContained, node.SelfContained);
        Assert.Equal(selfContained ? "/app/node/ActorNet.Node" : "/app/node/ActorNet.Node.dll", node.Path);
    }

    [Theory]
    [InlineData("[\"dotnet\", \"/app/node/ActorNet.Node.dll\"", "which is none of the programs the Dockerfile publishes (/app/node/ActorNet.Node, ")]
    [InlineData("[\"dotnet\", \"/app/node/ActorNet.Node\"", "runs 'dotnet /app/node/ActorNet.Node'")]
    [InlineData("[\"/app/node/ActorNet.Nod\"", "runs '/app/node/ActorNet.Nod")]
    public void The_checker_reports_a_command_that_runs_no_published_program(string start, string expected)
    {
        var report = CheckFr($$"""
                command: {{start}}, "--bureau", "FR", "--listen", "0.0.0.0:4053", "--public-host", "fr", "--seed", "lighthouse:4053", "--insecure"]
            """);
        var problem = Assert.Single(report.Problems);
        Assert.Contains("service fr", problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void The_checker_reports_a_misspelt_flag()
    {
        var report = CheckFr("""
                command: ["/app/node/ActorNet.Node", "--bureua", "FR", "--listen", "0.0.0.0:4053", "--public-host", "fr", "--seed", "lighthouse:4053", "--insecure"]
            """);
        var problem = Assert.Single(report.Problems);
        Assert.Contains("service fr", problem);
        Assert.Contains("unknown option --bureua", problem);
    }

    [Theory]
    [InlineData("environment: { ACTORNET_BUREA: FR }", "sets ACTORNET_BUREA")]
    [InlineData("environment: [ACTORNET_LOG_FORMAT=xml]", "--log-format 'xml'")]
    [InlineData("environment: { ACTORNET_DATABASE: 'mysql:x' }", "--database must be")]
    [InlineData("ports: ['5082:5080']", "published on every host interface")]
    [InlineData("ports: ['0.0.0.0:5082:5080']", "published on 0.0.0.0")]
    [InlineData("volumes: ['./fr:/data']", "host path ./fr")]
    public void The_checker_reports_a_wrong_setting(string extra, string expected)
    {
        var report = CheckFr($$"""
                command: ["/app/node/ActorNet.Node", "--bureau", "FR", "--listen", "0.0.0.0:4053", "--public-host", "fr", "--seed", "lighthouse:4053", "--http", "0.0.0.0:5080", "--data", "/data", "--insecure"]
                {{extra}}
            """);
        Assert.Contains(report.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"--public-host\", \"france\"", "must be the service name 'fr'")]
    [InlineData("\"--public-host\", \"fr\", \"--seed\", \"seed1:4053\"", "seed seed1:4053 names no ActorNet service")]
    [InlineData("\"--public-host\", \"fr\", \"--seed\", \"lighthouse:4054\"", "listens on port 4053, not 4054")]
    [InlineData("\"--public-host\", \"fr\", \"--seed\", \"${SEED:-lighthouse:4053}\", \"--auto-enrol\"", "--auto-enrol is for GS nodes only")]
    public void The_checker_reports_a_node_others_cannot_reach(string arguments, string expected)
    {
        var report = CheckFr($$"""
                command: ["/app/node/ActorNet.Node", "--bureau", "FR", "--listen", "0.0.0.0:4053", {{arguments}}, "--insecure"]
            """);
        Assert.Contains(report.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    private static ActorNetService Single(string service) =>
        Report.ActorNetServices.SingleOrDefault(s => s.Service.Name == service)
        ?? throw new Xunit.Sdk.XunitException($"service {service} is missing or did not parse: {string.Join("; ", Report.Problems)}");

    /// <summary>A compose file of an insecure Lighthouse and a service fr, whose keys (indented under fr:) are given.</summary>
    private static ComposeReport CheckFr(string frKeys) => CheckSnippet($"""
        services:
          lighthouse:
            build: .
            command: ["/app/lighthouse/ActorNet.Lighthouse", "--listen", "0.0.0.0:4053", "--public-host", "lighthouse", "--seed", "lighthouse:4053", "--insecure"]
          fr:
            build: .
        {frKeys}
        """);

    private static ComposeReport CheckSnippet(string yaml) =>
        ComposeChecker.Check(yaml,
            [new("/app/node/ActorNet.Node", ActorNetProcess.Node, "ActorNet.Node", true),
             new("/app/lighthouse/ActorNet.Lighthouse", ActorNetProcess.Lighthouse, "ActorNet.Lighthouse", true)],
            []);

    private static (ComposeReport, IReadOnlyList<string>) CheckRepositoryFiles()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var dockerfileProblems = new List<string>();
        var programs = ComposeChecker.ReadPublishedPrograms(dockerfile, Root, dockerfileProblems);
        if (!programs.Any(d => d.Process == ActorNetProcess.Node) || !programs.Any(d => d.Process == ActorNetProcess.Lighthouse))
            dockerfileProblems.Add("does not publish both src/Node and src/Lighthouse");
        var (entrypoint, cmd) = ComposeChecker.ReadEntrypoint(dockerfile);
        // `docker run actornet:dev` with no command runs the image's default: it must be a published program.
        var defaultCommand = (entrypoint ?? []).Concat(cmd ?? []).ToList();
        if (ComposeChecker.Resolve(defaultCommand, programs) is null)
            dockerfileProblems.Add($"ENTRYPOINT and CMD run '{string.Join(' ', defaultCommand)}', which is none of the published programs");
        var compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        return (ComposeChecker.Check(compose, programs, entrypoint ?? []), dockerfileProblems);
    }

    private static string AssemblyName(string project) =>
        XDocument.Load(Path.Combine(Root, project)).Descendants("AssemblyName").Single().Value;

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorNet.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no ActorNet.sln above {AppContext.BaseDirectory}");
    }
}
