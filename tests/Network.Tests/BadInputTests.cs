using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using ActorNet.Protocol.Api;
using Xunit;

namespace ActorNet.Network.Tests;

/// <summary>A Lighthouse and one bureau node, shared by the bad-input tests: each must leave the node up.</summary>
public sealed class SingleNodeCluster : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    public NodeProcess Lighthouse { get; private set; } = null!;
    public NodeProcess Node { get; private set; } = null!;
    public int Seed { get; } = NodeProcess.FreePort();

    public async Task InitializeAsync()
    {
        Lighthouse = NodeProcess.StartLighthouse(Seed, Seed);
        Node = NodeProcess.StartNode("FR", [Seed], _temp.Sub("FR"));
        await Node.WaitReadyAsync(TimeSpan.FromSeconds(45));
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Lighthouse.DisposeAsync();
        _temp.Dispose();
    }
}

public sealed class BadInputTests(SingleNodeCluster cluster) : IClassFixture<SingleNodeCluster>
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);
    private HttpClient Http => cluster.Node.Http;

    private async Task AssertStillServing()
    {
        Assert.False(cluster.Node.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/health/ready")).StatusCode);
    }

    private static async Task<ProblemBody> Problem(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();
        Assert.False(string.IsNullOrWhiteSpace(problem!.Title));
        return problem;
    }

    private sealed record ProblemBody(string Title, int Status);

    [Fact]
    public async Task Malformed_json_is_400_with_a_problem()
    {
        var response = await Http.PutAsync("/api/bureau/settings", new StringContent("{\"displayName\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", (await Problem(response)).Title);
        await AssertStillServing();
    }

    [Fact]
    public async Task Body_over_one_MiB_is_413()
    {
        var big = "{\"displayName\":\"" + new string('x', 1024 * 1024 + 10) + "\"}";
        var response = await Http.PutAsync("/api/bureau/settings", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await Problem(response);
        await AssertStillServing();
    }

    [Fact]
    public async Task No_token_is_401_and_an_unknown_token_too()
    {
        using var anonymous = new HttpClient { BaseAddress = Http.BaseAddress };
        var none = await anonymous.GetAsync("/api/bureaus");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("bearer token is required", (await Problem(none)).Title);

        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        var unknown = await anonymous.GetAsync("/api/cluster/members");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("not known to this node", (await Problem(unknown)).Title);

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/bureaus")).StatusCode);
    }

    [Fact]
    public async Task Wrong_role_is_403_and_the_right_role_passes()
    {
        var created = await Http.PostAsJsonAsync("/api/tokens", new TokenRequest("officer"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var officer = (await created.Content.ReadFromJsonAsync<TokenCreated>())!;
        Assert.Equal("officer", officer.Role);

        using var client = new HttpClient { BaseAddress = Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", officer.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/bureaus")).StatusCode);
        var forbidden = await client.PostAsJsonAsync("/api/tokens", new TokenRequest("admin"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        await Problem(forbidden);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/cluster/down", new AddressRequest("127.0.0.1:1"))).StatusCode);
    }

    [Fact]
    public async Task Health_the_OpenAPI_document_and_the_public_extracts_are_open_and_the_API_wants_a_token()
    {
        using var anonymous = new HttpClient { BaseAddress = Http.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        // Served by GS's notice replicas, which this one-node cluster lacks: whatever it answers, it is not a token's refusal.
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/notices/v1/red")).StatusCode);
        // A path no endpoint serves is a 404 for anyone; every other endpoint wants a token.
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/no-such-thing")).StatusCode);
        foreach (var path in new[] { "/api/messages/inbox", "/api/events", "/api/audit", "/api/notices", "/api/bureau", "/api/directory", "/api/actors" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Tokens_are_stored_only_as_hashes()
    {
        var created = (await (await Http.PostAsJsonAsync("/api/tokens", new TokenRequest("coordinator"))).Content.ReadFromJsonAsync<TokenCreated>())!;
        var stored = await File.ReadAllTextAsync(Path.Combine(cluster.Node.DataDirectory!, "tokens.json"));
        Assert.DoesNotContain(created.Token, stored);
        Assert.Contains(created.Id, stored);
    }

    [Fact]
    public async Task Bad_role_and_bad_addresses_are_400_and_unknown_members_404()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsJsonAsync("/api/tokens", new TokenRequest("sheriff"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsJsonAsync("/api/tokens", new TokenRequest("reviewer"))).StatusCode);
        var bad = await Http.PostAsJsonAsync("/api/cluster/down", new AddressRequest("not an address"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("akka.tcp://actornet@HOST:PORT", (await Problem(bad)).Title);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostAsJsonAsync("/api/cluster/leave", new AddressRequest("127.0.0.1:1"))).StatusCode);
        await AssertStillServing();
    }

    [Fact]
    public async Task OpenAPI_document_describes_the_api()
    {
        var doc = await Http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/cluster/members", doc);
        Assert.Contains("/api/bureaus", doc);
        // The document says what to send.
        using var json = System.Text.Json.JsonDocument.Parse(doc);
        foreach (var path in new[] { "/api/messages", "/api/messages/batch" })
        {
            var body = json.RootElement.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("requestBody").GetProperty("content");
            Assert.True(body.TryGetProperty("application/json", out var schema), path);
            Assert.Contains("SendMessageRequest", schema.GetRawText());
        }
    }

    [Fact]
    public async Task Random_bytes_on_the_remoting_port_are_logged_and_the_node_stays_up()
    {
        var address = new Uri((await cluster.Node.SelfAddressAsync()).Replace("akka.tcp", "tcp"));
        var random = new Random(7);
        for (var i = 0; i < 5; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, address.Port);
            var junk = new byte[4096];
            random.NextBytes(junk);
            try
            {
                await socket.GetStream().WriteAsync(junk);
                await socket.GetStream().FlushAsync();
            }
            catch (IOException)
            {
                // The node may hang up mid-write: that is a refusal, which is what we want.
            }
        }

        await Eventually.TrueAsync(() => Task.FromResult(cluster.Node.Output.Contains("Error caught channel")),
            TimeSpan.FromSeconds(10), "the node to log the junk");
        await AssertStillServing();
        var members = await cluster.Node.MembersAsync();
        Assert.Contains(members, m => m.IsSelf && m.Status == "Up");
    }

    [Theory]
    [InlineData("--bogus", "unknown option --bogus")]
    [InlineData("--bureau=ZZ", "'ZZ' is not a bureau code")]
    public async Task Bad_flag_exits_non_zero_with_one_clear_line(string arg, string expected)
    {
        var args = arg.StartsWith("--bureau") ? new[] { arg } : new[] { "--bureau", "FR", arg };
        var (code, _, stderr) = await NodeProcess.RunToExitAsync(Binaries.Node, args, ExitBound);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Port_in_use_exits_non_zero_with_one_clear_line()
    {
        using var temp = new TempDirectory();
        var taken = cluster.Node.HttpPort!.Value;
        var (code, _, stderr) = await NodeProcess.RunToExitAsync(Binaries.Node,
            ["--bureau", "US", "--http", $"127.0.0.1:{taken}", "--data", temp.Path, "--insecure"], ExitBound);
        Assert.NotEqual(0, code);
        Assert.Contains($"--http 127.0.0.1:{taken} is already in use", stderr);
        Assert.Single(stderr.Trim().Split('\n'));

        var (lhCode, _, lhErr) = await NodeProcess.RunToExitAsync(Binaries.Lighthouse, ["--listen", $"127.0.0.1:{cluster.Seed}", "--insecure"], ExitBound);
        Assert.NotEqual(0, lhCode);
        Assert.Contains("is already in use", lhErr);
    }

    [Fact]
    public async Task Corrupt_database_exits_non_zero_with_one_clear_line()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Path);
        var db = Path.Combine(temp.Path, "actornet.db");
        await File.WriteAllTextAsync(db, new string('#', 5000));
        var (code, _, stderr) = await NodeProcess.RunToExitAsync(Binaries.Node,
            ["--bureau", "US", "--http", $"127.0.0.1:{NodeProcess.FreePort()}", "--data", temp.Path, "--insecure"], ExitBound);
        Assert.NotEqual(0, code);
        Assert.Contains(db, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Data_directory_that_cannot_be_created_exits_non_zero_with_one_clear_line()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Path);
        var file = Path.Combine(temp.Path, "plain-file");
        await File.WriteAllTextAsync(file, "");
        var (code, _, stderr) = await NodeProcess.RunToExitAsync(Binaries.Node,
            ["--bureau", "US", "--http", $"127.0.0.1:{NodeProcess.FreePort()}", "--data", Path.Combine(file, "data"), "--insecure"], ExitBound);
        Assert.NotEqual(0, code);
        Assert.Contains("cannot be created or written", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Corrupt_key_file_exits_non_zero_with_one_clear_line()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(temp.Path, "keys"));
        var key = Path.Combine(temp.Path, "keys", "signing-1.pem");
        await File.WriteAllTextAsync(key, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        await File.WriteAllTextAsync(Path.Combine(temp.Path, "keys", "agreement-1.pem"), "garbage");
        var (code, _, stderr) = await NodeProcess.RunToExitAsync(Binaries.Node,
            ["--bureau", "US", "--http", $"127.0.0.1:{NodeProcess.FreePort()}", "--data", temp.Path, "--insecure"], ExitBound);
        Assert.NotEqual(0, code);
        Assert.Contains("keys", stderr);
        Assert.Contains(".pem", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Messages_to_unknown_or_no_recipients_are_400_naming_the_problem()
    {
        var unknown = await Http.PostAsJsonAsync("/api/messages", new SendMessageRequest(["DE"], "s", "b", "H1", null, null));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("DE", (await Problem(unknown)).Title);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsJsonAsync("/api/messages", new SendMessageRequest([], "s", "b", "H1", null, null))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsJsonAsync("/api/messages", new SendMessageRequest(["ZZ"], "s", "b", "H1", null, null))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsJsonAsync("/api/messages", new SendMessageRequest(["FR"], "s", "b", "H9", null, null))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/messages/nope")).StatusCode);
        await AssertStillServing();
    }

    [Fact]
    public async Task Inbox_paging_names_a_bad_limit_or_unknown_after_and_takes_an_empty_after_as_the_first_page()
    {
        var badLimit = await Http.GetAsync("/api/messages/inbox?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("\"limit\"", (await Problem(badLimit)).Title);
        var unknownAfter = await Http.GetAsync("/api/messages/inbox?after=no-such-message");
        Assert.Equal(HttpStatusCode.BadRequest, unknownAfter.StatusCode);
        Assert.Contains("no-such-message", (await Problem(unknownAfter)).Title);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/messages/inbox?after=")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/messages/inbox?after=&limit=5")).StatusCode);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_saying_what_to_send()
    {
        var text = await Http.PostAsync("/api/messages/batch", new StringContent("[]", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Contains("application/json", (await Problem(text)).Title);

        var form = await Http.PostAsync("/api/messages", new StringContent("to=US", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Contains("application/json", (await Problem(form)).Title);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_message_or_batch_that_is_not_json_or_has_no_body_is_400_with_a_problem()
    {
        foreach (var path in new[] { "/api/messages", "/api/messages/batch" })
        {
            var malformed = await Http.PostAsync(path, new StringContent("[{\"to\": [\"FR\"], \"subject\": ", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.Contains("not valid JSON", (await Problem(malformed)).Title);
            var wrongShape = await Http.PostAsync(path, new StringContent(path.EndsWith("batch") ? "{}" : "[]", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, wrongShape.StatusCode);
            Assert.Contains("not valid JSON", (await Problem(wrongShape)).Title);
            var empty = await Http.PostAsync(path, new StringContent("", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            await Problem(empty);
            var nothing = await Http.PostAsync(path, new StringContent("null", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
            await Problem(nothing);
        }
        await AssertStillServing();
    }

    [Fact]
    public async Task A_batch_with_a_bad_message_is_400_naming_its_index_and_an_empty_or_oversized_batch_too()
    {
        var fine = new SendMessageRequest(["FR"], "s", "b", "H1", null, null);
        var unknown = await Http.PostAsJsonAsync("/api/messages/batch", new[] { fine, fine, new SendMessageRequest(["DE"], "s", "b", "H1", null, null) });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var title = (await Problem(unknown)).Title;
        Assert.Contains("[2]", title);
        Assert.Contains("DE", title);

        var badCode = await Http.PostAsJsonAsync("/api/messages/batch", new[] { fine, new SendMessageRequest(["FR"], "s", "b", "H7", null, null) });
        Assert.Contains("[1]", (await Problem(badCode)).Title);
        var tooLarge = await Http.PostAsJsonAsync("/api/messages/batch", new[] { fine, new SendMessageRequest(["FR"], "s", new string('x', 1024 * 1024 + 1), "H1", null, null) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("[1]", (await Problem(tooLarge)).Title);

        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsJsonAsync("/api/messages/batch", Array.Empty<SendMessageRequest>())).StatusCode);
        var tooMany = await Http.PostAsJsonAsync("/api/messages/batch", Enumerable.Repeat(fine, 1001).ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("1000", (await Problem(tooMany)).Title);
        await AssertStillServing();
    }
}
