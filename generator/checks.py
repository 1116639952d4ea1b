"""Checks of meaning: ids the program defines, ISO codes, URLs, intervals, logos.

Each check is a plain function returning ``Problem`` values located by ``loc``; the loader
turns them into diagnostics with lines. Nothing here raises for bad data.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import xml.parsers.expat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pycountry

from generator.diagnostics import Diagnostic, Loc, Problem
from generator.model import (
    KPIS,
    CertifiedRequirement,
    CoursesRequirement,
    Partner,
    PracticeRequirement,
    Program,
    TierRequirement,
)

MAX_LOGO_BYTES = 256 * 1024
LOGO_SUFFIXES = (".svg", ".png")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: An e-mail address as ``validate`` accepts it; the editor schema states the same pattern.
EMAIL_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$"
_EMAIL_RE = re.compile(EMAIL_PATTERN)
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@cache
def iso_countries() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def iso_languages() -> frozenset[str]:
    """Every ISO 639-1 (two-letter) language code."""
    return frozenset(
        code for lang in pycountry.languages if (code := getattr(lang, "alpha_2", None))
    )


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for a close choice, or nothing."""
    close = difflib.get_close_matches(value, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def check_slug(slug: str) -> str | None:
    """Why a file stem is not a valid slug, or None."""
    if not 2 <= len(slug) <= 64:
        return f"slug '{slug}' must be 2 to 64 characters long (it is {len(slug)})"
    if not SLUG_RE.match(slug):
        return (
            f"slug '{slug}' may only use lowercase letters, digits and single hyphens "
            "between them; rename the file"
        )
    return None


def check_http_url(value: str) -> str | None:
    """Why a link from data is not a plain http(s) URL, or None."""
    if any(ch.isspace() for ch in value):
        return f"'{value}' is not a URL: it contains white space"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        return f"'{value}' must be an http:// or https:// URL"
    if not parts.hostname or "." not in parts.hostname:
        return f"'{value}' has no host name"
    if parts.username or parts.password:
        return f"'{value}' must not carry a user name or password"
    return None


@dataclass(frozen=True)
class ProgramIds:
    """The ids a partner file may use, read from the program."""

    tiers: frozenset[str]
    services: frozenset[str]
    industries: frozenset[str]
    certifications: frozenset[str]
    per_course: frozenset[str]
    courses: frozenset[str]
    practices: frozenset[str]
    badges: frozenset[str]

    @classmethod
    def of(cls, program: Program) -> ProgramIds:
        """Collect the ids of a program."""
        return cls(
            tiers=frozenset(t.id for t in program.tiers),
            services=frozenset(s.id for s in program.services),
            industries=frozenset(i.id for i in program.industries),
            certifications=frozenset(c.id for c in program.certifications),
            per_course=frozenset(c.id for c in program.certifications if c.per_course),
            courses=frozenset(c.id for c in program.courses),
            practices=frozenset(p.id for p in program.practices),
            badges=frozenset(b.id for b in program.badges),
        )


def _unknown(loc: Loc, what: str, value: str, known: frozenset[str]) -> Iterator[Problem]:
    if value not in known:
        yield Problem(
            loc,
            "unknown-id",
            f"unknown {what} '{value}'{did_you_mean(value, known)}"
            f" (known: {', '.join(sorted(known))})",
        )


def _ids(loc: Loc, what: str, values: Sequence[str], known: frozenset[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        yield from _unknown((*loc, index), what, value, known)
        if value in seen:
            yield Problem((*loc, index), "duplicate-value", f"{what} '{value}' is listed twice")
        seen.add(value)


def _country(loc: Loc, value: str) -> Iterator[Problem]:
    if value in iso_countries():
        return
    hint = f"; did you mean '{value.upper()}'?" if value.upper() in iso_countries() else ""
    yield Problem(
        loc,
        "country-code",
        f"'{value}' is not an ISO 3166-1 alpha-2 country code{hint}",
    )


def _ordered(
    loc: Loc, start: date, end: date | None, start_key: str = "from", end_key: str = "to"
) -> Iterator[Problem]:
    if end is not None and end < start:
        yield Problem(
            (*loc, end_key),
            "interval-order",
            f"'{end_key}' {end} is before '{start_key}' {start}",
        )


#: The 1-based number a list item has in the file: (list key, index in the checked list).
Numbering = Callable[[str, int], int]


def _as_written(_key: str, index: int) -> int:
    return index + 1


def check_partner(
    partner: Partner, ids: ProgramIds | None, number: Numbering = _as_written
) -> list[Problem]:
    """Every problem of meaning in one validated partner file.

    ``number`` gives the item numbers messages cite, when the checked lists are the file's
    lists with broken items left out.
    """
    return list(_partner_problems(partner, ids, number))


def visible(text: str) -> str:
    """Text as a reader sees it: NFKC, invisible format characters removed, spaces collapsed."""
    normal = unicodedata.normalize("NFKC", text)
    return " ".join("".join(c for c in normal if unicodedata.category(c) != "Cf").split())


def name_key(name: str) -> str:
    """What makes two partner names the same: case, spacing and invisible characters aside."""
    return visible(name).casefold()


def _partner_problems(p: Partner, ids: ProgramIds | None, number: Numbering) -> Iterator[Problem]:
    for key in ("name", "summary"):
        if not visible(getattr(p, key)):
            yield Problem((key,), "too-short", f"'{key}' has no visible text")
    if (why := check_http_url(p.website)) is not None:
        yield Problem(("website",), "url", why)
    email = p.contact.email if p.contact is not None else None
    if email is not None and not _EMAIL_RE.match(email):
        yield Problem(("contact", "email"), "email", f"'{email}' is not an e-mail address")
    yield from _country(("headquarters", "country"), p.headquarters.country)
    for index, place in enumerate(p.locations):
        yield from _country(("locations", index, "country"), place.country)
    seen_languages: set[str] = set()
    for index, language in enumerate(p.languages):
        if language not in iso_languages():
            hint = (
                f"; did you mean '{language.lower()}'?"
                if language.lower() in iso_languages()
                else ""
            )
            yield Problem(
                ("languages", index),
                "language-code",
                f"'{language}' is not an ISO 639-1 language code{hint}",
            )
        elif language in seen_languages:
            yield Problem(
                ("languages", index), "duplicate-value", f"language '{language}' is listed twice"
            )
        seen_languages.add(language)

    yield from _intervals(p, number)
    yield from _people(p, ids, number)
    yield from _engagements(p, number)

    if ids is None:
        return
    yield from _ids(("services",), "service", p.services, ids.services)
    yield from _ids(("industries",), "industry", p.industries, ids.industries)
    yield from _ids(("practices",), "practice", p.practices, ids.practices)
    for index, track in enumerate(p.tracks):
        yield from _unknown(("tracks", index, "tier"), "tier", track.tier, ids.tiers)
    for index, training in enumerate(p.trainings):
        yield from _unknown(("trainings", index, "course"), "course", training.course, ids.courses)
    for badge in p.legacy_grants:
        if badge not in ids.badges:
            yield Problem(
                ("legacy_grants", badge),
                "unknown-id",
                f"unknown badge '{badge}'{did_you_mean(badge, ids.badges)}",
                at_key=True,
            )


def _intervals(p: Partner, number: Numbering) -> Iterator[Problem]:
    previous_end: date | None = None
    for index, track in enumerate(p.tracks):
        loc: Loc = ("tracks", index)
        yield from _ordered(loc, track.from_, track.to)
        if index > 0:
            prev = p.tracks[index - 1]
            this, before = number("tracks", index), number("tracks", index - 1)
            if previous_end is None:
                yield Problem(
                    (*loc, "from"),
                    "interval-overlap",
                    f"track {this} starts while track {before} (from {prev.from_}) "
                    "has no end; give track "
                    f"{before} a 'to' date",
                )
            elif track.from_ <= previous_end:
                order = "overlaps" if track.from_ >= prev.from_ else "is out of order with"
                yield Problem(
                    (*loc, "from"),
                    "interval-overlap",
                    f"track {this} (from {track.from_}) {order} track {before} "
                    f"({prev.from_} to {previous_end}); tracks are sorted and may not overlap",
                )
        previous_end = track.to
    for index, period in enumerate(p.noncompliance):
        yield from _ordered(("noncompliance", index), period.from_, period.to)


def _people(p: Partner, ids: ProgramIds | None, number: Numbering) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, person in enumerate(p.people):
        loc: Loc = ("people", index)
        if person.id in seen:
            yield Problem(
                (*loc, "id"),
                "duplicate-id",
                f"person id '{person.id}' is used twice "
                f"(first in people item {number('people', seen[person.id])})",
            )
        seen.setdefault(person.id, index)
        yield from _ordered((*loc, "employed"), person.employed.from_, person.employed.to)
        for c_index, cert in enumerate(person.certifications):
            c_loc: Loc = (*loc, "certifications", c_index)
            if cert.expires is not None and cert.expires <= cert.earned:
                yield Problem(
                    (*c_loc, "expires"),
                    "interval-order",
                    f"'expires' {cert.expires} must be after 'earned' {cert.earned}",
                )
            if ids is None:
                continue
            yield from _unknown((*c_loc, "type"), "certification", cert.type, ids.certifications)
            if cert.type in ids.per_course and cert.course is None:
                yield Problem(
                    (*c_loc, "type"),
                    "missing-course",
                    f"a '{cert.type}' certification names the course it covers: add 'course'",
                )
            elif cert.course is not None:
                if cert.type in ids.certifications and cert.type not in ids.per_course:
                    yield Problem(
                        (*c_loc, "course"),
                        "unexpected-course",
                        f"a '{cert.type}' certification does not name a course",
                    )
                else:
                    yield from _unknown((*c_loc, "course"), "course", cert.course, ids.courses)


def _engagements(p: Partner, number: Numbering) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, engagement in enumerate(p.engagements):
        loc: Loc = ("engagements", index)
        if engagement.id in seen:
            yield Problem(
                (*loc, "id"),
                "duplicate-id",
                f"engagement id '{engagement.id}' is used twice "
                f"(first in engagements item {number('engagements', seen[engagement.id])})",
            )
        seen.setdefault(engagement.id, index)
        for kpi in KPIS:
            reached = engagement.kpi(kpi)
            if reached is not None and reached < engagement.contract:
                yield Problem(
                    (*loc, kpi),
                    "kpi-before-contract",
                    f"'{kpi}' {reached} is before the contract date {engagement.contract}",
                )


# --- logos ---------------------------------------------------------------------------------


def check_logo(partner: Partner, folder: Path, display_folder: str) -> list[Problem | Diagnostic]:
    """Problems with a partner's logo file; SVG content problems point into the SVG itself."""
    if partner.logo is None:
        return []
    loc: Loc = ("logo",)
    logo = partner.logo
    if "/" in logo or "\\" in logo or logo.startswith("."):
        return [Problem(loc, "logo", f"logo '{logo}' must be a file name beside the partner file")]
    suffix = Path(logo).suffix.lower()
    if suffix not in LOGO_SUFFIXES:
        return [Problem(loc, "logo-type", f"logo '{logo}' must be an .svg or .png file")]
    if Path(logo).stem != partner.slug:
        return [
            Problem(
                loc,
                "logo",
                f"logo '{logo}' must be named after the partner file: '{partner.slug}{suffix}'",
            )
        ]
    path = folder / logo
    if not path.is_file():
        return [Problem(loc, "logo-missing", f"logo file '{logo}' does not exist beside the file")]
    raw = path.read_bytes()
    if len(raw) > MAX_LOGO_BYTES:
        return [
            Problem(
                loc,
                "logo-size",
                f"logo '{logo}' is {len(raw):,} bytes; the limit is {MAX_LOGO_BYTES:,} bytes",
            )
        ]
    if suffix == ".png":
        if not raw.startswith(_PNG_MAGIC):
            return [Problem(loc, "logo-type", f"logo '{logo}' is not a PNG image")]
        return []
    if raw.startswith(_PNG_MAGIC):
        return [Problem(loc, "logo-type", f"logo '{logo}' is a PNG image: rename it to .png")]
    return list(check_svg(f"{display_folder}/{logo}", raw))


_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
#: Scripts and embedded documents, and animation, which can set an ``href`` or handler
#: (``<animate attributeName="href" values="javascript:…">``) after the file is checked.
_UNSAFE_ELEMENTS = frozenset({
    "script", "foreignObject", "iframe", "embed", "object",
    "animate", "set", "animateMotion", "animateTransform", "animateColor", "discard",
})
_URL_REF = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


def check_svg(path: str, raw: bytes) -> Iterator[Diagnostic]:
    """An SVG must be well-formed and carry no scripts, event handlers or external references."""
    head = raw[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in raw.upper():
        yield Diagnostic(
            path, 1, 1, "svg-unsafe", "SVG logo must not declare a DOCTYPE or entities"
        )
        return
    found: list[Diagnostic] = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    depth = 0
    in_style = False

    def at(code: str, message: str) -> None:
        found.append(
            Diagnostic(
                path, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1, code, message
            )
        )

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, in_style
        namespace, _, local = name.rpartition(" ")
        if depth == 0 and (local != "svg" or namespace != _SVG_NS):
            at(
                "svg-malformed",
                f"the root element must be <svg> in the SVG namespace, not <{local}>",
            )
        depth += 1
        in_style = local == "style"
        if local in _UNSAFE_ELEMENTS:
            at("svg-unsafe", f"SVG logo must not contain a <{local}> element")
        for attr, value in attributes.items():
            attr_ns, _, attr_local = attr.rpartition(" ")
            if attr_local.lower().startswith("on"):
                at("svg-unsafe", f"SVG logo must not carry event handlers ('{attr_local}')")
            elif attr_local == "href" and attr_ns in ("", _XLINK_NS):
                if not value.strip().startswith("#"):
                    at("svg-unsafe", f"SVG logo must not reference '{value}'; only '#id' links")
            else:
                _check_urls(value, at)

    def end(_name: str) -> None:
        nonlocal in_style
        in_style = False

    def text(data: str) -> None:
        if in_style:
            if "@import" in data:
                at("svg-unsafe", "SVG logo style must not @import")
            _check_urls(data, at)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(raw, True)
    except xml.parsers.expat.ExpatError as exc:
        yield Diagnostic(
            path,
            exc.lineno,
            exc.offset + 1,
            "svg-malformed",
            f"SVG logo is not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}",
        )
        return
    yield from found


def _check_urls(value: str, at: object) -> None:
    for match in _URL_REF.finditer(value):
        target = match.group(1)
        if not target.startswith("#"):
            at("svg-unsafe", f"SVG logo must not reference '{target}'; only 'url(#id)'")  # type: ignore[operator]


# --- the program ---------------------------------------------------------------------------


def check_program(program: Program) -> list[Problem]:
    """Problems of meaning in program.yml: duplicate ids, regions, requirement parameters."""
    return list(_program_problems(program))


def _program_problems(program: Program) -> Iterator[Problem]:
    lists = {
        "tiers": program.tiers,
        "regions": program.regions,
        "services": program.services,
        "industries": program.industries,
        "certifications": program.certifications,
        "courses": program.courses,
        "practices": program.practices,
        "badges": program.badges,
    }
    for key, entries in lists.items():
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if entry.id in seen:
                yield Problem(
                    (key, index, "id"), "duplicate-id", f"{key} id '{entry.id}' is used twice"
                )
            seen.add(entry.id)
    owner: dict[str, str] = {}
    for r_index, region in enumerate(program.regions):
        for c_index, country in enumerate(region.countries):
            loc: Loc = ("regions", r_index, "countries", c_index)
            if country not in iso_countries():
                yield from _country(loc, country)
            elif country in owner:
                yield Problem(
                    loc,
                    "region-overlap",
                    f"country {country} is already in region '{owner[country]}'",
                )
            else:
                owner[country] = region.id
    missing = sorted(iso_countries() - owner.keys())
    if missing:
        shown = ", ".join(missing[:12]) + (", …" if len(missing) > 12 else "")
        yield Problem(
            ("regions",),
            "region-missing",
            f"{len(missing)} ISO countries belong to no region: {shown}",
            at_key=True,
        )
    ids = ProgramIds.of(program)
    for b_index, badge in enumerate(program.badges):
        seen_kinds: set[str] = set()
        for q_index, req in enumerate(badge.requirements):
            loc = ("badges", b_index, "requirements", q_index)
            if req.kind in seen_kinds:
                yield Problem(
                    (*loc, "kind"),
                    "duplicate-kind",
                    f"badge '{badge.id}' lists requirement kind '{req.kind}' twice",
                )
            seen_kinds.add(req.kind)
            if isinstance(req, TierRequirement):
                yield from _ids((*loc, "tiers"), "tier", req.tiers, ids.tiers)
            elif isinstance(req, PracticeRequirement):
                yield from _unknown((*loc, "id"), "practice", req.id, ids.practices)
            elif isinstance(req, CertifiedRequirement):
                yield from _unknown(
                    (*loc, "certification"), "certification", req.certification, ids.certifications
                )
                gf = req.grandfather
                if gf is not None and gf.enforced_from < gf.granted_before:
                    yield Problem(
                        (*loc, "grandfather", "enforced_from"),
                        "interval-order",
                        f"'enforced_from' {gf.enforced_from} is before "
                        f"'granted_before' {gf.granted_before}",
                    )
            elif isinstance(req, CoursesRequirement):
                if req.certification not in ids.per_course:
                    yield Problem(
                        (*loc, "certification"),
                        "unknown-id",
                        f"'{req.certification}' is not a per-course certification"
                        f"{did_you_mean(req.certification, ids.per_course)}",
                    )
                elif req.at_least > len(ids.courses):
                    yield Problem(
                        (*loc, "at_least"),
                        "unreachable",
                        f"at_least {req.at_least} is more than the {len(ids.courses)} courses "
                        "the program defines",
                    )
