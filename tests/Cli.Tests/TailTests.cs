using System.Text.Json;

namespace ActorNet.Cli.Tests;

public class TailTests : IAsyncLifetime
{
    private static readonly (string, string)[] Events =
    [
        ("member", """{"type":"MemberUp","address":"akka.tcp://actornet@127.0.0.1:4053","status":"Up","roles":["lighthouse"],"at":"2026-03-01T10:00:00Z"}"""),
        ("member", """{"type":"MemberUp","address":"akka.tcp://actornet@127.0.0.1:4061","status":"Up","roles":["ncb","bureau-FR"],"at":"2026-03-01T10:00:01Z"}"""),
    ];

    private readonly FakeNode node = new();
    private readonly TaskCompletionSource closeStream = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        closeStream.TrySetResult();
        await node.DisposeAsync();
    }

    [Fact]
    public async Task Tail_prints_one_line_per_event_and_ends_cleanly_on_interrupt()
    {
        node.Events("/api/cluster/events", Events, closeStream.Task);
        var stdout = new LineCountingWriter(expected: 2);
        var stderr = new StringWriter();
        var interrupt = new Interrupt();

        var tail = CliApp.RunAsync(["--node", node.Url, "cluster", "tail"], TextReader.Null, stdout, stderr, _ => null, interrupt);
        await stdout.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(interrupt.Trigger());
        var code = await tail.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(CliApp.Success, code);
        Assert.Equal(
        [
            "2026-03-01 10:00:00Z | MemberUp | akka.tcp://actornet@127.0.0.1:4053 | [lighthouse] | Up",
            "2026-03-01 10:00:01Z | MemberUp | akka.tcp://actornet@127.0.0.1:4061 | [ncb, bureau-FR] | Up",
        ], stdout.Lines);
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public async Task Tail_with_json_prints_one_json_object_a_line()
    {
        node.Events("/api/cluster/events", Events, closeStream.Task);
        var stdout = new LineCountingWriter(expected: 2);
        var interrupt = new Interrupt();

        var tail = CliApp.RunAsync(["--node", node.Url, "--json", "cluster", "tail"], TextReader.Null, stdout, new StringWriter(), _ => null, interrupt);
        await stdout.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        interrupt.Trigger();
        await tail.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("MemberUp", JsonDocument.Parse(stdout.Lines[0]).RootElement.GetProperty("type").GetString());
        Assert.Equal("bureau-FR", JsonDocument.Parse(stdout.Lines[1]).RootElement.GetProperty("roles")[1].GetString());
    }

    [Fact]
    public async Task Tail_exits_3_when_the_node_closes_the_stream()
    {
        closeStream.SetResult();
        node.Events("/api/cluster/events", Events, closeStream.Task);

        var run = await CliRun.RunAsync(["--node", node.Url, "cluster", "tail"]);

        Assert.Equal(CliApp.Unreachable, run.ExitCode);
        Assert.Equal(2, run.StdoutLines.Length);
        Assert.Contains($"The node at {node.Url} closed the event stream", run.Stderr);
    }

    [Fact]
    public async Task Tail_refused_by_the_node_exits_1()
    {
        node.Problem("GET", "/api/cluster/events", 401, "The token is missing or unknown");

        var run = await CliRun.RunAsync(["--node", node.Url, "cluster", "tail"]);

        Assert.Equal(CliApp.Refused, run.ExitCode);
        Assert.Equal("The token is missing or unknown\n", run.Stderr);
    }

    [Fact]
    public async Task Message_follow_prints_each_message_of_the_full_feed_after_the_cursor_until_interrupted()
    {
        node.Events("/api/events",
        [
            ("ready", """{"type":"ready","id":"","from":"","at":"2026-03-01T10:00:00Z"}"""),
            ("message", """{"id":"m2","from":"FR","subject":"Plates","body":"AB-123-CD seen in Lyon","handlingCode":"H1","caseId":null,"sentAt":"2026-03-01T10:00:01Z","receivedAt":"2026-03-01T10:00:02Z","attachments":[]}"""),
            ("notice", """{"type":"notice","id":"2026-1","from":"GS","at":"2026-03-01T10:00:03Z"}"""),
            ("message", """{"id":"m3","from":"DE","subject":"","body":"","handlingCode":"H2","caseId":null,"sentAt":"2026-03-01T10:00:04Z","receivedAt":"2026-03-01T10:00:05Z","attachments":[],"unreadable":"Tampered: the payload does not decode"}"""),
        ], closeStream.Task);
        var stdout = new LineCountingWriter(expected: 2);
        var interrupt = new Interrupt();

        var follow = CliApp.RunAsync(["--node", node.Url, "message", "follow", "--after", "m1"], TextReader.Null, stdout, new StringWriter(), _ => null, interrupt);
        await stdout.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(interrupt.Trigger());

        Assert.Equal(CliApp.Success, await follow.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(
        [
            "2026-03-01 10:00:01Z | FR | H1 | m2 | Plates: AB-123-CD seen in Lyon",
            "2026-03-01 10:00:04Z | DE | H2 | m3 | cannot be opened here: Tampered: the payload does not decode",
        ], stdout.Lines);
        Assert.Equal("?messages=full&after=m1", Assert.Single(node.Requests).Query);
    }

    /// <summary>Collects lines and signals once the expected number has arrived, so the test waits on output, not on time.</summary>
    private sealed class LineCountingWriter(int expected) : StringWriter
    {
        private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string> lines = [];

        public Task Reached => reached.Task;

        public string[] Lines
        {
            get
            {
                lock (lines)
                    return [.. lines];
            }
        }

        public override void WriteLine(string? value)
        {
            lock (lines)
            {
                lines.Add(value ?? "");
                if (lines.Count >= expected)
                    reached.TrySetResult();
            }
        }
    }
}
