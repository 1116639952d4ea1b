"""Property tests: generated valid partners load; every mutation of one gives located errors."""

from __future__ import annotations

import string
import unicodedata
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.checks import ProgramIds, visible
from generator.load import load_partner, load_program
from generator.source import parse_yaml, text_problems
from tests.conftest import PROGRAM

_program, _ = load_program(PROGRAM)
assert _program is not None
IDS = ProgramIds.of(_program)
SETTINGS = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 12, 31))
words = st.text(string.ascii_letters + " &'<>\"é", min_size=1, max_size=40).filter(str.strip)


@st.composite
def tracks(draw: st.DrawFn) -> list[dict[str, Any]]:
    start = draw(days)
    result = []
    for _ in range(draw(st.integers(1, 3))):
        end = start + timedelta(days=draw(st.integers(0, 900)))
        result.append({"tier": draw(st.sampled_from(sorted(IDS.tiers))), "from": start, "to": end})
        start = end + timedelta(days=draw(st.integers(1, 400)))
    if draw(st.booleans()):
        del result[-1]["to"]
    return result


@st.composite
def people(draw: st.DrawFn) -> list[dict[str, Any]]:
    result = []
    for number in range(draw(st.integers(0, 4))):
        hired = draw(days)
        certifications = []
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["pse", "trainer"]))
            cert: dict[str, Any] = {"type": kind, "earned": draw(days)}
            if draw(st.booleans()):
                cert["expires"] = cert["earned"] + timedelta(days=draw(st.integers(1, 900)))
            if kind == "trainer":
                cert["course"] = draw(st.sampled_from(sorted(IDS.courses)))
            certifications.append(cert)
        employed: dict[str, Any] = {"from": hired}
        if draw(st.booleans()):
            employed["to"] = hired + timedelta(days=draw(st.integers(0, 2000)))
        result.append({"id": f"p-{number}", "employed": employed, "certifications": certifications})
    return result


@st.composite
def engagements(draw: st.DrawFn) -> list[dict[str, Any]]:
    result = []
    for number in range(draw(st.integers(0, 4))):
        contract = draw(days)
        engagement: dict[str, Any] = {"id": f"e-{number}", "contract": contract}
        for kpi in ("infrastructure_ready", "first_value", "outcome_achieved"):
            if draw(st.booleans()):
                engagement[kpi] = contract + timedelta(days=draw(st.integers(0, 400)))
        result.append(engagement)
    return result


@st.composite
def partners(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": draw(words),
        "website": "https://partner.example/",
        "summary": draw(words),
        "headquarters": {"country": draw(st.sampled_from(["DE", "NO", "US", "JP"])), "city": "X"},
        "languages": draw(st.lists(st.sampled_from(["de", "en", "nb", "ja"]), unique=True)),
        "industries": draw(st.lists(st.sampled_from(sorted(IDS.industries)), unique=True)),
        "services": draw(st.lists(st.sampled_from(sorted(IDS.services)), min_size=1, unique=True)),
        "tracks": draw(tracks()),
        "practices": draw(st.lists(st.sampled_from(sorted(IDS.practices)), unique=True)),
        "people": draw(people()),
        "engagements": draw(engagements()),
        "trainings": [
            {"course": "gitlab-ci-cd", "delivered": day, "scores": [5, 4]}
            for day in draw(st.lists(days, max_size=3))
        ],
    }
    if draw(st.booleans()):
        data["legacy_grants"] = {"psp": draw(days)}
    return data


def _dump(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()


def _load(tmp_path: Path, raw: bytes) -> tuple[Any, list[Any]]:
    path = tmp_path / "generated.yml"
    path.write_bytes(raw)
    return load_partner(path, IDS)


@SETTINGS
@given(partners())
def test_generated_partners_are_valid(tmp_path: Path, data: dict[str, Any]) -> None:
    partner, diagnostics = _load(tmp_path, _dump(data))
    assert [d.format() for d in diagnostics] == []
    assert partner is not None
    assert partner.name == data["name"]
    assert len(partner.tracks) == len(data["tracks"])


def _mutations() -> st.SearchStrategy[tuple[str, Any]]:
    return st.sampled_from(
        [
            ("drop", "name"),
            ("drop", "tracks"),
            ("set", ("website", "javascript:alert(1)")),
            ("set", ("services", ["assesment"])),
            ("set", ("summary", ["a", "list"])),
            ("set", ("headquarters", {"country": "de", "city": "X"})),
            ("set", ("languages", ["english"])),
            ("set", ("tracks", [{"tier": "gold", "from": "2020-01-01"}])),
            ("set", ("tracks", [{"tier": "open", "from": "2020-02-30"}])),
            ("set", ("unknown_key", 1)),
            ("set", ("legacy_grants", {"msp": "2020-01-01"})),
            ("set", ("name", "x" * 121)),
            ("set", ("people", [{"id": "p", "employed": {"from": "2020-01-01"}, "extra": 1}])),
            (
                "set",
                (
                    "engagements",
                    [{"id": "e", "contract": "2020-01-02", "first_value": "2020-01-01"}],
                ),
            ),
            (
                "set",
                (
                    "trainings",
                    [{"course": "gitlab-ci-cd", "delivered": "2020-01-01", "scores": [0]}],
                ),
            ),
        ]
    )


@SETTINGS
@given(partners(), _mutations())
def test_mutated_partners_give_located_errors(
    tmp_path: Path, data: dict[str, Any], mutation: tuple[str, Any]
) -> None:
    action, argument = mutation
    if action == "drop":
        data.pop(argument)
    else:
        key, value = argument
        data[key] = value
    raw = _dump(data)
    partner, diagnostics = _load(tmp_path, raw)
    assert partner is None
    assert diagnostics
    lines = raw.decode().count("\n")
    for diagnostic in diagnostics:
        assert 1 <= diagnostic.line <= lines
        assert diagnostic.column >= 1
        assert diagnostic.message


@SETTINGS
@given(partners(), st.binary(max_size=40), st.integers(0, 2000))
def test_corrupted_bytes_never_crash(
    tmp_path: Path, data: dict[str, Any], noise: bytes, where: int
) -> None:
    raw = _dump(data)
    where = min(where, len(raw))
    partner, diagnostics = _load(tmp_path, raw[:where] + noise + raw[where:])
    assert (partner is None) == bool(diagnostics)
    for diagnostic in diagnostics:
        assert diagnostic.line >= 1


@given(st.text(max_size=40))
@SETTINGS
def test_visible_text_takes_no_shortcut_that_changes_it(text: str) -> None:
    """ASCII text is read without Unicode normalization (the duplicate-name check of every
    name at every build); what it gives is what the full reading gives."""
    normal = unicodedata.normalize("NFKC", text)
    full = " ".join("".join(c for c in normal if unicodedata.category(c) != "Cf").split())
    assert visible(text) == full
    ascii_only = "".join(c for c in text if c.isascii())
    normal = unicodedata.normalize("NFKC", ascii_only)
    assert visible(ascii_only) == " ".join(normal.split())


#: Text that can break a line, hold a control or escape one: what the plain reading skips.
_TRICKY = st.text(
    st.sampled_from([*"ab :-\"'\\\n\r\t#", "\x00", "\x07", "\x85", "\u2028", "\u202e", "\ufeff",
                     "\ufffe", "é"]),
    max_size=12,
)


_LINES = st.text(st.sampled_from([*"ab :\n", "é"]), max_size=12)


@given(st.dictionaries(st.sampled_from(["summary", "name", "a\nb", "k\x07", "note"]),
                       _TRICKY | _LINES | st.lists(_TRICKY | _LINES, max_size=3), max_size=4),
       st.sampled_from([None, '"', "'", "|", ">"]), st.booleans())
@example({"name": "one\ntwo", "summary": "three\nfour"}, "|", False)
@example({"name": "tab\there"}, None, False)
@SETTINGS
def test_plain_text_is_searched_only_for_line_feeds_without_missing_a_problem(
        data: dict[str, Any], style: str | None, escaped: bool) -> None:
    """A file whose text holds no escape and none of the characters searched for is only
    searched for line feeds (every partner file, at every build that reads it); what that
    finds is what the full search finds."""
    text = yaml.safe_dump(data, default_style=style, allow_unicode=not escaped)
    document, _ = parse_yaml("x.yml", text.encode("utf-8", errors="surrogatepass"))
    if document is None:
        return
    def multiline(loc: tuple[str | int, ...]) -> bool:
        return loc == ("summary",)
    full = list(text_problems(document.data, multiline))
    assert list(text_problems(document.data, multiline, plain=document.plain)) == full
    if not document.plain:
        return
    assert all(p.code == "line-break" and "U+000A" in p.message for p in full)
