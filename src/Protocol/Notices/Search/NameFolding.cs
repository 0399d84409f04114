using System.Globalization;

namespace ActorNet.Protocol.Notices.Search;

/// <summary>
/// Folds one character of a name to its base letters: lower case, accents and other marks removed, compatibility forms
/// (ligatures, full-width letters) expanded, Latin special letters written in plain Latin.
/// </summary>
/// <remarks>
/// Nodes run with invariant globalization, where <see cref="string.Normalize()"/> leaves non-ASCII text as it is, so the
/// decompositions are a table here: generated once from Unicode NFKD (ICU 72) without combining marks, for Latin,
/// Greek and Cyrillic letters and the Arabic hamza forms. A table also keeps every node's search keys identical,
/// whatever ICU version its machine has.
/// </remarks>
internal static class NameFolding
{
    // Each line: the folded form, a space, every lower-case letter that folds to it.
    private static readonly string[] Decompositions =
    [
        "a àáâãäåāăąǎǟǡǻȁȃȧḁạảấầẩẫậắằẳẵặ",
        "b ḃḅḇ",
        "c çćĉċčḉ",
        "d ďḋḍḏḑḓ",
        "dz ǆǳ",
        "e èéêëēĕėęěȅȇȩḕḗḙḛḝẹẻẽếềểễệ",
        "f ḟ",
        "ff ﬀ",
        "ffi ﬃ",
        "ffl ﬄ",
        "fi ﬁ",
        "fl ﬂ",
        "g ĝğġģǧǵḡ",
        "h ĥȟḣḥḧḩḫẖ",
        "i ìíîïĩīĭįİǐȉȋḭḯỉị",
        "ij ĳ",
        "j ĵǰ",
        "k ķǩḱḳḵ",
        "l ĺļľḷḹḻḽ",
        "lj ǉ",
        "m ḿṁṃ",
        "n ñńņňǹṅṇṉṋ",
        "nj ǌ",
        "o òóôõöōŏőơǒǫǭȍȏȫȭȯȱṍṏṑṓọỏốồổỗộớờởỡợ",
        "p ṕṗ",
        "r ŕŗřȑȓṙṛṝṟ",
        "s śŝşšſșṡṣṥṧṩẛ",
        "st ﬅﬆ",
        "t ţťțṫṭṯṱẗ",
        "u ùúûüũūŭůűųưǔǖǘǚǜȕȗṳṵṷṹṻụủứừửữự",
        "v ṽṿ",
        "w ŵẁẃẅẇẉẘ",
        "x ẋẍ",
        "y ýÿŷȳẏẙỳỵỷỹ",
        "z źżžẑẓẕ",
        "α άἀἁἂἃἄἅἆἇὰάᾀᾁᾂᾃᾄᾅᾆᾇᾰᾱᾲᾳᾴᾶᾷ",
        "β ϐ",
        "ε έϵἐἑἒἓἔἕὲέ",
        "η ήἠἡἢἣἤἥἦἧὴήᾐᾑᾒᾓᾔᾕᾖᾗῂῃῄῆῇ",
        "θ ϑ",
        "ι ΐίϊἰἱἲἳἴἵἶἷὶίιῐῑῒΐῖῗ",
        "κ ϰ",
        "ο όὀὁὂὃὄὅὸό",
        "π ϖ",
        "ρ ϱῤῥ",
        "ς ϲ",
        "υ ΰϋύϒϓϔὐὑὒὓὔὕὖὗὺύῠῡῢΰῦῧ",
        "φ ϕ",
        "ω ώὠὡὢὣὤὥὦὧὼώᾠᾡᾢᾣᾤᾥᾦᾧῲῳῴῶῷ",
        "а ӑӓ",
        "г ѓ",
        "е ѐёӗ",
        "ж ӂӝ",
        "з ӟ",
        "и йѝӣӥ",
        "к ќ",
        "о ӧ",
        "у ўӯӱӳ",
        "ч ӵ",
        "ы ӹ",
        "э ӭ",
        "і ї",
        "ا آأإ",
        "و ؤ",
        "ي ئ",
    ];

    // Letters with no Unicode decomposition, written as name lists and passports write them in Latin.
    private static readonly (char Letter, string Latin)[] SpecialLetters =
    [
        ('ß', "ss"), ('æ', "ae"), ('œ', "oe"), ('ø', "o"), ('ł', "l"), ('đ', "d"), ('ð', "d"), ('þ', "th"), ('ħ', "h"),
        ('ŧ', "t"), ('ı', "i"), ('ŋ', "ng"), ('ĸ', "k"), ('ŀ', "l"), ('ə', "e"), ('ƒ', "f"), ('ǥ', "g"), ('ŉ', "n"),
    ];

    private static readonly Dictionary<char, string> Folds = Build();

    /// <summary>The folded form of <paramref name="c"/>: empty for a combining mark, the letter itself when nothing folds.</summary>
    public static string Fold(char c)
    {
        var lower = char.ToLowerInvariant(c);
        if (Folds.TryGetValue(lower, out var folded))
            return folded;
        return CharUnicodeInfo.GetUnicodeCategory(lower) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            ? ""
            : lower.ToString();
    }

    private static Dictionary<char, string> Build()
    {
        var folds = new Dictionary<char, string>();
        foreach (var line in Decompositions)
        {
            var space = line.IndexOf(' ');
            foreach (var letter in line[(space + 1)..])
                folds[letter] = line[..space];
        }
        foreach (var (letter, latin) in SpecialLetters)
            folds[letter] = latin;
        // Full-width digits and Latin letters (U+FF10-FF5A) fold to ASCII.
        for (var c = '\uFF10'; c <= '\uFF5A'; c++)
            if (char.IsLetterOrDigit(c))
                folds[c] = char.ToLowerInvariant((char)(c - 0xFEE0)).ToString();
        return folds;
    }
}
