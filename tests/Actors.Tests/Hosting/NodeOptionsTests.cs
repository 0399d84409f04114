using ActorNet.Actors.Hosting;
using Xunit;

namespace ActorNet.Actors.Tests.Hosting;

public class NodeOptionsTests
{
    private static NodeOptions Parse(string[] args, Dictionary<string, string>? env = null) =>
        NodeOptions.Parse(args, name => env?.GetValueOrDefault(name));

    [Fact]
    public void Defaults_follow_the_contract()
    {
        var o = Parse(["--bureau", "FR", "--insecure"]);
        Assert.Equal("FR", o.Bureau.Value);
        Assert.Equal(("127.0.0.1", 0), (o.Remote.Host, o.Remote.Port));
        Assert.Equal(["127.0.0.1:4053"], o.Seeds);
        Assert.Equal(("127.0.0.1", 5080), (o.HttpHost, o.HttpPort));
        Assert.Equal(Path.GetFullPath(Path.Combine("var", "FR")), o.DataDirectory);
        Assert.Equal(StorageKind.Sqlite, o.Storage.Kind);
        Assert.Equal(Path.Combine(o.DataDirectory, "actornet.db"), o.Storage.SqlitePath);
        Assert.Equal(["ncb", "bureau-FR"], o.Roles);
        Assert.Equal(TimeSpan.FromSeconds(3), o.HeartbeatPause);
        Assert.Equal(new("127.0.0.1", 0, "127.0.0.1"), o.Bulk);
    }

    [Fact]
    public void The_bulk_channel_listens_where_told_is_reached_by_the_public_host_and_can_be_turned_off()
    {
        Assert.Equal(new("0.0.0.0", 4100, "0.0.0.0"), Parse(["--bureau", "FR", "--insecure", "--bulk-listen", "0.0.0.0:4100"]).Bulk);
        Assert.Equal(new("0.0.0.0", 4100, "fr.example"), Parse(["--bureau", "FR", "--insecure", "--listen", "0.0.0.0:4053", "--public-host", "fr.example",
            "--bulk-listen", "0.0.0.0:4100"]).Bulk);
        Assert.Equal(new("10.1.2.3", 0, "fr.example"), Parse(["--bureau", "FR", "--insecure", "--listen", "10.1.2.3:4053", "--public-host", "fr.example"]).Bulk);
        Assert.Null(Parse(["--bureau", "FR", "--insecure", "--bulk-listen", "off"]).Bulk);
        Assert.Null(Parse(["--bureau", "FR", "--insecure"], new() { ["ACTORNET_BULK_LISTEN"] = "OFF" }).Bulk);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("1s", 1000)]
    [InlineData("15s", 15_000)]
    [InlineData("2m", 120_000)]
    public void Heartbeat_pause_is_read_for_nodes_and_the_Lighthouse(string text, int milliseconds)
    {
        if (milliseconds < 1000)
        {
            Assert.Contains("out of range: between 1s and 2m", Assert.Throws<OptionsException>(() => Parse(["--bureau", "FR", "--insecure", "--heartbeat-pause", text])).Message);
            return;
        }
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Parse(["--bureau", "FR", "--insecure", "--heartbeat-pause", text]).HeartbeatPause);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Parse(["--bureau", "FR", "--insecure"], new() { ["ACTORNET_HEARTBEAT_PAUSE"] = text }).HeartbeatPause);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), LighthouseOptions.Parse(["--insecure", "--heartbeat-pause", text], _ => null).HeartbeatPause);
    }

    [Fact]
    public void Secretariat_nodes_carry_the_secretariat_role()
    {
        Assert.Equal(["secretariat", "bureau-GS"], Parse(["--bureau", "GS", "--insecure"]).Roles);
    }

    [Fact]
    public void Environment_stands_in_for_flags_and_flags_win()
    {
        var env = new Dictionary<string, string>
        {
            ["ACTORNET_BUREAU"] = "US",
            ["ACTORNET_SEEDS"] = "10.0.0.1:4053, 10.0.0.2:4053",
            ["ACTORNET_HTTP"] = "0.0.0.0:6000",
            ["ACTORNET_INSECURE"] = "1",
        };
        var fromEnv = Parse([], env);
        Assert.Equal("US", fromEnv.Bureau.Value);
        Assert.Equal(["10.0.0.1:4053", "10.0.0.2:4053"], fromEnv.Seeds);
        Assert.True(fromEnv.Insecure);

        var flagWins = Parse(["--bureau", "DE", "--http=127.0.0.1:7000", "--seed", "a:1", "--seed", "b:2"], env);
        Assert.Equal("DE", flagWins.Bureau.Value);
        Assert.Equal(7000, flagWins.HttpPort);
        Assert.Equal(["a:1", "b:2"], flagWins.Seeds);
    }

    [Fact]
    public void Postgres_database_is_read_and_described_without_its_password()
    {
        var o = Parse(["--bureau", "GS", "--insecure", "--database", "postgres:Host=db;Port=5433;Database=actornet;Username=u;Password=secret"]);
        Assert.Equal(StorageKind.Postgres, o.Storage.Kind);
        Assert.Equal("PostgreSQL.15", o.Storage.ProviderName);
        Assert.DoesNotContain("secret", o.Storage.Description);
        Assert.Contains("db:5433/actornet", o.Storage.Description);
    }

    [Theory]
    [InlineData(new[] { "--bureau", "FR", "--bogus" }, "unknown option --bogus")]
    [InlineData(new[] { "--bureau", "ZZ" }, "'ZZ' is not a bureau code")]
    [InlineData(new[] { "--listen", "1.2.3.4" }, "--bureau is required")]
    [InlineData(new[] { "--bureau", "FR", "--listen", "nohost" }, "--listen 'nohost' is not HOST:PORT")]
    [InlineData(new[] { "--bureau", "FR", "--http", "127.0.0.1:99999" }, "--http '127.0.0.1:99999' is not HOST:PORT")]
    [InlineData(new[] { "--bureau", "FR", "--database", "mysql:x" }, "--database must be sqlite:PATH or postgres:")]
    [InlineData(new[] { "--bureau", "FR", "--database", "sqlite:" }, "needs a file path")]
    [InlineData(new[] { "--bureau", "FR", "--auto-enrol" }, "--auto-enrol is for GS nodes only")]
    [InlineData(new[] { "--bureau", "FR", "--tls-cert", "a.p12" }, "--tls-cert and --ca go together")]
    [InlineData(new[] { "--bureau", "FR", "--ca", "ca.crt" }, "--tls-cert and --ca go together")]
    [InlineData(new[] { "--bureau", "FR", "--tls-cert", "a.p12", "--ca", "ca.crt", "--insecure" }, "--insecure and --tls-cert exclude each other")]
    [InlineData(new[] { "--bureau", "FR" }, "no transport security: give --tls-cert FILE and --ca FILE")]
    [InlineData(new[] { "--bureau", "FR", "--bureau", "US" }, "--bureau is given twice")]
    [InlineData(new[] { "--bureau" }, "--bureau needs a value")]
    [InlineData(new[] { "--bureau", "FR", "--log-format", "xml" }, "--log-format 'xml' is not console or json")]
    [InlineData(new[] { "FR" }, "unexpected argument 'FR'")]
    [InlineData(new[] { "--bureau", "FR", "--insecure", "--heartbeat-pause", "10" }, "--heartbeat-pause '10' is not a duration: write a whole number with ms, s or m")]
    [InlineData(new[] { "--bureau", "FR", "--insecure", "--heartbeat-pause", "-5s" }, "--heartbeat-pause '-5s' is not a duration")]
    [InlineData(new[] { "--bureau", "FR", "--insecure", "--heartbeat-pause", "3h" }, "--heartbeat-pause '3h' is not a duration")]
    [InlineData(new[] { "--bureau", "FR", "--insecure", "--heartbeat-pause", "5m" }, "--heartbeat-pause '5m' is out of range: between 1s and 2m")]
    [InlineData(new[] { "--bureau", "FR", "--insecure", "--bulk-listen", "4100" }, "--bulk-listen '4100' is not HOST:PORT")]
    [InlineData(new[] { "--bureau", "FR", "--insecure", "--bulk-listen", "127.0.0.1:70000" }, "--bulk-listen '127.0.0.1:70000' is not HOST:PORT")]
    public void Bad_input_is_refused_with_a_line_that_names_it(string[] args, string expected)
    {
        var e = Assert.Throws<OptionsException>(() => Parse(args));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Bad_switch_value_in_environment_is_refused()
    {
        var e = Assert.Throws<OptionsException>(() => Parse(["--bureau", "FR"], new() { ["ACTORNET_INSECURE"] = "maybe" }));
        Assert.Contains("ACTORNET_INSECURE", e.Message);
    }

    [Fact]
    public void Lighthouse_needs_a_fixed_port()
    {
        Assert.Equal(4053, LighthouseOptions.Parse(["--insecure"], _ => null).Remote.Port);
        var e = Assert.Throws<OptionsException>(() => LighthouseOptions.Parse(["--listen", "127.0.0.1:0"], _ => null));
        Assert.Contains("fixed port", e.Message);
        Assert.Throws<OptionsException>(() => LighthouseOptions.Parse(["--bureau", "FR"], _ => null));
    }

    [Fact]
    public void TLS_files_are_read_from_flags_or_environment_and_plain_TCP_only_when_asked_for()
    {
        var node = Parse(["--bureau", "FR", "--tls-cert", "fr.p12", "--ca", "ca.crt"], new() { ["ACTORNET_TLS_PASSWORD"] = "pw" });
        Assert.Equal(new TlsFiles("fr.p12", "pw", "ca.crt"), node.Tls);
        Assert.False(node.Insecure);
        Assert.Null(Parse(["--bureau", "FR", "--insecure"]).Tls);

        var lighthouse = LighthouseOptions.Parse([], name => name switch
        {
            "ACTORNET_TLS_CERT" => "lighthouse.p12",
            "ACTORNET_CA" => "ca.crt",
            _ => null,
        });
        Assert.Equal(new TlsFiles("lighthouse.p12", null, "ca.crt"), lighthouse.Tls);
        var e = Assert.Throws<OptionsException>(() => LighthouseOptions.Parse([], _ => null));
        Assert.Contains("no transport security", e.Message);
        Assert.True(LighthouseOptions.Parse(["--insecure"], _ => null).Insecure);
    }
}
