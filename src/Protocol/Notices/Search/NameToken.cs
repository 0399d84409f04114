namespace ActorNet.Protocol.Notices.Search;

/// <summary>Which part of a person's name a token comes from, or a query term may match.</summary>
[Flags]
public enum NameField
{
    Forename = 1,
    Name = 2,
    Any = Forename | Name,
}

/// <summary>A person's name as a notice gives it: forename(s) and family name(s), either may be missing.</summary>
/// <remarks>An alias or a name in its original script given as one string goes in <paramref name="Name"/>.</remarks>
public sealed record PersonName(string? Forename, string? Name);

/// <summary>One searchable token of a name: its normalised text, its <see cref="PhoneticKey"/>, and where it came from.</summary>
public readonly record struct NameToken(string Text, string Key, string Vowels, bool Abjad, NameField Field)
{
    public static NameToken Of(string text, bool abjad, NameField field) =>
        new(text, PhoneticKey.Of(text), PhoneticKey.VowelPattern(text), abjad, field);
}
