namespace ActorNet.Protocol.Tests.Notices;

/// <summary>
/// The public extract's JSON as INTERPOL's public notices web service writes it (interface.md §5 and
/// ws-public.interpol.int/notices/v1), for the sample notices of <see cref="PublicExtractTests"/>.
/// </summary>
internal static class PublicExtractFixtures
{
    public const string RedList = """
        {
          "total": 3,
          "query": {
            "page": 2, "resultPerPage": 1, "name": "AL-HASSAN", "forename": null, "nationality": "SY", "freeText": null,
            "ageMin": 18, "ageMax": null, "sexId": "M", "arrestWarrantCountryId": "FR"
          },
          "_embedded": {
            "notices": [
              {
                "forename": "MOHAMMED",
                "date_of_birth": "1980/04/02",
                "entity_id": "2026/12345",
                "nationalities": ["SY", "FR"],
                "name": "AL-HASSAN",
                "_links": {
                  "self": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345" },
                  "images": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345/images" },
                  "thumbnail": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345/images/61234567" }
                }
              }
            ]
          },
          "_links": {
            "self": { "href": "https://fr.actornet.example/notices/v1/red?name=AL-HASSAN&nationality=SY&ageMin=18&sexId=M&arrestWarrantCountryId=FR&resultPerPage=1&page=2" },
            "first": { "href": "https://fr.actornet.example/notices/v1/red?name=AL-HASSAN&nationality=SY&ageMin=18&sexId=M&arrestWarrantCountryId=FR&resultPerPage=1&page=1" },
            "next": { "href": "https://fr.actornet.example/notices/v1/red?name=AL-HASSAN&nationality=SY&ageMin=18&sexId=M&arrestWarrantCountryId=FR&resultPerPage=1&page=3" },
            "last": { "href": "https://fr.actornet.example/notices/v1/red?name=AL-HASSAN&nationality=SY&ageMin=18&sexId=M&arrestWarrantCountryId=FR&resultPerPage=1&page=3" }
          }
        }
        """;

    public const string RedDetail = """
        {
          "arrest_warrants": [
            { "issuing_country_id": "FR", "charge": "Murder", "charge_translation": null }
          ],
          "weight": 80,
          "forename": "MOHAMMED",
          "date_of_birth": "1980/04/02",
          "entity_id": "2026/12345",
          "languages_spoken_ids": ["ARA", "FRE"],
          "nationalities": ["SY", "FR"],
          "height": 1.78,
          "sex_id": "M",
          "country_of_birth_id": "SY",
          "name": "AL-HASSAN",
          "distinguishing_marks": "Scar on the left cheek",
          "eyes_colors_id": ["BRO"],
          "hairs_id": ["BLA"],
          "place_of_birth": "ALEPPO",
          "_embedded": { "links": [] },
          "_links": {
            "self": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345" },
            "images": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345/images" },
            "thumbnail": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345/images/61234567" }
          }
        }
        """;

    public const string RedImages = """
        {
          "_embedded": {
            "images": [
              { "picture_id": "61234567", "_links": { "self": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345/images/61234567" } } },
              { "picture_id": "61234568", "_links": { "self": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345/images/61234568" } } }
            ]
          },
          "_links": {
            "self": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345/images" },
            "notice": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345" },
            "thumbnail": { "href": "https://fr.actornet.example/notices/v1/red/2026-12345/images/61234567" }
          }
        }
        """;

    public const string YellowDetail = """
        {
          "weight": 30,
          "birth_name": "DUPONT",
          "entity_id": "2026/20001",
          "nationalities": ["FR"],
          "height": 1.35,
          "name": "MARTIN",
          "eyes_colors_id": ["BLU"],
          "place": "LYON",
          "date_of_event": "2026/10/31",
          "hairs_id": ["BRO"],
          "father_forename": "PIERRE",
          "mother_forename": "CLAIRE",
          "forename": "LEA",
          "date_of_birth": "2016/05",
          "languages_spoken_ids": ["FRE"],
          "country": "FR",
          "country_of_birth_id": "FR",
          "sex_id": "F",
          "distinguishing_marks": null,
          "mother_name": "DUPONT",
          "place_of_birth": "LYON",
          "_embedded": { "links": [] },
          "_links": {
            "self": { "href": "https://fr.actornet.example/notices/v1/yellow/2026-20001" },
            "images": { "href": "https://fr.actornet.example/notices/v1/yellow/2026-20001/images" }
          }
        }
        """;

    public const string UnPersonDetail = """
        {
          "entity_id": "2026/30001",
          "name": "EXAMPLE",
          "forename": "ABDUL",
          "name_in_original_script": "مثال",
          "forename_in_original_script": "عبد",
          "aliases": ["ABU EXAMPLE"],
          "date_of_birth": "1970",
          "nationalities": ["AF"],
          "sex_id": "M",
          "place_of_birth": null,
          "country_of_birth_id": "AF",
          "languages_spoken_ids": [],
          "un_reference": "QDi.999",
          "un_reference_date": "2026/01/15",
          "summary": "Listed under resolution 1267",
          "_embedded": { "links": [] },
          "_links": {
            "self": { "href": "https://fr.actornet.example/notices/v1/un/persons/2026-30001" },
            "images": { "href": "https://fr.actornet.example/notices/v1/un/persons/2026-30001/images" }
          }
        }
        """;
}
