"""A seeded generator of realistic synthetic partner folders, for benchmarks and load tests.

``python benchmarks/synthetic.py OUT_DIR COUNT [--seed N]`` writes program.yml and COUNT
partner files (some with SVG logos) with about ten years of history each.
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "partners" / "program.yml"
HEADER = "# yaml-language-server: $schema=../schema/partner.schema.json\n"

SERVICES = (
    "assessment",
    "migration",
    "integration",
    "implementation",
    "education",
    "optimization",
    "managed-services",
    "security-compliance",
)
INDUSTRIES = (
    "financial-services",
    "public-sector",
    "healthcare",
    "telecommunications",
    "manufacturing",
    "retail",
    "technology",
    "education",
)
COURSES = (
    "gitlab-fundamentals",
    "gitlab-ci-cd",
    "gitlab-security-essentials",
    "gitlab-project-management",
    "gitlab-administration",
    "gitlab-advanced-ci-cd",
)
PLACES = (
    ("US", "Austin", "en"),
    ("US", "Seattle", "en"),
    ("CA", "Toronto", "fr"),
    ("BR", "São Paulo", "pt"),
    ("MX", "Monterrey", "es"),
    ("AR", "Córdoba", "es"),
    ("DE", "Munich", "de"),
    ("FR", "Lyon", "fr"),
    ("GB", "Leeds", "en"),
    ("NL", "Utrecht", "nl"),
    ("SE", "Malmö", "sv"),
    ("PL", "Kraków", "pl"),
    ("ZA", "Cape Town", "en"),
    ("AE", "Dubai", "ar"),
    ("IN", "Pune", "hi"),
    ("JP", "Osaka", "ja"),
    ("AU", "Perth", "en"),
    ("SG", "Singapore", "en"),
    ("KR", "Busan", "ko"),
    ("NZ", "Wellington", "en"),
)
WORDS = (
    "Agile",
    "Apex",
    "Beacon",
    "Blue",
    "Bright",
    "Cedar",
    "Cloud",
    "Cobalt",
    "Delta",
    "Ember",
    "Forge",
    "Granite",
    "Harbor",
    "Iron",
    "Juniper",
    "Keystone",
    "Lumen",
    "Meridian",
    "North",
    "Orbit",
    "Pine",
    "Quartz",
    "River",
    "Summit",
    "Tidal",
    "Union",
    "Vector",
    "Willow",
    "Zenith",
)
SUFFIXES = ("DevOps", "Systems", "Consulting", "Labs", "Engineering", "Solutions", "Digital")
FORMS = ("GmbH", "Ltd", "Inc.", "S.A.", "B.V.", "AB", "Pty Ltd", "KK", "")
START = date(2015, 1, 1)
END = date(2026, 11, 1)


def _day(rng: random.Random, start: date = START, end: date = END) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def partner_yaml(index: int, rng: random.Random) -> tuple[str, str, bool]:
    """One partner file's text, its slug, and whether it has a logo."""
    name = (
        f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)} {rng.choice(FORMS)}"
    ).strip() + f" {index}"
    slug = "-".join(name.lower().replace(".", "").split())
    country, city, language = rng.choice(PLACES)
    has_logo = rng.random() < 0.6
    joined = _day(rng, START, date(2024, 1, 1))
    lines = [
        HEADER,
        f"name: {name}\n",
        f"website: https://{slug}.example\n",
        "summary: >\n",
        f"  {name} helps {rng.choice(INDUSTRIES).replace('-', ' ')} teams plan, build and run "
        "their software delivery on the platform, from the first assessment to daily operations.\n",
    ]
    if has_logo:
        lines.append(f"logo: {slug}.svg\n")
    lines.append(f"headquarters: {{country: {country}, city: {city}}}\n")
    if rng.random() < 0.4:
        other = rng.choice(PLACES)
        lines.append(f"locations:\n  - {{country: {other[0]}, city: {other[1]}}}\n")
    languages = sorted({"en", language})
    lines.append(f"languages: [{', '.join(languages)}]\n")
    lines.append(f"industries: [{', '.join(sorted(rng.sample(INDUSTRIES, rng.randint(1, 3))))}]\n")
    lines.append(f"services: [{', '.join(rng.sample(SERVICES, rng.randint(1, 5)))}]\n")
    lines.append(f"contact: {{email: partners@{slug}.example}}\n")
    tier = rng.choice(("open", "select", "distribution"))
    lines.append("tracks:\n")
    if rng.random() < 0.5:
        switch = _day(rng, joined + timedelta(days=200), END)
        lines.append(f"  - {{tier: open, from: {joined}, to: {switch - timedelta(days=1)}}}\n")
        lines.append(f"  - {{tier: {tier}, from: {switch}}}\n")
    else:
        lines.append(f"  - {{tier: {tier}, from: {joined}}}\n")
    if rng.random() < 0.2:
        start = _day(rng, joined, END)
        lines.append(
            "noncompliance:\n"
            f"  - {{from: {start}, to: {start + timedelta(days=rng.randint(5, 120))}, "
            "reason: annual plan overdue}\n"
        )
    practices = rng.sample(("professional-services", "training"), rng.randint(0, 2))
    lines.append(f"practices: [{', '.join(sorted(practices))}]\n")
    lines.append("people:\n")
    for person in range(rng.randint(2, 10)):
        hired = _day(rng, joined, END)
        lines.append(f"  - id: p-{person:03d}\n    employed: {{from: {hired}")
        if rng.random() < 0.25:
            lines.append(f", to: {_day(rng, hired, END)}")
        lines.append("}\n    certifications:\n")
        if rng.random() < 0.7:
            lines.append(f"      - {{type: pse, earned: {_day(rng, hired, END)}}}\n")
        for course in rng.sample(COURSES, rng.choice((0, 0, 1, 2))):
            earned = _day(rng, hired, END)
            expires = f", expires: {earned + timedelta(days=730)}" if rng.random() < 0.3 else ""
            lines.append(
                f"      - {{type: trainer, earned: {earned}{expires}, course: {course}}}\n"
            )
        if lines[-1].endswith("certifications:\n"):
            lines[-1] = lines[-1].replace("\n    certifications:\n", "\n")
    lines.append("engagements:\n")
    for number in range(rng.randint(2, 16)):
        contract = _day(rng, joined, END)
        lines.append(f"  - id: e-{number:03d}\n    contract: {contract}\n")
        offset = 0
        for kpi, typical in (
            ("infrastructure_ready", 25),
            ("first_value", 30),
            ("outcome_achieved", 150),
        ):
            if rng.random() < 0.9:
                offset += rng.randint(1, typical * 2)
                lines.append(f"    {kpi}: {contract + timedelta(days=offset)}\n")
    trainings = []
    for _ in range(rng.randint(0, 8)):
        scores = ", ".join(str(rng.choice((3, 4, 4, 5, 5, 5))) for _ in range(rng.randint(3, 12)))
        trainings.append(
            f"  - {{course: {rng.choice(COURSES)}, delivered: {_day(rng, joined, END)}, "
            f"scores: [{scores}]}}\n"
        )
    if trainings:
        lines += ["trainings:\n", *trainings]
    if rng.random() < 0.05:
        lines.append(f"legacy_grants: {{psp: {_day(rng, date(2019, 1, 1), date(2021, 6, 1))}}}\n")
    return "".join(lines), slug, has_logo


def logo_svg(slug: str, rng: random.Random) -> str:
    """A small, safe SVG logo."""
    hue = rng.randrange(360)
    initials = "".join(part[0] for part in slug.split("-")[:2]).upper()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img">'
        f'<rect width="64" height="64" rx="12" fill="hsl({hue} 60% 40%)"/>'
        f'<text x="32" y="41" font-family="sans-serif" font-size="24" fill="#fff" '
        f'text-anchor="middle">{initials}</text></svg>\n'
    )


def write_partners(folder: Path, count: int, seed: int = 1) -> None:
    """Write program.yml and ``count`` partner files (and their logos) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROGRAM, folder / "program.yml")
    rng = random.Random(seed)
    for index in range(count):
        text, slug, has_logo = partner_yaml(index, rng)
        (folder / f"{slug}.yml").write_text(text, encoding="utf-8")
        if has_logo:
            (folder / f"{slug}.svg").write_text(logo_svg(slug, rng), encoding="utf-8")


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_partners(args.out, args.count, args.seed)


if __name__ == "__main__":
    main()
