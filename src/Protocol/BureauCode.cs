using System.Collections.Frozen;

namespace ActorNet.Protocol;

/// <summary>A bureau's code: <c>GS</c> for the General Secretariat or an ISO 3166-1 alpha-2 country code.</summary>
/// <remarks>
/// GS is also ISO's code for South Georgia; the General Secretariat owns it here, as it does in INTERPOL's network.
/// XK (Kosovo) is user-assigned in ISO 3166-1 but has an NCB, so it is accepted.
/// </remarks>
public sealed record BureauCode : IComparable<BureauCode>
{
    public const string SecretariatCode = "GS";

    private static readonly FrozenSet<string> Assigned = """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE
        BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD
        CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
        DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF
        GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
        ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
        KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
        MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
        NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
        PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
        SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK
        TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
        VN VU WF WS YE YT ZA ZM ZW XK
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).ToFrozenSet(StringComparer.Ordinal);

    // One shared instance per assigned code: envelopes name up to a thousand recipients, read from the wire each time.
    private static readonly FrozenDictionary<string, BureauCode> Shared =
        Assigned.ToFrozenDictionary(code => code, code => new BureauCode(code), StringComparer.Ordinal);

    public string Value { get; }

    public BureauCode(string value)
    {
        if (!TryNormalize(value, out var code))
            throw new ArgumentException(Explain(value), nameof(value));
        Value = code;
    }

    public static BureauCode Secretariat { get; } = new(SecretariatCode);

    /// <summary>The bureau <paramref name="value"/> names, as the constructor reads it; a code already in canonical form costs no allocation.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not a bureau code.</exception>
    public static BureauCode Of(string value) => Shared.TryGetValue(value, out var shared) ? shared : new BureauCode(value);

    public bool IsSecretariat => Value == SecretariatCode;

    /// <summary>The cluster role that only this bureau's nodes carry.</summary>
    public string Role => "bureau-" + Value;

    public static bool TryParse(string? value, out BureauCode? code)
    {
        if (TryNormalize(value, out var normalized))
        {
            code = new BureauCode(normalized);
            return true;
        }
        code = null;
        return false;
    }

    /// <summary>Reads the bureau out of a cluster role such as <c>bureau-FR</c>.</summary>
    public static BureauCode? FromRole(string role) =>
        role.StartsWith("bureau-", StringComparison.Ordinal) && TryParse(role["bureau-".Length..], out var code) ? code : null;

    /// <summary>Whether <paramref name="value"/> is an ISO 3166-1 alpha-2 country code (any case), as a nationality is written.</summary>
    public static bool IsCountryCode(string? value) => TryNormalize(value, out _);

    /// <summary>Every code a bureau may have, GS included, in alphabetical order.</summary>
    public static IReadOnlyList<string> Codes { get; } = Assigned.Order(StringComparer.Ordinal).ToArray();

    public static string Explain(string? value) =>
        $"'{value}' is not a bureau code: use GS or an ISO 3166-1 alpha-2 country code such as FR";

    private static bool TryNormalize(string? value, out string code)
    {
        code = (value ?? "").Trim().ToUpperInvariant();
        return code.Length == 2 && Assigned.Contains(code);
    }

    public int CompareTo(BureauCode? other) => string.CompareOrdinal(Value, other?.Value);

    public override string ToString() => Value;
}
