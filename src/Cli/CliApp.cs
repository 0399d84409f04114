using System.Text;
using ActorNet.Cli.Output;
using ActorNet.Cli.Palettes;

namespace ActorNet.Cli;

/// <summary>The <c>actornet</c> command line: one command from the arguments, or pbm's interactive prompt.</summary>
public static class CliApp
{
    public const int Success = 0;
    public const int Refused = 1;
    public const int BadUsage = 2;
    public const int Unreachable = 3;
    public const int Interrupted = 130;

    /// <summary>Every palette; a new one is a class in Palettes/ and a line here.</summary>
    public static IReadOnlyList<Palette> Palettes { get; } = [new ClusterPalette(), new BureauPalette(), new TokenPalette(), new PkiPalette(), new AuditPalette(), new MessagePalette(), new NoticePalette(), new ActorPalette(), new ShardingPalette()];

    public static async Task<int> RunAsync(
        string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, Func<string, string?> env, Interrupt? interrupt = null)
    {
        interrupt ??= new Interrupt();
        GlobalOptions options;
        try
        {
            options = GlobalOptions.Parse(args, env);
        }
        catch (UsageException e)
        {
            return ReportUsage(e, stderr);
        }
        if (options.Words.Count == 0 && !options.Help)
            return await PromptAsync(options, stdin, stdout, stderr, interrupt);
        return await ExecuteAsync(options, stdout, stderr, interrupt);
    }

    /// <summary>Reads commands line by line until exit, quit or the end of input; a failing command does not end it.</summary>
    private static async Task<int> PromptAsync(GlobalOptions session, TextReader stdin, TextWriter stdout, TextWriter stderr, Interrupt interrupt)
    {
        var prompt = $"[{session.Node.Authority}] actornet> ";
        while (true)
        {
            stdout.Write(prompt);
            stdout.Flush();
            var line = await stdin.ReadLineAsync();
            if (line is null)
            {
                stdout.WriteLine();
                return Success;
            }
            List<string> words;
            try
            {
                words = SplitLine(line);
            }
            catch (UsageException e)
            {
                ReportUsage(e, stderr);
                continue;
            }
            if (words.Count == 0)
                continue;
            if (words is ["exit" or "quit"])
                return Success;
            try
            {
                var options = GlobalOptions.Parse(words, session.Node, session.Token, session.Json);
                await ExecuteAsync(options, stdout, stderr, interrupt);
            }
            catch (UsageException e)
            {
                ReportUsage(e, stderr);
            }
        }
    }

    private static async Task<int> ExecuteAsync(GlobalOptions options, TextWriter stdout, TextWriter stderr, Interrupt interrupt)
    {
        var words = options.Words;
        if (options.Help || words[0] is "help")
            return Help(words.SkipWhile(w => w == "help").FirstOrDefault(), stdout, stderr);

        var palette = Palettes.FirstOrDefault(p => p.Name == words[0]);
        if (palette is null)
            return ReportUsage(new UsageException(
                $"Unknown palette '{words[0]}': write one of {string.Join(", ", Palettes.Select(p => p.Name))}, e.g. actornet cluster show",
                Usage.General), stderr);
        if (words.Count == 1)
            return ReportUsage(new UsageException($"'{palette.Name}' needs a command: write actornet {palette.Name} COMMAND", palette.Usage), stderr);
        var command = palette.Commands.FirstOrDefault(c => c.Name == words[1]);
        if (command is null)
            return ReportUsage(new UsageException(
                $"Unknown command '{palette.Name} {words[1]}': write one of {string.Join(", ", palette.Commands.Select(c => c.Name))}",
                palette.Usage), stderr);

        var printer = new Printer(stdout, options.Json);
        var cancel = interrupt.Begin();
        try
        {
            var args = CommandArgs.Parse(command, words.Skip(2).ToList(), palette.Usage);
            using var node = new NodeClient(options.Node, options.Token);
            return await command.Run(new Invocation(node, args, printer, palette.Usage, cancel.Token));
        }
        catch (UsageException e)
        {
            return ReportUsage(e, stderr);
        }
        catch (NodeRefusedException e)
        {
            stderr.WriteLine(e.Title);
            return Refused;
        }
        catch (CommandRefusedException e)
        {
            stderr.WriteLine(e.Message);
            return Refused;
        }
        catch (NodeUnreachableException e)
        {
            stderr.WriteLine(e.Message);
            return Unreachable;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            stderr.WriteLine("Interrupted");
            return Interrupted;
        }
        finally
        {
            stdout.Flush();
            interrupt.End(cancel);
        }
    }

    private static int Help(string? topic, TextWriter stdout, TextWriter stderr)
    {
        if (topic is null)
            stdout.WriteLine(Usage.General);
        else if (topic == "all")
            stdout.WriteLine(Usage.All);
        else if (Palettes.FirstOrDefault(p => p.Name == topic) is { } palette)
            stdout.WriteLine(palette.Usage);
        else
            return ReportUsage(new UsageException($"No help on '{topic}': write actornet help PALETTE", Usage.General), stderr);
        return Success;
    }

    private static int ReportUsage(UsageException e, TextWriter stderr)
    {
        stderr.WriteLine(e.Message);
        stderr.WriteLine();
        stderr.WriteLine(e.Usage);
        return BadUsage;
    }

    /// <summary>Splits a prompt line into words as a shell would for simple quoting: "two words" or 'two words'.</summary>
    public static List<string> SplitLine(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } open)
            {
                if (c == open)
                    quote = null;
                else
                    word.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (quote is not null)
            throw new UsageException($"Unclosed {quote} quote: close it on the same line", Usage.General);
        if (inWord)
            words.Add(word.ToString());
        return words;
    }
}
