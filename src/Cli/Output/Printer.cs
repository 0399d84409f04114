using System.Text.Json;

namespace ActorNet.Cli.Output;

/// <summary>Where a command's result goes: a readable rendering, or the JSON when <c>--json</c> was given.</summary>
public sealed class Printer(TextWriter stdout, bool json)
{
    private static readonly JsonSerializerOptions Indented = new(NodeClient.Json) { WriteIndented = true };

    public bool Json { get; } = json;

    public void Line(string text) => stdout.WriteLine(text);

    public void Lines(IEnumerable<string> lines)
    {
        foreach (var line in lines)
            stdout.WriteLine(line);
    }

    public void WriteJson<T>(T value) => stdout.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>One object on one line, so a followed stream stays one event a line (NDJSON).</summary>
    public void WriteJsonLine<T>(T value) => stdout.WriteLine(JsonSerializer.Serialize(value, NodeClient.Json));

    /// <summary>Prints <paramref name="value"/> as JSON, or as <paramref name="render"/> writes it for a person.</summary>
    public void Result<T>(T value, Func<T, IEnumerable<string>> render)
    {
        if (Json)
            WriteJson(value);
        else
            Lines(render(value));
    }

    public void Flush() => stdout.Flush();
}
