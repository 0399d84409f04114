using ActorNet.Protocol.Notices.Search;
using Xunit;

namespace ActorNet.Protocol.Tests.Notices;

public class NameMatchingTests
{
    // A query (what an officer types) and a name on a notice that it must find.
    public static TheoryData<string, string> SameName => new()
    {
        { "muhammad alhassan", "Mohammed Al-Hassan" },
        { "mohammed al hassan", "Muhammad Alhassan" },
        { "hassan mohammed", "Mohammed Al-Hassan" },
        { "MOHAMMED AL-HASSAN", "mohammed al-hassan" },
        { "Mohamed", "محمد" },
        { "محمد الحسن", "Mohammed Al-Hassan" },
        { "Ali", "علي" },
        { "Omar", "عمر" },
        { "Youssef", "يوسف" },
        { "Khaled", "خالد" },
        { "Marwan", "مروان" },
        { "Fatimah", "فاطمة" },
        { "Abdulrahman", "عبد الرحمن" },
        { "Abdel Rahman", "Abd al-Rahman" },
        { "Abdullah", "عبد الله" },
        { "Osama", "Usama" },
        { "Iulia", "Yuliya" },
        { "Oussama", "أسامة" },
        { "Hussein", "Husain" },
        { "Mustapha", "Mustafa" },
        { "Mueller", "Müller" },
        { "Muller", "Müller" },
        { "Mueller", "Muller" },
        { "Jose", "José" },
        { "jose garcia", "José García" },
        { "Aleksei Navalny", "Алексей Навальный" },
        { "Alexey Navalny", "Алексей Навальный" },
        { "Alexei Navalnyi", "Алексей Навальный" },
        { "Dmitry", "Дмитрий" },
        { "Dmitri", "Дмитрий" },
        { "Sergej", "Сергей" },
        { "Khrushchev", "Хрущёв" },
        { "Yulia", "Юлия" },
        { "Elena", "Елена" },
        { "Zhukov", "Жуков" },
        { "Ivanov", "Iwanow" },
        { "Djordjevic", "Đorđević" },
        { "Dordevic", "Ђорђевић" },
        { "Giorgos Papadopoulos", "Γιώργος Παπαδόπουλος" },
        { "Alexandros", "Αλέξανδρος" },
        { "Christos", "Χρήστος" },
        { "O'Brien", "OBrien" },
        { "obrien", "O'Brien" },
        { "o brien", "O'Brien" },
        { "Vanderberg", "van der Berg" },
        { "van der berg", "Vanderberg" },
        { "berg", "van der Berg" },
        { "bin laden", "Binladen" },
        { "ben smith", "Smith, Ben" },
        { "ali ali", "Ali Ali" },
        { "mohamed mohammed", "Mohammed Mohamed" },
        { "Lukasz", "Łukasz" },
        // A Cyrillic а and о typed among Latin letters.
        { "Ivan Popov", "Ivаn Pоpov" },
        { "Strasse", "Straße" },
        { "Soren Orsted", "Søren Ørsted" },
        { "Schmidt", "Schmitt" },
        { "Smith", "Smyth" },
        { "Stephan", "Stefan" },
        { "Mohammed", "Mehmet" },
        { "Aleksandr", "Alexander" },
        { "moham", "Mohammed Al-Hassan" },
        { "al-hass", "Mohammed Al-Hassan" },
        { "von b", "Klaus von Bülow" },
        { "jose de l", "José de la Cruz" },
        { "محمد عبد ا", "محمد عبد الله" },
    };

    // Pairs that must not match: different names, or forms of a name that mark a different person.
    public static TheoryData<string, string> DifferentName => new()
    {
        { "Smith", "Schmidt" },
        // Russian feminine surnames and forenames name a different person (sister, wife): decided not to match.
        { "Ivan Petrov", "Ivana Petrova" },
        { "Petrova", "Petrov" },
        { "Ivana", "Ivan" },
        { "Mohammed", "Ahmed" },
        { "Maria", "Mario" },
        { "John", "Jan" },
        { "Ali", "Alan" },
        { "Hassan", "Hosni" },
        { "Peter", "Pedro" },
        { "Garcia", "Garza" },
        { "Ivan Petrov", "Ivan Smirnov" },
        { "Müller Hans", "Hans Schmidt" },
        // Each word of the name serves one word of the query.
        { "ali ali", "Ali Hassan" },
        // No prefix below three letters, and never for a word that is not the last typed.
        { "mo", "Mohammed" },
        { "moham hassan", "Mohammed Al-Hassan" },
    };

    [Theory]
    [MemberData(nameof(SameName))]
    public void Finds_the_same_name_whatever_its_spelling(string query, string name) =>
        Assert.True(NameMatcher.Score(NameQuery.Parse(query), IndexedName.Of(new PersonName(null, name))) is not null,
            $"'{query}' should find '{name}': query keys [{Keys(query)}], name keys [{Keys(name)}]");

    [Theory]
    [MemberData(nameof(DifferentName))]
    public void Does_not_find_a_different_name(string query, string name) =>
        Assert.True(NameMatcher.Score(NameQuery.Parse(query), IndexedName.Of(new PersonName(null, name))) is null,
            $"'{query}' should not find '{name}': query keys [{Keys(query)}], name keys [{Keys(name)}]");

    [Theory]
    [InlineData("Mohammed Al-Hassan", "mohammed al hassan")]
    [InlineData("  José  GARCÍA-López ", "jose garcia lopez")]
    [InlineData("O'Brien", "obrien")]
    [InlineData("Алексей Навальный", "aleksei navalny")]
    [InlineData("Γιώργος Παπαδόπουλος", "giorgos papadopoulos")]
    [InlineData("محمد الحسن", "mhmd al hsn")]
    [InlineData("Łukasz Żółć", "lukasz zolc")]
    [InlineData("ＡＢＣ ﬁne", "abc fine")]
    [InlineData("Søren Ørsted Straße", "soren orsted strasse")]
    public void Normalises_case_accents_scripts_and_punctuation(string name, string words) =>
        Assert.Equal(words, string.Join(' ', NameNormalizer.Words(name).Select(w => w.Text)));

    [Theory]
    [InlineData("mohammed", "mhmt")]
    [InlineData("muhammad", "mhmt")]
    [InlineData("mehmet", "mhmt")]
    [InlineData("ivan", "afn")]
    [InlineData("ivana", "afna")]
    [InlineData("schmidt", "xmt")]
    [InlineData("smith", "smt")]
    [InlineData("alexey", "alksa")]
    [InlineData("fatimah", "ftma")]
    public void Phonetic_key_is_the_consonant_skeleton(string token, string key) =>
        Assert.Equal(key, PhoneticKey.Of(token));

    [Fact]
    public void Exact_ranks_over_prefix_and_prefix_over_phonetic()
    {
        var query = NameQuery.Parse("mohammed");
        double? ScoreOf(string name) => NameMatcher.Score(query, IndexedName.Of(new PersonName(null, name)));

        Assert.Equal(NameMatcher.Exact, ScoreOf("Mohammed Ali"));
        Assert.Equal(NameMatcher.Prefix, ScoreOf("Mohammedou Ali"));
        Assert.Equal(NameMatcher.Phonetic, ScoreOf("Muhammad Ali"));
    }

    [Fact]
    public void A_field_query_looks_only_at_that_part_of_the_name()
    {
        var name = IndexedName.Of(new PersonName("Hassan", "Mohammed"));

        Assert.NotNull(NameMatcher.Score(NameQuery.Parse("hassan", NameField.Forename), name));
        Assert.Null(NameMatcher.Score(NameQuery.Parse("hassan", NameField.Name), name));
        Assert.NotNull(NameMatcher.Score(NameQuery.Parse("hassan mohammed"), name));
    }

    [Fact]
    public void All_words_must_match_within_one_of_the_names()
    {
        IndexedName[] names = [IndexedName.Of(new PersonName("Ivan", "Petrov")), IndexedName.Of(new PersonName("Sergei", "Smirnov"))];

        Assert.NotNull(NameMatcher.Score(NameQuery.Parse("sergei smirnov"), names));
        Assert.Null(NameMatcher.Score(NameQuery.Parse("ivan smirnov"), names));
    }

    private static string Keys(string text) =>
        string.Join(", ", NameNormalizer.Words(text).Select(w => $"{w.Text}={PhoneticKey.Of(w.Text)}/{PhoneticKey.VowelPattern(w.Text)}"));
}
