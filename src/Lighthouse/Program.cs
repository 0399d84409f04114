using ActorNet.Actors.Hosting;
using ActorNet.Protocol.Pki;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Serilog;

// Before the host starts its threads: an idle process keeps fewer half-empty malloc arenas.
MallocArenas.Limit();

if (NodeOptions.WantsHelp(args))
{
    Console.WriteLine(OptionParser.Usage("ActorNet.Lighthouse", LighthouseOptions.Specs));
    return 0;
}

LighthouseOptions options;
NetworkTls? tls;
try
{
    options = LighthouseOptions.Parse(args, Environment.GetEnvironmentVariable);
    tls = options.Tls is { } files ? NetworkTls.Load(files, CertificateHolder.Lighthouse) : null;
    PortCheck.EnsureFree("--listen", options.Remote.Host, options.Remote.Port);
}
catch (OptionsException e)
{
    Console.Error.WriteLine($"actornet-lighthouse: {e.Message}");
    return e.Message.Contains("unknown option") ? 2 : 1;
}

var version = AppVersion.Current;
Log.Logger = Logging.Create(options.LogFormat, null, $"lighthouse@{options.Remote.PublicHost}:{options.Remote.Port}");
if (tls is null)
    Log.Warning("Running with --insecure: traffic between nodes is plain TCP and any process can join. Use it for development only");
else
    Log.Information("TLS on Akka.Remote as the Lighthouse (certificate {Thumbprint}); peers must hold a certificate from {Ca}",
        tls.Certificate.Thumbprint, tls.Ca.Subject);

// A seed does one thing: it lets nodes find the cluster. No domain actors, no storage, no HTTP.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
builder.Services.AddSerilog();
builder.Services.AddAkka(ActorNetHosting.SystemName, akka =>
    akka.WithActorNetCluster(options.Remote, options.Seeds, ["lighthouse"], version, tls, options.HeartbeatPause));

try
{
    Log.Information("Lighthouse listening on {Scheme}://{System}@{Host}:{Port}, seeds {Seeds}",
        ActorNetHosting.AddressScheme(tls is not null), ActorNetHosting.SystemName, options.Remote.PublicHost, options.Remote.Port, options.Seeds);
    await builder.Build().RunAsync();
    return 0;
}
catch (Exception e)
{
    Log.Fatal(e, "Lighthouse stopped on an error");
    Console.Error.WriteLine($"actornet-lighthouse: {e.GetBaseException().Message}");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
