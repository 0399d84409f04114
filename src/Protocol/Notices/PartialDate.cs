using System.Globalization;

namespace ActorNet.Protocol.Notices;

/// <summary>A date that may be known only to the year or the month: <c>1980</c>, <c>1980-04</c> or <c>1980-04-02</c>.</summary>
/// <remarks>
/// Two ways in: <see cref="TryParse(string?, out PartialDate?)"/> reads ISO 8601 only, as requests and the wire write dates
/// of birth; <see cref="TryParseQuery"/> also reads INTERPOL's <c>1980/04/02</c>, as a search may be typed.
/// </remarks>
public sealed record PartialDate
{
    public PartialDate(int year, int? month = null, int? day = null)
    {
        if (year is < 1 or > 9999)
            throw new ArgumentOutOfRangeException(nameof(year), year, "a year has four digits");
        if (month is < 1 or > 12)
            throw new ArgumentOutOfRangeException(nameof(month), month, "a month is 1 to 12");
        if (day is not null && (month is null || day < 1 || day > DateTime.DaysInMonth(year, month.Value)))
            throw new ArgumentOutOfRangeException(nameof(day), day, month is null ? "a day needs a month" : $"{year:D4}-{month:D2} has no day {day}");
        (Year, Month, Day) = (year, month, day);
    }

    public int Year { get; }
    public int? Month { get; }
    public int? Day { get; }

    /// <summary>The first day the date may stand for: 1980 → 1980-01-01. A date in the future is one whose earliest day is after today.</summary>
    public DateOnly Earliest => new(Year, Month ?? 1, Day ?? 1);

    /// <summary>The last day the date may stand for: 1980-02 → 1980-02-29.</summary>
    public DateOnly Latest => new(Year, Month ?? 12, Day ?? DateTime.DaysInMonth(Year, Month ?? 12));

    /// <summary>Reads <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>, dashes only: the form of a request and of the wire.</summary>
    public static bool TryParse(string? text, out PartialDate? date) => TryRead(text, ['-'], out date, out _);

    /// <summary>Reads an ISO 8601 partial date; a <see cref="FormatException"/> says what is wrong.</summary>
    public static PartialDate Parse(string text) => TryRead(text, ['-'], out var date, out var error) ? date! : throw new FormatException(error);

    /// <summary>Reads a date typed in a search: <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>, with <c>-</c> or <c>/</c> between the parts.</summary>
    public static bool TryParseQuery(string? text, out PartialDate? date, out string? error) => TryRead(text, ['-', '/'], out date, out error);

    public static PartialDate ParseQuery(string text) => TryParseQuery(text, out var date, out var error) ? date! : throw new FormatException(error);

    private static bool TryRead(string? text, char[] separators, out PartialDate? date, out string? error)
    {
        date = null;
        error = null;
        var parts = text?.Trim().Split(separators) ?? [];
        if (parts.Length is < 1 or > 3 || parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit))
            || parts[0].Length != 4 || parts.Skip(1).Any(p => p.Length != 2))
        {
            error = separators.Length > 1
                ? $"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"
                : $"'{text}' is not a date: write YYYY-MM-DD, or YYYY-MM or YYYY when only that much is known";
            return false;
        }
        var numbers = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        try
        {
            date = new PartialDate(numbers[0], numbers.Length > 1 ? numbers[1] : null, numbers.Length > 2 ? numbers[2] : null);
            return true;
        }
        catch (ArgumentOutOfRangeException e)
        {
            error = $"'{text}' is not a date: {e.Message.Split(" (Parameter")[0]}";
            return false;
        }
    }

    /// <summary>Whether any day this date may stand for lies between <paramref name="from"/> and <paramref name="to"/> (inclusive).</summary>
    public bool Overlaps(DateOnly? from, DateOnly? to) => (from is null || Latest >= from) && (to is null || Earliest <= to);

    /// <summary>ISO 8601 with as many parts as are known: <c>1980-04-02</c>, <c>1980-04</c>, <c>1980</c>.</summary>
    public override string ToString() => Format('-');

    /// <summary>As INTERPOL's public service writes it: <c>1980/04/02</c>, <c>1980/04</c>, <c>1980</c>.</summary>
    public string ToInterpolString() => Format('/');

    private string Format(char separator) =>
        Month is null ? $"{Year:D4}"
        : Day is null ? $"{Year:D4}{separator}{Month:D2}"
        : $"{Year:D4}{separator}{Month:D2}{separator}{Day:D2}";
}
