using System.Globalization;

namespace ActorNet.Protocol.Notices;

/// <summary>A date that may be known only to the year or the month: <c>1980</c>, <c>1980-04</c> or <c>1980-04-02</c>.</summary>
public sealed record PartialDate(int Year, int? Month, int? Day) : IComparable<PartialDate>
{
    public int Year { get; } = Year is >= 1 and <= 9999 ? Year : throw new ArgumentOutOfRangeException(nameof(Year), Year, "a year is 1 to 9999");

    public int? Month { get; } = Month is null or (>= 1 and <= 12) ? Month : throw new ArgumentOutOfRangeException(nameof(Month), Month, "a month is 1 to 12");

    public int? Day { get; } = Day is null || Month is not null && Day >= 1 && Day <= DateTime.DaysInMonth(Year, Month.Value)
        ? Day
        : throw new ArgumentOutOfRangeException(nameof(Day), Day, "no such day in that month, or a day without a month");

    public static bool TryParse(string? text, out PartialDate? date)
    {
        date = null;
        var parts = (text ?? "").Trim().Split('-');
        if (parts.Length is < 1 or > 3 || parts[0].Length != 4 || parts.Skip(1).Any(p => p.Length != 2))
            return false;
        var numbers = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
                return false;
        try
        {
            date = new PartialDate(numbers[0], parts.Length > 1 ? numbers[1] : null, parts.Length > 2 ? numbers[2] : null);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>The earliest day the date can mean: a date in the future is one whose earliest day is after today.</summary>
    public DateOnly Earliest => new(Year, Month ?? 1, Day ?? 1);

    /// <summary>Age in whole years on <paramref name="today"/>, counted from the earliest day the date can mean.</summary>
    public int AgeOn(DateOnly today)
    {
        var birth = Earliest;
        var age = today.Year - birth.Year;
        return birth.AddYears(age) > today ? age - 1 : age;
    }

    public int CompareTo(PartialDate? other) => other is null ? 1 : Earliest.CompareTo(other.Earliest);

    public override string ToString() => Day is { } d ? $"{Year:D4}-{Month:D2}-{d:D2}" : Month is { } m ? $"{Year:D4}-{m:D2}" : $"{Year:D4}";
}
