using ActorNet.Actors.Hosting;
using ActorNet.Actors.Messaging;
using ActorNet.Protocol.Directory;
using ActorNet.Protocol.Sealing;
using ActorNet.Node;
using ActorNet.Node.Api;
using ActorNet.Node.Security;
using Akka.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Serilog;

// Before the host starts its threads: an idle process keeps fewer half-empty malloc arenas.
MallocArenas.Limit();

if (NodeOptions.WantsHelp(args))
{
    Console.WriteLine(OptionParser.Usage("ActorNet.Node", NodeOptions.Specs));
    return 0;
}

NodeOptions options;
NetworkTls? tls;
string nodeId;
TokenStore tokens;
BureauCrypto crypto;
try
{
    options = NodeOptions.Parse(args, Environment.GetEnvironmentVariable);
    // Before anything is opened: a node that may not run as this bureau touches no port and no database.
    tls = options.Tls is { } files ? NetworkTls.Load(files, options.CertificateHolder) : null;
    PortCheck.EnsureFree("--http", options.HttpHost, options.HttpPort);
    PortCheck.EnsureFree("--listen", options.Remote.Host, options.Remote.Port);
    if (options.Bulk is { } bulk)
        PortCheck.EnsureFree("--bulk-listen", bulk.Host, bulk.Port);
    await StoragePreparation.PrepareAsync(options.DataDirectory, options.Storage);
    nodeId = NodeIdentity.LoadOrCreate(options.DataDirectory);
    tokens = TokenStore.Open(options.DataDirectory, Environment.GetEnvironmentVariable("ACTORNET_ADMIN_TOKEN"));
    crypto = BureauCrypto.LoadOrCreate(options.Bureau, options.DataDirectory);
}
catch (Exception e) when (e is OptionsException or InvalidDataException or KeyFileException)
{
    Console.Error.WriteLine($"actornet-node: {e.Message}");
    return e is OptionsException && e.Message.Contains("unknown option") ? 2 : 1;
}

var version = AppVersion.Current;
Log.Logger = Logging.Create(options.LogFormat, options.Bureau.Value, nodeId);
if (tls is null)
    Log.Warning("Running with --insecure: traffic between nodes is plain TCP, any process can join, and directory entries go unsigned and are trusted unsigned. Use it for development only");
else
    Log.Information("TLS on Akka.Remote as {Holder} (certificate {Thumbprint}); peers must hold a certificate from {Ca}",
        tls.Holder.Name, tls.Certificate.Thumbprint, tls.Ca.Subject);
if (options.AutoEnrol)
    Log.Warning("Running with --auto-enrol: the directory approves every new bureau at once, with no operator's approval. Use it for development only");

// The empty builder, not the slim one: options come from flags, so no appsettings.json (and no file watcher for it),
// no console logger under Serilog, no host filtering or forwarded headers; only Kestrel and routing.
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
// Serilog as a provider under the framework's logger factory, which keeps one logger per category: Serilog's own factory
// (UseSerilog) makes a new one each time it is asked, and ASP.NET asks on every request (results, the token handler).
builder.Logging.AddSerilog(Log.Logger);
builder.Services.AddRoutingCore();
builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
{
    kestrel.Listen(PortCheck.Resolve(options.HttpHost), options.HttpPort);
    kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
});
// A request goes on on the pool thread that read it instead of being queued for another one: one thread hand-off less per
// request and per live-feed write, 8-11 % of a node's CPU at 1,000 single sends a second (docs/benchmarks.md, session 39).
// "Unsafe" only where socket completions run on the epoll thread (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS, not set here).
builder.Services.Configure<SocketTransportOptions>(o => o.UnsafePreferInlineScheduling = true);
builder.Services.AddSingleton(tokens);
builder.Services.AddSingleton(crypto);
builder.Services.AddSingleton(sp => new NoticeSide(options.Bureau, crypto, sp.GetRequiredService<Akka.Hosting.ActorRegistry>()));
// The framework's own 415 says only "Unsupported Media Type": say what to send instead.
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
{
    if (c.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType)
        c.ProblemDetails.Title = "Send the body as JSON, with Content-Type: application/json";
});
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
// Authentication's core only: the full AddAuthentication also starts ASP.NET's data protection (an XML key ring
// on disk, for cookies), which bearer tokens do not use. The handler comes from the container (made by reflection otherwise).
builder.Services.AddTransient<BearerTokenHandler>();
builder.Services.AddAuthenticationCore(o => o.AddScheme<BearerTokenHandler>(BearerTokenHandler.SchemeName, null));
builder.Services.AddAuthorization();
// Its per-request log scope and Activity are for request logging and tracing, neither of which a node does (Microsoft.* logs
// at Warning and up); its warnings and errors are about start-up, which Program reports itself.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
builder.Services.AddAkka(ActorNetHosting.SystemName, akka =>
{
    akka.WithActorNetCluster(options.Remote, options.Seeds, options.Roles, version, tls, options.HeartbeatPause)
        .WithBulkChannel(options.Bulk, tls)
        .WithActorNetPersistence(options.Storage)
        .WithAuditLog(options.Bureau, nodeId, version, crypto);
    // GS signs the directory with its own CA-issued certificate; every node checks those signatures against the CA alone.
    if (options.Bureau.IsSecretariat)
        akka.WithSecretariatActors(new DirectorySigner(tls?.Certificate), options.AutoEnrol).WithNoticeActors(crypto);
    akka.WithBureauActors(options.Bureau, nodeId, version, crypto, new DirectoryTrust(tls?.Ca));
});

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapOpenApiDocument(builder.Services);
app.MapHealthEndpoints(options.Bureau);
app.MapClusterEndpoints();
app.MapBureauEndpoints(options.Bureau);
app.MapTokenEndpoints(options.Bureau);
app.MapAuditEndpoints();
app.MapMessageEndpoints(options.Bureau);
app.MapNoticeEndpoints(options.Bureau);
app.MapPublicExtractEndpoints(options.Bureau);
app.MapEventEndpoints(options.Bureau);
app.MapDiagnosticsEndpoints();

// Start-up leaves far more garbage than an idle node holds: hand it back to the OS once the node has settled.
app.Lifetime.ApplicationStarted.Register(() => _ = Task.Delay(TimeSpan.FromSeconds(5)).ContinueWith(_ =>
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true)));

try
{
    Log.Information("Node {NodeId} of bureau {Bureau} starting: HTTP http://{HttpHost}:{HttpPort}, storage {Storage}{AdminToken}",
        nodeId, options.Bureau.Value, options.HttpHost, options.HttpPort, options.Storage.Description,
        tokens.AdminTokenFile is null ? "" : $", admin token in {tokens.AdminTokenFile}");
    await app.RunAsync();
    return 0;
}
catch (Exception e)
{
    Log.Fatal(e, "Node stopped on an error");
    Console.Error.WriteLine($"actornet-node: {e.GetBaseException().Message}");
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
