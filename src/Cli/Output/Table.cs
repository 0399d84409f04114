namespace ActorNet.Cli.Output;

/// <summary>Plain text columns, left-aligned, two spaces apart: readable in a terminal and easy to cut.</summary>
public static class Table
{
    public static IEnumerable<string> Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        // The last column is not padded, so lines carry no trailing blanks.
        return all.Select(row => string.Join("  ", row.Select((cell, column) =>
            column == row.Count - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd());
    }

    /// <summary>One record as "Name: value" lines, the names aligned.</summary>
    public static IEnumerable<string> Fields(params (string Name, string? Value)[] fields)
    {
        var width = fields.Max(f => f.Name.Length) + 1;
        return fields.Select(f => $"{(f.Name + ":").PadRight(width)} {f.Value ?? "-"}".TrimEnd());
    }

    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
