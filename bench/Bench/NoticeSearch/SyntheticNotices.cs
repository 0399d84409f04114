using ActorNet.Protocol.Notices;
using ActorNet.Protocol.Notices.Search;

namespace ActorNet.Bench.NoticeSearch;

/// <summary>
/// Notices with names as a bureau's copy holds them: several languages and scripts, a few very common names (Zipf-like)
/// and a long tail of rare surnames, aliases on some, Latin and original-script forms of the same person.
/// </summary>
public sealed class SyntheticNotices(int seed)
{
    /// <summary>One language: its forenames and surnames, in Latin, with the original script where it has one.</summary>
    private sealed record Language(string Code, string[] Nationalities, (string Latin, string? Script)[] Forenames,
        (string Latin, string? Script)[] Surnames, string[] Syllables, double Share);

    private static readonly Language[] Languages =
    [
        new("ar", ["SY", "EG", "IQ", "JO", "SA", "MA"],
            [("Mohammed", "محمد"), ("Ahmed", "أحمد"), ("Ali", "علي"), ("Omar", "عمر"), ("Youssef", "يوسف"), ("Khaled", "خالد"),
             ("Hassan", "حسن"), ("Hussein", "حسين"), ("Ibrahim", "إبراهيم"), ("Mustafa", "مصطفى"), ("Fatima", "فاطمة"), ("Aisha", "عائشة"),
             ("Marwan", "مروان"), ("Walid", "وليد"), ("Osama", "أسامة"), ("Said", "سعيد")],
            [("Al-Hassan", "الحسن"), ("Haddad", "حداد"), ("Khoury", "خوري"), ("Mansour", "منصور"), ("Nasser", "ناصر"), ("Saleh", "صالح"),
             ("Abdullah", "عبد الله"), ("Abdel Rahman", "عبد الرحمن"), ("Al-Masri", "المصري"), ("Hamdan", "حمدان"), ("Qasim", "قاسم")],
            ["ka", "ri", "mal", "sa", "dun", "ha", "bar", "zi", "na", "far", "jab", "lil"], 0.22),
        new("ru", ["RU", "UA", "BY", "KZ"],
            [("Aleksei", "Алексей"), ("Dmitry", "Дмитрий"), ("Sergei", "Сергей"), ("Ivan", "Иван"), ("Yulia", "Юлия"), ("Elena", "Елена"),
             ("Mikhail", "Михаил"), ("Nikolai", "Николай"), ("Olga", "Ольга"), ("Vladimir", "Владимир")],
            [("Ivanov", "Иванов"), ("Petrov", "Петров"), ("Smirnov", "Смирнов"), ("Navalny", "Навальный"), ("Kuznetsov", "Кузнецов"),
             ("Popov", "Попов"), ("Sokolov", "Соколов"), ("Khrushchev", "Хрущёв"), ("Zhukov", "Жуков"), ("Volkov", "Волков")],
            ["ko", "vo", "ras", "tin", "mi", "lev", "go", "ro", "du", "shen", "ba", "sko"], 0.16),
        new("es", ["ES", "MX", "CO", "AR", "PE"],
            [("José", null), ("Juan", null), ("María", null), ("Carlos", null), ("Luis", null), ("Ana", null), ("Jorge", null), ("Lucía", null)],
            [("García", null), ("Rodríguez", null), ("Martínez", null), ("López", null), ("González", null), ("Pérez", null), ("Sánchez", null),
             ("de la Cruz", null), ("Núñez", null)],
            ["ve", "lar", "do", "quez", "ra", "mon", "te", "bal", "ri", "ga", "les", "tor"], 0.16),
        new("de", ["DE", "AT", "CH"],
            [("Hans", null), ("Jürgen", null), ("Klaus", null), ("Stefan", null), ("Anna", null), ("Günther", null), ("Sabine", null)],
            [("Müller", null), ("Schmidt", null), ("Schneider", null), ("Fischer", null), ("Weiß", null), ("Meyer", null), ("von Bülow", null),
             ("Groß", null)],
            ["ber", "mann", "hau", "sen", "stein", "feld", "ri", "ko", "wald", "bach", "ler", "tz"], 0.1),
        new("el", ["GR", "CY"],
            [("Giorgos", "Γιώργος"), ("Dimitris", "Δημήτρης"), ("Nikos", "Νίκος"), ("Maria", "Μαρία"), ("Eleni", "Ελένη"), ("Christos", "Χρήστος")],
            [("Papadopoulos", "Παπαδόπουλος"), ("Georgiou", "Γεωργίου"), ("Nikolaidis", "Νικολαΐδης"), ("Alexandrou", "Αλεξάνδρου"),
             ("Oikonomou", "Οικονόμου")],
            ["pa", "pou", "los", "ki", "dis", "ko", "sta", "tho", "ni", "ou", "ra", "ma"], 0.06),
        new("en", ["US", "GB", "IE", "AU", "NG"],
            [("John", null), ("Michael", null), ("David", null), ("Sarah", null), ("James", null), ("Emily", null), ("Patrick", null)],
            [("Smith", null), ("Johnson", null), ("O'Brien", null), ("Williams", null), ("Brown", null), ("McDonald", null), ("Okafor", null)],
            ["son", "ley", "ton", "wood", "ford", "ham", "ber", "ry", "win", "ders", "ell", "ock"], 0.14),
        new("tr", ["TR"],
            [("Mehmet", null), ("Ahmet", null), ("Mustafa", null), ("Ayşe", null), ("Emre", null), ("Zeynep", null)],
            [("Yılmaz", null), ("Kaya", null), ("Demir", null), ("Şahin", null), ("Çelik", null), ("Öztürk", null)],
            ["ka", "ya", "dem", "ir", "oğ", "lu", "ay", "dın", "kurt", "taş", "er", "gün"], 0.08),
        new("zh", ["CN", "TW", "SG"],
            [("Wei", null), ("Jing", null), ("Li", null), ("Xiaoming", null), ("Hui", null), ("Jun", null)],
            [("Wang", null), ("Li", null), ("Zhang", null), ("Liu", null), ("Chen", null), ("Huang", null)],
            ["zh", "ang", "xi", "ao", "lin", "qi", "feng", "hu", "wen", "ming", "yu", "tao"], 0.08),
    ];

    private static readonly string[] Types = ["red", "red", "red", "red", "yellow", "yellow", "blue", "green", "black", "un-special"];
    private static readonly string[] States = ["published", "published", "published", "published", "published", "published", "cancelled", "pending-review"];

    private readonly Random _random = new(seed);

    public NoticeSearchEntry Next(int number)
    {
        var language = PickLanguage();
        var (forename, forenameScript) = Zipf(language.Forenames);
        // Half the surnames are common ones, half a long tail made of the language's syllables.
        var (surname, surnameScript) = _random.NextDouble() < 0.5 ? Zipf(language.Surnames) : (RareSurname(language), null);
        var names = new List<PersonName> { new(forename, surname) };
        if (forenameScript is not null && surnameScript is not null && _random.NextDouble() < 0.6)
            names.Add(new PersonName(forenameScript, surnameScript));
        if (_random.NextDouble() < 0.2)
            names.Add(new PersonName(Zipf(language.Forenames).Latin, RareSurname(language)));
        var born = new PartialDate(1940 + _random.Next(70), _random.NextDouble() < 0.9 ? 1 + _random.Next(12) : null);
        if (born.Month is { } month && _random.NextDouble() < 0.9)
            born = new PartialDate(born.Year, month, 1 + _random.Next(DateTime.DaysInMonth(born.Year, month)));
        var type = Types[_random.Next(Types.Length)];
        return new NoticeSearchEntry(
            $"{2000 + number % 27}/{number:D6}",
            names,
            type,
            States[_random.Next(States.Length)],
            [language.Nationalities[_random.Next(language.Nationalities.Length)]],
            _random.NextDouble() < 0.95 ? born : null,
            _random.NextDouble() < 0.8 ? "M" : "F",
            _random.NextDouble() < 0.3,
            type == "red" ? [Languages[_random.Next(Languages.Length)].Nationalities[0]] : null);
    }

    /// <summary>A query of the kind officers type, with its kind for the report.</summary>
    public (string Kind, NoticeSearchQuery Query) NextQuery(IReadOnlyList<NoticeSearchEntry> notices)
    {
        var notice = notices[_random.Next(notices.Count)];
        var name = notice.Names[_random.Next(notice.Names.Count)];
        var roll = _random.NextDouble();
        return roll switch
        {
            < 0.30 => ("full name", new NoticeSearchQuery { Text = $"{name.Name} {name.Forename}" }),
            < 0.45 => ("other spelling", new NoticeSearchQuery { Text = OtherSpelling(notice) }),
            < 0.55 => ("one common forename", new NoticeSearchQuery { Text = Zipf(PickLanguage().Forenames).Latin }),
            < 0.70 => ("prefix being typed", new NoticeSearchQuery { Text = $"{name.Forename} {Prefix(name.Name!)}" }),
            < 0.85 => ("name + filters", new NoticeSearchQuery
            {
                Text = name.Name, Type = "red", State = "published", Nationality = notice.Nationalities[0],
                AgeMin = 20, AgeMax = 70, Today = new DateOnly(2026, 11, 28),
            }),
            < 0.95 => ("unknown name", new NoticeSearchQuery { Text = $"{RareSurname(PickLanguage())}x {RareSurname(PickLanguage())}" }),
            _ => ("filters only", new NoticeSearchQuery { Type = "yellow", Nationality = notice.Nationalities[0], Page = 1 + _random.Next(3) }),
        };
    }

    // The same person as another script or another spelling writes it: the first name's letters reshuffled by the
    // usual transliteration differences, or the other-script name when the notice has one.
    private string OtherSpelling(NoticeSearchEntry notice)
    {
        if (notice.Names.Count > 1 && _random.NextDouble() < 0.5)
            return $"{notice.Names[1].Forename} {notice.Names[1].Name}";
        var name = $"{notice.Names[0].Forename} {notice.Names[0].Name}".ToLowerInvariant();
        foreach (var (from, to) in (ReadOnlySpan<(string, string)>)[("mm", "m"), ("ss", "s"), ("ou", "u"), ("e", "a"), ("ks", "x"), ("y", "i"), ("-", " "), ("ü", "ue"), ("é", "e")])
            if (name.Contains(from) && _random.NextDouble() < 0.6)
                name = name.Replace(from, to);
        return name;
    }

    private string Prefix(string word)
    {
        var letters = word.Replace("-", "").Replace("'", "");
        return letters.Length <= 3 ? letters : letters[..(3 + _random.Next(Math.Min(3, letters.Length - 3)))];
    }

    private Language PickLanguage()
    {
        var roll = _random.NextDouble();
        foreach (var language in Languages)
        {
            roll -= language.Share;
            if (roll < 0)
                return language;
        }
        return Languages[0];
    }

    // Rank r is chosen with weight 1/(r+1): the first names of each list are far more common than the last.
    private T Zipf<T>(T[] items)
    {
        var harmonic = 0.0;
        for (var r = 0; r < items.Length; r++)
            harmonic += 1.0 / (r + 1);
        var roll = _random.NextDouble() * harmonic;
        for (var r = 0; r < items.Length; r++)
        {
            roll -= 1.0 / (r + 1);
            if (roll < 0)
                return items[r];
        }
        return items[^1];
    }

    private string RareSurname(Language language)
    {
        var parts = 2 + _random.Next(2);
        var surname = string.Concat(Enumerable.Range(0, parts).Select(_ => language.Syllables[_random.Next(language.Syllables.Length)]));
        return char.ToUpperInvariant(surname[0]) + surname[1..];
    }
}
