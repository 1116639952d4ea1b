"""JSON Schemas of a partner file and of program.yml, for editors (yaml-language-server)."""

from __future__ import annotations

import json
from typing import Any

from generator.model import Partner, Program

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


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
    defs["Place"]["properties"]["country"] |= {"pattern": "^[A-Z]{2}$"}
    schema["properties"]["languages"]["items"] |= {"pattern": "^[a-z]{2}$"}
    schema["properties"]["website"] |= {"pattern": "^https?://", "format": "uri"}
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
