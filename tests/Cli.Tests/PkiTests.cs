using ActorNet.Protocol.Pki;

namespace ActorNet.Cli.Tests;

/// <summary><c>actornet pki</c>: works offline, so every run points --node at a closed port to prove no node is asked.</summary>
public sealed class PkiTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "actornet-cli-pki-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ClosedPort _closed = new();

    private string ClosedNode => $"127.0.0.1:{_closed.Port}";

    public void Dispose()
    {
        _closed.Dispose();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private string CaDirectory => Path.Combine(_directory, "ca");

    private Task<CliRun> Run(params string[] args) => CliRun.RunAsync(["--node", ClosedNode, .. args]);

    [Fact]
    public async Task Init_makes_a_CA_without_a_node_and_issue_makes_certificates_it_vouches_for()
    {
        var init = await Run("pki", "init", "--out", CaDirectory);
        Assert.Equal(CliApp.Success, init.ExitCode);
        Assert.Contains(Path.Combine(CaDirectory, "ca.crt"), init.Stdout);
        Assert.Equal("", init.Stderr);

        var fr = Path.Combine(_directory, "certs", "fr.p12");
        var issue = await Run("pki", "issue", "--ca-dir", CaDirectory, "--bureau", "fr", "--out", fr, "--password", "pw");
        Assert.Equal(CliApp.Success, issue.ExitCode);
        Assert.Contains("CN=FR, O=ActorNet", issue.Stdout);

        var lighthouse = Path.Combine(_directory, "lighthouse.p12");
        Assert.Equal(CliApp.Success, (await Run("pki", "issue", "--ca-dir", CaDirectory, "--bureau", "lighthouse", "--out", lighthouse)).ExitCode);

        using var ca = NetworkTrust.LoadCaCertificate(Path.Combine(CaDirectory, "ca.crt"));
        using var frCertificate = NetworkTrust.LoadNodeCertificate(fr, "pw");
        using var lighthouseCertificate = NetworkTrust.LoadNodeCertificate(lighthouse, null);
        Assert.Equal("FR", NetworkTrust.Verify(frCertificate, ca).Holder?.Name);
        Assert.Equal(CertificateHolder.Lighthouse, NetworkTrust.Verify(lighthouseCertificate, ca).Holder);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fr));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(CaDirectory, "ca.key")));
        }
    }

    [Fact]
    public async Task Init_refuses_to_replace_an_existing_CA_and_exits_1()
    {
        Assert.Equal(CliApp.Success, (await Run("pki", "init", "--out", CaDirectory)).ExitCode);
        var key = await File.ReadAllTextAsync(Path.Combine(CaDirectory, "ca.key"));

        var again = await Run("pki", "init", "--out", CaDirectory);

        Assert.Equal(CliApp.Refused, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);
        Assert.Single(again.Stderr.Trim().Split('\n'));
        Assert.Equal(key, await File.ReadAllTextAsync(Path.Combine(CaDirectory, "ca.key")));
    }

    [Fact]
    public async Task Issue_without_a_CA_exits_1_naming_the_missing_file()
    {
        var run = await Run("pki", "issue", "--ca-dir", CaDirectory, "--bureau", "FR", "--out", Path.Combine(_directory, "fr.p12"));

        Assert.Equal(CliApp.Refused, run.ExitCode);
        Assert.Contains("ca.crt does not exist", run.Stderr);
        Assert.Contains("actornet pki init", run.Stderr);
    }

    [Fact]
    public async Task Issue_refuses_to_overwrite_a_certificate()
    {
        Assert.Equal(CliApp.Success, (await Run("pki", "init", "--out", CaDirectory)).ExitCode);
        var file = Path.Combine(_directory, "fr.p12");
        await File.WriteAllTextAsync(file, "kept");

        var run = await Run("pki", "issue", "--ca-dir", CaDirectory, "--bureau", "FR", "--out", file);

        Assert.Equal(CliApp.Refused, run.ExitCode);
        Assert.Contains("already exists", run.Stderr);
        Assert.Equal("kept", await File.ReadAllTextAsync(file));
    }

    [Theory]
    [InlineData(new[] { "pki", "init" }, "Missing --out: write actornet pki init --out DIR")]
    [InlineData(new[] { "pki", "issue", "--ca-dir", "x", "--out", "y" }, "Missing --bureau")]
    [InlineData(new[] { "pki", "issue", "--ca-dir", "x", "--bureau", "ZZ", "--out", "y" }, "--bureau 'ZZ' names neither a bureau nor the Lighthouse")]
    public async Task Bad_usage_exits_2(string[] args, string firstLine)
    {
        var run = await Run(args);

        Assert.Equal(CliApp.BadUsage, run.ExitCode);
        Assert.StartsWith(firstLine, run.Stderr);
        Assert.Contains("Usage: actornet", run.Stderr);
    }

    [Fact]
    public async Task Json_output_describes_what_was_made()
    {
        var run = await Run("--json", "pki", "init", "--out", CaDirectory);

        Assert.Equal(CliApp.Success, run.ExitCode);
        Assert.Contains("\"thumbprint\"", run.Stdout);
        Assert.Contains("ActorNet Network CA", run.Stdout);
    }
}
