using System.Text.Json.Serialization;

namespace ActorNet.Protocol.Notices.PublicExtract;

// The JSON of INTERPOL's public notices web service (ws-public.interpol.int/notices/v1), property for property, so that
// a client written for it reads ours unchanged: snake_case fields, HAL's _embedded and _links, nulls written out.

/// <summary>A HAL link.</summary>
public sealed record HalLink([property: JsonPropertyName("href")] string Href);

/// <summary><c>GET /notices/v1/red</c> (and yellow, UN persons): one page of notices.</summary>
public sealed record PublicNoticeList(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("query")] PublicQueryEcho Query,
    [property: JsonPropertyName("_embedded")] PublicNoticeListEmbedded Embedded,
    [property: JsonPropertyName("_links")] PublicListLinks Links);

/// <summary>The list's parameters as the service understood them.</summary>
public sealed record PublicQueryEcho(
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("resultPerPage")] int ResultPerPage,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("forename")] string? Forename,
    [property: JsonPropertyName("nationality")] string? Nationality,
    [property: JsonPropertyName("freeText")] string? FreeText,
    [property: JsonPropertyName("ageMin")] int? AgeMin,
    [property: JsonPropertyName("ageMax")] int? AgeMax,
    [property: JsonPropertyName("sexId")] string? SexId,
    [property: JsonPropertyName("arrestWarrantCountryId")] string? ArrestWarrantCountryId);

public sealed record PublicNoticeListEmbedded([property: JsonPropertyName("notices")] IReadOnlyList<PublicNoticeSummary> Notices);

/// <summary>One notice in a list.</summary>
public sealed record PublicNoticeSummary(
    [property: JsonPropertyName("forename")] string? Forename,
    [property: JsonPropertyName("date_of_birth")] string? DateOfBirth,
    [property: JsonPropertyName("entity_id")] string EntityId,
    [property: JsonPropertyName("nationalities")] IReadOnlyList<string> Nationalities,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("_links")] PublicNoticeLinks Links);

/// <summary>A notice's links; <c>thumbnail</c> only when it has a picture.</summary>
public sealed record PublicNoticeLinks(
    [property: JsonPropertyName("self")] HalLink Self,
    [property: JsonPropertyName("images")] HalLink Images,
    [property: JsonPropertyName("thumbnail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HalLink? Thumbnail);

/// <summary>A list's links; <c>next</c> only when there is a next page.</summary>
public sealed record PublicListLinks(
    [property: JsonPropertyName("self")] HalLink Self,
    [property: JsonPropertyName("first")] HalLink First,
    [property: JsonPropertyName("next"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HalLink? Next,
    [property: JsonPropertyName("last")] HalLink Last);

/// <summary>The detail's <c>_embedded</c>: INTERPOL's is an empty list of links.</summary>
public sealed record PublicDetailEmbedded([property: JsonPropertyName("links")] IReadOnlyList<string> Links)
{
    public static PublicDetailEmbedded Empty { get; } = new([]);
}

public sealed record PublicArrestWarrant(
    [property: JsonPropertyName("issuing_country_id")] string IssuingCountryId,
    [property: JsonPropertyName("charge")] string Charge,
    [property: JsonPropertyName("charge_translation")] string? ChargeTranslation);

/// <summary><c>GET /notices/v1/red/{noticeID}</c>.</summary>
public sealed record RedNoticeDetail(
    [property: JsonPropertyName("arrest_warrants")] IReadOnlyList<PublicArrestWarrant> ArrestWarrants,
    [property: JsonPropertyName("weight")] int? Weight,
    [property: JsonPropertyName("forename")] string? Forename,
    [property: JsonPropertyName("date_of_birth")] string? DateOfBirth,
    [property: JsonPropertyName("entity_id")] string EntityId,
    [property: JsonPropertyName("languages_spoken_ids")] IReadOnlyList<string> LanguagesSpokenIds,
    [property: JsonPropertyName("nationalities")] IReadOnlyList<string> Nationalities,
    [property: JsonPropertyName("height")] double? Height,
    [property: JsonPropertyName("sex_id")] string? SexId,
    [property: JsonPropertyName("country_of_birth_id")] string? CountryOfBirthId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("distinguishing_marks")] string? DistinguishingMarks,
    [property: JsonPropertyName("eyes_colors_id")] IReadOnlyList<string> EyesColorsId,
    [property: JsonPropertyName("hairs_id")] IReadOnlyList<string> HairsId,
    [property: JsonPropertyName("place_of_birth")] string? PlaceOfBirth,
    [property: JsonPropertyName("_embedded")] PublicDetailEmbedded Embedded,
    [property: JsonPropertyName("_links")] PublicNoticeLinks Links);

/// <summary><c>GET /notices/v1/yellow/{noticeID}</c>: a missing person.</summary>
public sealed record YellowNoticeDetail(
    [property: JsonPropertyName("weight")] int? Weight,
    [property: JsonPropertyName("birth_name")] string? BirthName,
    [property: JsonPropertyName("entity_id")] string EntityId,
    [property: JsonPropertyName("nationalities")] IReadOnlyList<string> Nationalities,
    [property: JsonPropertyName("height")] double? Height,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("eyes_colors_id")] IReadOnlyList<string> EyesColorsId,
    [property: JsonPropertyName("place")] string? Place,
    [property: JsonPropertyName("date_of_event")] string? DateOfEvent,
    [property: JsonPropertyName("hairs_id")] IReadOnlyList<string> HairsId,
    [property: JsonPropertyName("father_forename")] string? FatherForename,
    [property: JsonPropertyName("mother_forename")] string? MotherForename,
    [property: JsonPropertyName("forename")] string? Forename,
    [property: JsonPropertyName("date_of_birth")] string? DateOfBirth,
    [property: JsonPropertyName("languages_spoken_ids")] IReadOnlyList<string> LanguagesSpokenIds,
    [property: JsonPropertyName("country")] string? Country,
    [property: JsonPropertyName("country_of_birth_id")] string? CountryOfBirthId,
    [property: JsonPropertyName("sex_id")] string? SexId,
    [property: JsonPropertyName("distinguishing_marks")] string? DistinguishingMarks,
    [property: JsonPropertyName("mother_name")] string? MotherName,
    [property: JsonPropertyName("place_of_birth")] string? PlaceOfBirth,
    [property: JsonPropertyName("_embedded")] PublicDetailEmbedded Embedded,
    [property: JsonPropertyName("_links")] PublicNoticeLinks Links);

/// <summary><c>GET /notices/v1/un/persons/{noticeID}</c>: a person subject to UN Security Council sanctions.</summary>
public sealed record UnPersonDetail(
    [property: JsonPropertyName("entity_id")] string EntityId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("forename")] string? Forename,
    [property: JsonPropertyName("name_in_original_script")] string? NameInOriginalScript,
    [property: JsonPropertyName("forename_in_original_script")] string? ForenameInOriginalScript,
    [property: JsonPropertyName("aliases")] IReadOnlyList<string> Aliases,
    [property: JsonPropertyName("date_of_birth")] string? DateOfBirth,
    [property: JsonPropertyName("nationalities")] IReadOnlyList<string> Nationalities,
    [property: JsonPropertyName("sex_id")] string? SexId,
    [property: JsonPropertyName("place_of_birth")] string? PlaceOfBirth,
    [property: JsonPropertyName("country_of_birth_id")] string? CountryOfBirthId,
    [property: JsonPropertyName("languages_spoken_ids")] IReadOnlyList<string> LanguagesSpokenIds,
    [property: JsonPropertyName("un_reference")] string? UnReference,
    [property: JsonPropertyName("un_reference_date")] string? UnReferenceDate,
    [property: JsonPropertyName("summary")] string? Summary,
    [property: JsonPropertyName("_embedded")] PublicDetailEmbedded Embedded,
    [property: JsonPropertyName("_links")] PublicNoticeLinks Links);

/// <summary><c>GET /notices/v1/red/{noticeID}/images</c>.</summary>
public sealed record PublicNoticeImages(
    [property: JsonPropertyName("_embedded")] PublicImagesEmbedded Embedded,
    [property: JsonPropertyName("_links")] PublicImagesLinks Links);

public sealed record PublicImagesEmbedded([property: JsonPropertyName("images")] IReadOnlyList<PublicImage> Images);

public sealed record PublicImage(
    [property: JsonPropertyName("picture_id")] string PictureId,
    [property: JsonPropertyName("_links")] PublicImageLinks Links);

public sealed record PublicImageLinks([property: JsonPropertyName("self")] HalLink Self);

public sealed record PublicImagesLinks(
    [property: JsonPropertyName("self")] HalLink Self,
    [property: JsonPropertyName("notice")] HalLink Notice,
    [property: JsonPropertyName("thumbnail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HalLink? Thumbnail);
