namespace ActorNet.Cli.Tests;

/// <summary>Runs the CLI in-process, as a shell would, and keeps what it printed.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<CliRun> RunAsync(string[] args, string stdin = "", IReadOnlyDictionary<string, string>? env = null)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = await CliApp.RunAsync(args, new StringReader(stdin), stdout, stderr, name => env?.GetValueOrDefault(name))
            .WaitAsync(TimeSpan.FromSeconds(30));
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
