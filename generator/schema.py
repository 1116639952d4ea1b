"""JSON Schemas of a partner file and of program.yml, for editors (yaml-language-server)."""

from __future__ import annotations

import json
from typing import Any

from generator.checks import EMAIL_PATTERN, iso_countries, iso_languages
from generator.model import Partner, Program

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: What ``validate`` accepts as a website (``checks.check_http_url``): http or https in any
#: case, no white space, a host name with a dot, no user name or password.
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#@]*\.[^\s/?#@]*(?:[/?#]\S*)?$"
#: A logo is a file name beside the partner file, an .svg or .png in any case.
LOGO_PATTERN = r"^[^/\\.][^/\\]*\.(?:[Ss][Vv][Gg]|[Pp][Nn][Gg])$"


#: The invisible format characters (Unicode category Cf) of the Basic Multilingual Plane, as
#: escapes that ECMAScript and Python regular expressions both read. Written out, not computed,
#: so the committed schema does not change with the Unicode version of the Python that writes it.
FORMAT_CHARACTERS = (
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    r"\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
#: ``validate`` refuses a name or summary with no visible text: at least one character must be
#: neither white space nor a format character.
VISIBLE_PATTERN = rf"[^\s{FORMAT_CHARACTERS}]"


def partner_schema(program: Program | None = None) -> dict[str, Any]:
    """The schema of a partner file; with a program, ids are offered as completions."""
    schema = Partner.model_json_schema(by_alias=True, mode="validation")
    schema["properties"].pop("slug", None)
    schema["required"] = [key for key in schema.get("required", []) if key != "slug"]
    schema = {
        "$schema": SCHEMA_DIALECT,
        "$id": "partner.schema.json",
        "title": "Partner",
        "description": "One partner of the channel services program (partners/<slug>.yml).",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }
    defs = schema["$defs"]
    props = schema["properties"]
    # The rules of checks.py that a schema can state, so an editor and validate agree.
    defs["Place"]["properties"]["country"] |= {"enum": sorted(iso_countries())}
    props["languages"]["items"] |= {"enum": sorted(iso_languages())}
    for key in ("languages", "services", "industries", "practices"):
        props[key]["uniqueItems"] = True
    props["website"] |= {"pattern": URL_PATTERN, "format": "uri"}
    for key in ("name", "summary"):
        props[key]["pattern"] = VISIBLE_PATTERN
    props["logo"]["anyOf"][0] |= {"pattern": LOGO_PATTERN}
    email = defs["Contact"]["properties"]["email"]["anyOf"][0]
    email |= {"pattern": EMAIL_PATTERN, "format": "email"}
    if program is not None:
        _enum(schema["properties"]["services"]["items"], [s.id for s in program.services])
        _enum(schema["properties"]["industries"]["items"], [i.id for i in program.industries])
        _enum(schema["properties"]["practices"]["items"], [p.id for p in program.practices])
        _enum(defs["Track"]["properties"]["tier"], [t.id for t in program.tiers])
        _enum(defs["Certification"]["properties"]["type"], [c.id for c in program.certifications])
        courses = [c.id for c in program.courses]
        _enum(defs["Training"]["properties"]["course"], courses)
        course = defs["Certification"]["properties"]["course"]
        course["anyOf"] = [{"type": "string", "enum": courses}, {"type": "null"}]
        grants = schema["properties"]["legacy_grants"]
        grants["propertyNames"] = {"enum": [b.id for b in program.badges]}
    return schema


def program_schema() -> dict[str, Any]:
    """The schema of program.yml."""
    schema = Program.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "program.schema.json",
        **schema,
    }


def _enum(target: dict[str, Any], values: list[str]) -> None:
    target["enum"] = sorted(values)


def dump(schema: dict[str, Any]) -> str:
    """Stable text: the committed file and the command's output are the same bytes."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
