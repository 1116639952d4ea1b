"""The shapes of a partner file and of the program definition, as frozen pydantic models.

Models check shape only: keys, types, lengths, date syntax. Whether an id exists in the
program, whether intervals overlap and similar questions of meaning are answered in
``generator.checks``, which can point at the exact value.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
KEBAB_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


#: The days a file may name. Rules add months and years to dates, and the last day Python can
#: hold is 9999-12-31, so a year is kept in hand at the top.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9998, 12, 31)


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        return _in_range(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "bad_date", "'{value}' is not a real date", {"value": value}
            ) from None
        return _in_range(day)
    raise PydanticCustomError(
        "bad_date", "expected a date written YYYY-MM-DD, got {value}", {"value": repr(value)}
    )


def _in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PydanticCustomError(
            "date_range",
            "{value} is outside the days a file may name ({first} to {last})",
            {"value": str(day), "first": str(FIRST_DAY), "last": str(LAST_DAY)},
        )
    return day


#: A calendar day written ``YYYY-MM-DD`` (YAML timestamps are kept as text until here).
IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    Field(json_schema_extra={"type": "string", "format": "date"}),
]
Text = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1)]
KebabId = Annotated[str, StringConstraints(pattern=KEBAB_PATTERN, min_length=1, max_length=64)]
Kpi = Literal["infrastructure_ready", "first_value", "outcome_achieved"]
KPIS: tuple[Kpi, ...] = ("infrastructure_ready", "first_value", "outcome_achieved")


class Strict(BaseModel):
    """Frozen, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False, populate_by_name=True)


# --- partner files -------------------------------------------------------------------------


class Place(Strict):
    """An office: ISO 3166-1 alpha-2 country and a city."""

    country: Annotated[str, StringConstraints(min_length=1, max_length=8)]
    city: Annotated[str, StringConstraints(min_length=1, max_length=80)]


class Contact(Strict):
    """Public contact details."""

    email: Annotated[str, StringConstraints(min_length=3, max_length=254)] | None = None
    phone: Annotated[str, StringConstraints(min_length=3, max_length=40)] | None = None


class Track(Strict):
    """A period in one program tier; ``to`` inclusive, absent while it lasts."""

    tier: str
    from_: IsoDate = Field(alias="from")
    to: IsoDate | None = None


class Period(Strict):
    """A closed period, both ends inclusive, with a private reason."""

    from_: IsoDate = Field(alias="from")
    to: IsoDate
    reason: Annotated[str, StringConstraints(max_length=300)] | None = None


class Employment(Strict):
    """When a person works for the partner; ``to`` inclusive, absent while employed."""

    from_: IsoDate = Field(alias="from")
    to: IsoDate | None = None


class Certification(Strict):
    """A certification a person holds; invalid from ``expires`` on."""

    type: str
    earned: IsoDate
    expires: IsoDate | None = None
    course: str | None = None


class Person(Strict):
    """A practitioner. The id is pseudonymous and never published."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    employed: Employment
    certifications: tuple[Certification, ...] = ()


class Engagement(Strict):
    """A customer engagement with its Time-to-Value dates (each absent until reached)."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    contract: IsoDate
    infrastructure_ready: IsoDate | None = None
    first_value: IsoDate | None = None
    outcome_achieved: IsoDate | None = None

    def kpi(self, name: Kpi) -> date | None:
        """The date a KPI was reached, or None."""
        value: date | None = getattr(self, name)
        return value


class Training(Strict):
    """A delivered course and its survey scores (1 to 5)."""

    course: str
    delivered: IsoDate
    scores: tuple[Annotated[int, Field(ge=1, le=5, strict=True)], ...] = Field(min_length=1)


#: An e-mail address as written; ``generator.checks`` validates it with ``email-validator``.
EmailText = Annotated[
    str,
    StringConstraints(min_length=3, max_length=254),
    Field(json_schema_extra={"format": "email"}),
]


class ProgramContacts(Strict):
    """Whom the program team writes to about the partner's badges. Private: never published."""

    partner: tuple[EmailText, ...] = Field(default=(), max_length=20)
    cam: EmailText | None = None


class Partner(Strict):
    """One partner file. ``slug`` comes from the file name, never from the file."""

    slug: str = Field(exclude=True, json_schema_extra={"readOnly": True})
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    website: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    summary: Annotated[str, StringConstraints(min_length=1, max_length=600)]
    logo: str | None = None
    headquarters: Place
    locations: tuple[Place, ...] = ()
    languages: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    services: tuple[str, ...] = Field(min_length=1)
    contact: Contact | None = None
    tracks: tuple[Track, ...] = Field(min_length=1)
    noncompliance: tuple[Period, ...] = ()
    practices: tuple[str, ...] = ()
    people: tuple[Person, ...] = ()
    engagements: tuple[Engagement, ...] = ()
    trainings: tuple[Training, ...] = ()
    legacy_grants: dict[str, IsoDate] = Field(default_factory=dict)
    program_contacts: ProgramContacts | None = None


# --- the program ---------------------------------------------------------------------------


class Entry(Strict):
    """Anything the program names: an id, a display name and a short description."""

    id: KebabId
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    description: Annotated[str, StringConstraints(max_length=600)] = ""


class Region(Entry):
    """A region and the ISO countries it covers."""

    countries: tuple[str, ...] = Field(min_length=1)


class CertificationType(Entry):
    """A practitioner certification; ``per_course`` ones name the course they cover."""

    abbreviation: Annotated[str, StringConstraints(min_length=1, max_length=12)]
    per_course: StrictBool = False


class Grandfather(Strict):
    """Badges granted before ``granted_before`` are exempt until ``enforced_from``."""

    granted_before: IsoDate
    enforced_from: IsoDate


class TierRequirement(Strict):
    """Compliant in one of the tiers."""

    kind: Literal["tier"]
    tiers: tuple[str, ...] = Field(min_length=1)


class PracticeRequirement(Strict):
    """The partner declares the practice."""

    kind: Literal["practice"]
    id: str


class CertifiedRequirement(Strict):
    """At least ``at_least`` employed people hold a valid certification."""

    kind: Literal["certified"]
    certification: str
    at_least: StrictInt = Field(ge=1)
    grandfather: Grandfather | None = None


class CoursesRequirement(Strict):
    """At least ``at_least`` distinct courses covered by valid per-course certifications."""

    kind: Literal["courses"]
    at_least: StrictInt = Field(ge=1)
    certification: str = "trainer"


class TimeToValueRequirement(Strict):
    """Share of engagements meeting each Time-to-Value target within a rolling window."""

    kind: Literal["time_to_value"]
    window_days: StrictInt = Field(ge=1, le=3660)
    at_least: StrictInt | StrictFloat = Field(ge=0, le=1)
    targets: dict[Kpi, Annotated[StrictInt, Field(ge=0, le=3660)]] = Field(min_length=1)


class CsatRequirement(Strict):
    """Share of survey scores of 4 or 5 within a rolling window."""

    kind: Literal["csat"]
    window_days: StrictInt = Field(ge=1, le=3660)
    at_least: StrictInt | StrictFloat = Field(ge=0, le=1)


Requirement = Annotated[
    TierRequirement
    | PracticeRequirement
    | CertifiedRequirement
    | CoursesRequirement
    | TimeToValueRequirement
    | CsatRequirement,
    Field(discriminator="kind"),
]
REQUIREMENT_KINDS: tuple[str, ...] = (
    "tier",
    "practice",
    "certified",
    "courses",
    "time_to_value",
    "csat",
)


class ReviewPolicy(Strict):
    """How often a badge is reviewed, how long grace lasts, when evidence is due."""

    every_months: StrictInt = Field(ge=1, le=120)
    grace_months: StrictInt = Field(ge=0, le=24)
    evidence_due_months: StrictInt = Field(ge=0, le=12)


class Badge(Entry):
    """A service partner badge and its requirements, in the order they are reported."""

    abbreviation: Annotated[str, StringConstraints(min_length=1, max_length=12)]
    review: ReviewPolicy
    requirements: tuple[Requirement, ...] = Field(min_length=1)


class Notices(Strict):
    """Who badge notices come from and where their links and Message-IDs point (SPEC §8)."""

    sender: EmailText
    reply_to: EmailText
    team: EmailText
    message_id_domain: Annotated[str, StringConstraints(min_length=1, max_length=253)]
    site_url: Annotated[str, StringConstraints(min_length=1, max_length=300)]


class Program(Strict):
    """The program definition: the single source of every id and of the badge rules."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    summary: Annotated[str, StringConstraints(min_length=1, max_length=1200)]
    tiers: tuple[Entry, ...] = Field(min_length=1)
    regions: tuple[Region, ...] = Field(min_length=1)
    services: tuple[Entry, ...] = Field(min_length=1)
    industries: tuple[Entry, ...] = Field(min_length=1)
    certifications: tuple[CertificationType, ...] = Field(min_length=1)
    courses: tuple[Entry, ...] = Field(min_length=1)
    practices: tuple[Entry, ...] = Field(min_length=1)
    badges: tuple[Badge, ...] = Field(min_length=1)
    notices: Notices | None = None

    @cached_property
    def _regions_by_country(self) -> dict[str, Region]:
        return {country: region for region in self.regions for country in region.countries}

    def region_of(self, country: str) -> Region | None:
        """The region that covers a country."""
        return self._regions_by_country.get(country)
