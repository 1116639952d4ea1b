"""Fuzzing the whole path a merge request's file takes: loader, checks, badge engine, renderers.

Two seeded Hypothesis targets run in every test run, bounded in examples and time: raw bytes,
and YAML text built from the format's own keys with hostile values mixed in, so the search
reaches deep into files that nearly validate. Each example is written into a partners folder
beside the shipped program.yml and loaded with ``load_folder``; every report format is
rendered (the JUnit one parsed as XML); a file that validates is evaluated for badges, whose
reports are rendered, and planned into site pages. Nothing may raise.

``corpus/`` keeps past finds; each is replayed every run and must give its located
diagnostic, named on its first line as ``# expect: CODE at LINE:COLUMN``.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from generator.catalog import Catalog
from generator.diagnostics import CODES, UNSAFE_CHARACTERS
from generator.load import LoadResult, load_folder
from generator.report.badges import evaluate_all, render_badges
from generator.report.validate import FORMATS, render_validation
from generator.site.common import SiteOptions
from generator.site.pages import plan_site
from tests.conftest import PROGRAM

CORPUS = Path(__file__).resolve().parent / "corpus"
CASE = "fuzz-case.yml"
AS_OF = (date(1900, 1, 1), date(2025, 6, 1), date(9998, 12, 31))
FUZZ = settings(
    max_examples=200,
    deadline=timedelta(seconds=10),  # a hang, not a slow machine
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A partners folder with the shipped program.yml; each example replaces its one file."""
    path = tmp_path_factory.mktemp("fuzz") / "partners"
    path.mkdir()
    (path / "program.yml").write_bytes(PROGRAM.read_bytes())
    (path / "fuzz-case.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
        '<rect width="10" height="10" fill="#123456"/></svg>\n'
    )
    return path


def exercise(folder: Path, raw: bytes) -> LoadResult:
    """Everything a file goes through, from loading to the site's page plan."""
    (folder / CASE).write_bytes(raw)
    result = load_folder(folder)
    files = [str(folder / "program.yml"), str(folder / CASE)]
    for diagnostic in result.diagnostics:
        assert diagnostic.code in CODES, diagnostic
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
        assert UNSAFE_CHARACTERS.search(diagnostic.message + diagnostic.path) is None
    for fmt in FORMATS:
        report = render_validation(result.diagnostics, files, fmt)
        assert UNSAFE_CHARACTERS.search(report.replace("\n", "")) is None
        if fmt == "junit":
            ET.fromstring(report)
        elif fmt != "text":
            json.loads(report)
    if result.ok and result.program is not None:
        for day in AS_OF:
            states = evaluate_all(result.partners, result.program, day)
            render_badges(states, result.program, day, "text")
            json.loads(render_badges(states, result.program, day, "json"))
        plan = plan_site(Catalog.build(result, AS_OF[1]), folder, SiteOptions())
        assert any(page.kind == "profile" for page in plan.pages) or plan.pages
    return result


# --- raw bytes -------------------------------------------------------------------------------


@seed(20261201)
@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes_give_diagnostics_not_exceptions(folder: Path, raw: bytes) -> None:
    exercise(folder, raw)


# --- YAML built from the format's keys -------------------------------------------------------

# Pools of YAML source: values that are fine first, then hostile ones. ``value`` picks from
# the fine part most of the time, so many examples validate and reach the badge engine and
# the site, and the rest probe every check.
TEXT = ["Acme", "Acme GmbH", '"Café Ünïcode"', "'it''s'", "a\u00a0b", "'@all #1 !1 %m'",
        '"<script>"', "[x](https://evil.example)",
        '""', '" "', "x" * 130, '"\\e[2K"', '"\\0"', '"\\u0001"', '"\\x7f"', '"\\x9b2K"',
        '"\\u202eevil"', '"\\u2066x"', '"a\\nb"', '"a\\rb"', '"\\L"', '"\\N"', '"\\P"',
        '"\\t"', '"\\uffff"', '"\\u200b"']
TEXT_FINE = 8
DATES = ["2020-01-01", "2021-06-01", "2024-02-29", "1900-01-01", "9998-12-31", '"2022-05-05"',
         "2025-12-31", "2019-05-01", "2025-06-01",
         "2023-02-29", "1899-12-31", "9999-12-31", "0001-01-01", "2024-13-01", "2024/01/01"]
DATES_FINE = 9
NUMBERS = ["1", "2", "3", "4", "5", "+4", "0o5",
           "0", "6", "-1", "1.5", ".inf", "-.inf", ".nan", "0x10", "9" * 4301, "1e999",
           "1." + "5" * 200, "1" * 100, "007"]
NUMBERS_FINE = 7
URLS = ["https://acme.example", "http://acme.example/path?q=1#f", "https://xn--caf-dma.example",
        '"https://[evil.example/"', "https://acme.example:99999/", "https://acme.example:x/",
        "javascript:alert(1)", "http://user:pw@acme.example", "https://localhost",
        "ftp://acme.example", '"https://acme.example/\\u3000"', "https://exa\u2100mple.com"]
URLS_FINE = 3
BAD_IDS = ["gold", "msp", "ZZ", "english", "Open", "pse", "de"]


def _ids(*fine: str) -> list[str]:
    return [*fine, *BAD_IDS]


TIERS = _ids("open", "select", "distribution")
SERVICES = _ids("assessment", "migration", "implementation", "education")
INDUSTRIES = _ids("financial-services", "retail")
PRACTICES = _ids("professional-services", "training")
CERTIFICATIONS = _ids("pse", "trainer")
COURSES = _ids("gitlab-ci-cd", "gitlab-fundamentals", "gitlab-security-essentials",
               "gitlab-administration")
COUNTRIES = _ids("DE", "NO", "US", "JP", "BR")
LANGUAGES = _ids("de", "en", "nb", "ja")
IDS = sorted({*TIERS, *SERVICES, *INDUSTRIES, *PRACTICES, *COURSES, *COUNTRIES, *LANGUAGES})
OTHER = ["a@b.example", '"+49 30 1234567"',
         "null", "~", "true", "false", "NO", "[]", "{}", "not-an-email", "fuzz-case.svg",
         "other.png", "../x.svg", "!!str 5", "!foo x", "&a 1", "*a", "<<"]
OTHER_FINE = 2
LOGOS = ["fuzz-case.svg", "fuzz-case.png", "other.svg", "../fuzz-case.svg", "fuzz-case.gif"]
ANY_SCALAR = TEXT + DATES + NUMBERS + URLS + IDS + OTHER
FINE = {id(TEXT): TEXT_FINE, id(DATES): DATES_FINE, id(NUMBERS): NUMBERS_FINE,
        id(URLS): URLS_FINE, id(OTHER): OTHER_FINE, id(LOGOS): 1,
        **{id(pool): len(pool) - len(BAD_IDS) for pool in (
            TIERS, SERVICES, INDUSTRIES, PRACTICES, CERTIFICATIONS, COURSES, COUNTRIES,
            LANGUAGES)}}

#: Each key of the format and what it holds: a pool of scalars (a list), a mapping (the name
#: of its shape) or a sequence (``("seq", item shape)``).
Shape = list[str] | str | tuple[str, "Shape"]
SHAPES: dict[str, Shape] = {
    "name": TEXT, "website": URLS, "summary": TEXT, "logo": LOGOS,
    "headquarters": "place", "locations": ("seq", "place"), "languages": ("seq", LANGUAGES),
    "industries": ("seq", INDUSTRIES), "services": ("seq", SERVICES), "contact": "contact",
    "tracks": ("seq", "track"), "noncompliance": ("seq", "period"),
    "practices": ("seq", PRACTICES),
    "people": ("seq", "person"), "engagements": ("seq", "engagement"),
    "trainings": ("seq", "training"), "legacy_grants": "grants",
}
NESTED: dict[str, dict[str, Shape]] = {
    "place": {"country": COUNTRIES, "city": TEXT},
    "contact": {"email": OTHER, "phone": OTHER},
    "track": {"tier": TIERS, "from": DATES, "to": DATES},
    "period": {"from": DATES, "to": DATES, "reason": TEXT},
    "person": {"id": TEXT, "employed": "employment", "certifications": ("seq", "certification")},
    "employment": {"from": DATES, "to": DATES},
    "certification": {"type": CERTIFICATIONS, "earned": DATES, "expires": DATES,
                      "course": COURSES},
    "engagement": {"id": TEXT, "contract": DATES, "infrastructure_ready": DATES,
                   "first_value": DATES, "outcome_achieved": DATES},
    "training": {"course": COURSES, "delivered": DATES, "scores": ("seq", NUMBERS)},
    "grants": {"psp": DATES, "tsp": DATES, "msp": DATES},
}
ODD_KEYS = ["slug", "sumary", "extra", '"\\e[2K"', '"a\\nb"', '"\\u202e"', "x" * 70, "1", "k"]
#: A partner that validates, as the starting point most examples vary a little.
BASE = {
    "name": "Fuzz Partner", "website": "https://fuzz.example", "summary": "Fuzzed.",
    "headquarters": {"country": "DE", "city": "Berlin"}, "services": ["assessment"],
    "tracks": [{"tier": "open", "from": "2020-01-01"}],
}


@st.composite
def value(draw: st.DrawFn, shape: Shape, depth: int = 0) -> str:
    """YAML source for a value of ``shape``, or now and then for anything at all."""
    if depth > 4 or draw(st.integers(0, 30)) == 0:
        return draw(st.sampled_from(ANY_SCALAR))
    if isinstance(shape, tuple):
        return "[" + ", ".join(draw(st.lists(value(shape[1], depth + 1), max_size=4))) + "]"
    if isinstance(shape, str):
        return "{" + ", ".join(draw(pairs(shape, depth + 1))) + "}"
    assert isinstance(shape, list)
    pool: list[str] = shape
    fine = FINE[id(pool)]
    return draw(st.sampled_from(pool[fine:] if draw(st.integers(0, 5)) == 0 else pool[:fine]))


#: The keys a nested mapping must have.
REQUIRED = {"place": {"country", "city"}, "track": {"tier", "from"}, "period": {"from", "to"},
            "person": {"id", "employed"}, "employment": {"from"},
            "certification": {"type", "earned"}, "engagement": {"id", "contract"},
            "training": {"course", "delivered", "scores"}}


@st.composite
def pairs(draw: st.DrawFn, shape: str, depth: int) -> list[str]:
    fields = NESTED[shape]
    required = REQUIRED.get(shape, set())
    keys = [
        key for key in fields
        if draw(st.integers(0, 19)) < (19 if key in required else 8)
    ]
    found = [f"{key}: {draw(value(fields[key], depth))}" for key in keys]
    if draw(st.integers(0, 15)) == 0:
        found.append(f"{draw(st.sampled_from(ODD_KEYS))}: {draw(st.sampled_from(ANY_SCALAR))}")
    return found


@st.composite
def partner_text(draw: st.DrawFn) -> str:
    """A partner file: the valid base with keys changed, added, removed or doubled."""
    lines = {key: f"{key}: {_flow(val)}" for key, val in BASE.items()}
    for key in draw(st.lists(st.sampled_from(sorted(SHAPES)), max_size=8)):
        lines[key] = f"{key}: {draw(value(SHAPES[key]))}"
    if draw(st.integers(0, 9)) == 0:
        lines.pop(draw(st.sampled_from(sorted(BASE))))
    text = "\n".join(lines.values()) + "\n"
    if draw(st.integers(0, 5)) == 0:
        text += f"{draw(st.sampled_from(ODD_KEYS + sorted(SHAPES)))}: "
        text += draw(st.sampled_from(ANY_SCALAR)) + "\n"
    if draw(st.integers(0, 7)) == 0:
        text = "summary: |\n  First line.\n\n  Second paragraph.\n" + text.replace(
            "summary: Fuzzed.\n", "")
    return text


def _flow(data: object) -> str:
    if isinstance(data, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in data.items()) + "}"
    if isinstance(data, list):
        return "[" + ", ".join(_flow(v) for v in data) + "]"
    return str(data)


def test_the_base_partner_validates(folder: Path) -> None:
    """Most examples are this partner changed a little: it must itself be valid."""
    result = exercise(folder, ("\n".join(f"{k}: {_flow(v)}" for k, v in BASE.items())).encode())
    assert result.ok and [p.slug for p in result.partners] == ["fuzz-case"]


@seed(20261202)
@FUZZ
@given(partner_text())
def test_yaml_built_from_the_format_gives_diagnostics_not_exceptions(
    folder: Path, text: str
) -> None:
    exercise(folder, text.encode("utf-8", "surrogatepass"))


@seed(20261203)
@settings(FUZZ, max_examples=60)
@given(partner_text(), st.binary(max_size=12), st.integers(0, 400))
def test_nearly_valid_yaml_with_a_few_bytes_corrupted(
    folder: Path, text: str, noise: bytes, where: int
) -> None:
    raw = text.encode()
    where = min(where, len(raw))
    exercise(folder, raw[:where] + noise + raw[where:])


# --- the corpus of past finds ----------------------------------------------------------------

_EXPECT = re.compile(r"# expect: ([a-z-]+) at (\d+):(\d+)\n")


@pytest.mark.parametrize("case", sorted(CORPUS.glob("*.yml")), ids=lambda p: p.stem)
def test_every_past_find_gives_its_located_diagnostic(folder: Path, case: Path) -> None:
    raw = case.read_bytes()
    match = _EXPECT.match(raw.decode("utf-8", "replace"))
    assert match is not None, f"{case.name} must start with '# expect: CODE at LINE:COLUMN'"
    code, line, column = match.group(1), match.group(2), match.group(3)
    result = exercise(folder, raw)
    found = [(d.code, d.line, d.column) for d in result.diagnostics]
    assert (code, int(line), int(column)) in found, [d.format() for d in result.diagnostics]
    assert not result.ok


def test_a_file_of_nothing_but_unknown_keys_replays_in_bounded_time(folder: Path) -> None:
    text = "".join(f"k{i:x}: 1\n" for i in range(28_000))
    assert len(text) <= 256 * 1024
    result = exercise(folder, text.encode())
    assert sum(d.code == "unknown-key" for d in result.diagnostics) == 28_000
