"""Checks of meaning: ids the program defines, ISO codes, URLs, intervals.

Each check is a plain function returning ``Problem`` values located by ``loc``; the loader
turns them into diagnostics with lines. Nothing here raises for bad data.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from urllib.parse import urlsplit

import pycountry
from email_validator import EmailNotValidError, validate_email

from generator.diagnostics import Loc, Problem
from generator.model import (
    KPIS,
    CertifiedRequirement,
    CoursesRequirement,
    Partner,
    PracticeRequirement,
    Program,
    TierRequirement,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: An e-mail address as ``validate`` accepts it; the editor schema states the same pattern.
EMAIL_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$"
_EMAIL_RE = re.compile(EMAIL_PATTERN)
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


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


#: Slugs whose address (``/partners/<slug>/``) belongs to a page of the site itself.
RESERVED_SLUGS = {"compare": "compare page, /partners/compare/"}


def check_slug(slug: str) -> str | None:
    """Why a file stem is not a valid slug, or None."""
    if not 2 <= len(slug) <= 64:
        return f"slug '{slug}' must be 2 to 64 characters long (it is {len(slug)})"
    if not SLUG_RE.match(slug):
        return (
            f"slug '{slug}' may only use lowercase letters, digits and single hyphens "
            "between them; rename the file"
        )
    if slug in RESERVED_SLUGS:
        return f"slug '{slug}' is taken by the site's {RESERVED_SLUGS[slug]}; rename the file"
    return None


def check_http_url(value: str) -> str | None:
    """Why a link from data is not a plain http(s) URL, or None."""
    if any(ch.isspace() for ch in value):
        return f"'{value}' is not a URL: it contains white space"
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
        parts.port  # noqa: B018 - raises for a port that is not a number from 0 to 65535
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535", ...
        return f"'{value}' is not a URL that can be read: {_sentence(str(exc))}"
    if parts.scheme not in ("http", "https"):
        return f"'{value}' must be an http:// or https:// URL"
    if not hostname or "." not in hostname:
        return f"'{value}' has no host name"
    if parts.username or parts.password:
        return f"'{value}' must not carry a user name or password"
    return None


def _sentence(reason: str) -> str:
    """A library's reason as the tail of a sentence: first letter lowercase."""
    return reason[:1].lower() + reason[1:]


def check_email(value: str) -> str | None:
    """Why an address is not a real e-mail address (syntax only, no DNS look-up), or None."""
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"'{value}' is not an e-mail address: {exc}"
    return None


def _program_contacts(p: Partner) -> Iterator[Problem]:
    contacts = p.program_contacts
    if contacts is None:
        return
    seen: set[str] = set()
    for index, address in enumerate(contacts.partner):
        if (why := check_email(address)) is not None:
            yield Problem(("program_contacts", "partner", index), "program-contact", why)
        elif address.casefold() in seen:
            yield Problem(
                ("program_contacts", "partner", index),
                "duplicate-value",
                f"program contact '{address}' is listed twice",
            )
        seen.add(address.casefold())
    if contacts.cam is not None and (why := check_email(contacts.cam)) is not None:
        yield Problem(("program_contacts", "cam"), "program-contact", why)


def _notices_settings(program: Program) -> Iterator[Problem]:
    notices = program.notices
    if notices is None:
        return
    for key in ("sender", "reply_to", "team"):
        if (why := check_email(getattr(notices, key))) is not None:
            yield Problem(("notices", key), "email", why)
    if (why := check_http_url(notices.site_url)) is not None:
        yield Problem(("notices", "site_url"), "url", why)
    if not _DOMAIN_RE.match(notices.message_id_domain):
        yield Problem(
            ("notices", "message_id_domain"),
            "domain",
            f"'{notices.message_id_domain}' is not a domain name such as partners.example.com",
        )


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
    if text.isascii():  # NFKC leaves ASCII alone, and no ASCII character is a format one
        return " ".join(text.split())
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
    yield from _program_contacts(p)
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


# --- the program ---------------------------------------------------------------------------


def check_program(program: Program) -> list[Problem]:
    """Problems of meaning in program.yml: duplicate ids, regions, requirement parameters."""
    return list(_program_problems(program))


def _program_problems(program: Program) -> Iterator[Problem]:
    yield from _notices_settings(program)
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
    # A warning, not an error: a country that a new pycountry release adds must not stop
    # every build until the table is updated.
    missing = sorted(iso_countries() - owner.keys())
    if missing:
        shown = ", ".join(missing[:12]) + (", …" if len(missing) > 12 else "")
        count = (
            "1 ISO country belongs"
            if len(missing) == 1
            else f"{len(missing)} ISO countries belong"
        )
        yield Problem(
            ("regions",),
            "region-missing",
            f"{count} to no region: {shown}; partners there are shown without a region",
            at_key=True,
            severity="warning",
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
