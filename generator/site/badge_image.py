"""The embeddable badge image, ``partners/<slug>/badge.svg``, and the profile's embed section.

The image is drawn by the project from the catalog, never from partner content: the partner's
name (as text, escaped), the program's name, each badge held on the as-of day, or "Not a
service partner at present" when none is. The site is rebuilt every day, so an embed on a
partner's own site keeps telling the truth: a badge that lapses disappears from the image.

It is made to be read anywhere: an opaque white card with dark text (well above 4.5:1), badge
chips in the locator's colours with white text, and a mid-tone border that stands out from a
white page and from a dark one (at least 3:1 against both). It carries a ``<title>``, its
name for screen readers, and nothing that runs or fetches: no script, no style sheet, no
links, no external references.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from generator.catalog import CatalogEntry, HeldBadge
from generator.model import Program
from generator.site.common import DataFile
from generator.site.compare import COMPARE_SRC
from generator.site.urls import UrlStyle

WIDTH = 300
PAD = 12
#: The reader's own interface font; the widths below are generous enough for any of them.
FONT = "system-ui,sans-serif"
#: The card: white, with a border of luminance about 0.17 (4.9:1 on white, 3.3:1 on #1e2129).
BACKGROUND = "#ffffff"
BORDER = "#5c6bc0"
TEXT = "#1a1a1a"
PROGRAM_TEXT = "#303f9f"
CHIP_TEXT = "#ffffff"
#: Chip colours as on the locator's cards; other badges take the first.
CHIP = {"default": "#3949ab", "tsp": "#00695c"}
#: The handbook's section on the badge image (on the badges page).
BADGE_IMAGE_ANCHOR = "badge-image"
#: Words the image shows when nothing is held.
NONE_HELD = "Not a service partner at present"


def badge_file_path(slug: str) -> str:
    """Where a partner's badge image is published, relative to the site root."""
    return f"partners/{slug}/badge.svg"


def _char_width(char: str) -> float:
    """A generous width of one bold character in ems, so text never runs past the card.

    Measured against DejaVu Sans Bold, the widest of the common fallback fonts.
    """
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.05
    if unicodedata.combining(char):
        return 0.0
    if char in "WM":
        return 1.12
    if char in "mw@%":
        return 1.06
    if char.isdigit():
        return 0.72
    if char in "iljft.,:;'|! ()":
        return 0.42
    if char.isupper():
        return 0.8
    return 0.66


def fit(text: str, size: float, width: float) -> str:
    """``text``, cut with an ellipsis where it would be wider than ``width`` at ``size`` px."""
    total = sum(_char_width(c) for c in text) * size
    if total <= width:
        return text
    out = []
    used = 0.6 * size  # room for the ellipsis
    for char in text:
        used += _char_width(char) * size
        if used > width:
            break
        out.append(char)
    return "".join(out).rstrip() + "\u2026"


@dataclass(frozen=True)
class _Line:
    y: float
    text: str
    size: float
    fill: str
    weight: int = 400


def image_label(entry: CatalogEntry, program: Program) -> str:
    """What the image says, in one sentence, for its title and screen readers."""
    if not entry.held:
        return f"{entry.name} is not a service partner of the {program.name} at present."
    names = [h.badge.name for h in entry.held]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    noun = "badge" if len(names) == 1 else "badges"
    return f"{entry.name} holds the {listed} {noun} of the {program.name}."


def badge_svg(entry: CatalogEntry, program: Program) -> bytes:
    """The badge image of one partner, as SVG bytes.

    It names no day: the image changes only when what the partner holds does, so the daily
    rebuild leaves every other partner's image as it was (it is the profile, rebuilt with it,
    that says since when each badge is held)."""
    inner = WIDTH - 2 * PAD
    lines = [
        _Line(PAD + 13, fit(entry.name, 13.5, inner), 13.5, TEXT, 700),
        _Line(PAD + 31, fit(program.name, 11.5, inner), 11.5, PROGRAM_TEXT, 600),
    ]
    chips: list[tuple[float, HeldBadge]] = []
    y = PAD + 42.0
    if entry.held:
        for held in entry.held:
            chips.append((y, held))
            y += 26
    else:
        lines.append(_Line(y + 14, fit(NONE_HELD, 13, inner), 13, TEXT, 600))
        y += 24
    height = int(y + PAD - 6)
    label = escape(image_label(entry, program))

    # The group carries what most texts share (font, the badge names' size, weight and
    # colour); a text names only what differs, and the title is the image's one name.
    group: dict[str, float | str] = {"font-size": 12.5, "font-weight": 600, "fill": TEXT}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img">',
        f"<title>{label}</title>",
        f'<rect x="1" y="1" width="{WIDTH - 2}" height="{height - 2}" rx="7" '
        f'fill="{BACKGROUND}" stroke="{BORDER}" stroke-width="2"/>',
        f'<g font-family="{escape(FONT)}" font-size="12.5" font-weight="600" fill="{TEXT}">',
    ]
    for line in lines:
        out.append(_text(PAD, line.y, line.text, group, size=line.size, fill=line.fill,
                         weight=line.weight))
    for top, held in chips:
        chip_width = max(34.0, 12 + sum(_char_width(c) for c in held.badge.abbreviation) * 11)
        fill = CHIP.get(held.id, CHIP["default"])
        out.append(f'<rect x="{PAD}" y="{top:g}" width="{chip_width:g}" height="20" rx="10" '
                   f'fill="{fill}"/>')
        out.append(_text(PAD + chip_width / 2, top + 14, held.badge.abbreviation, group,
                         size=11, fill=CHIP_TEXT, weight=700, anchor="middle"))
        room = inner - chip_width - 8
        out.append(_text(PAD + chip_width + 8, top + 14.5, fit(held.badge.name, 12.5, room),
                         group, size=12.5, fill=TEXT, weight=600))
    out.append("</g></svg>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _text(x: float, y: float, text: str, group: dict[str, float | str], *, size: float,
          fill: str, weight: int, anchor: str = "start") -> str:
    attributes = [f'x="{x:g}" y="{y:g}"']
    for name, value in (("font-size", size), ("font-weight", weight), ("fill", fill)):
        if value != group[name]:
            attributes.append(f'{name}="{value:g}"' if isinstance(value, float)
                              else f'{name}="{value}"')
    if anchor != "start":
        attributes.append(f'text-anchor="{anchor}"')
    return f'<text {" ".join(attributes)}>{escape(text)}</text>'


def badge_files(entries: Sequence[CatalogEntry], program: Program) -> list[DataFile]:
    """One badge image per partner."""
    return [DataFile(badge_file_path(e.slug), badge_svg(e, program)) for e in entries]


# --- the profile's "Show this badge on your site" section -----------------------------------


def embed_alt(entry: CatalogEntry, program: Program) -> str:
    """The pasted image's text alternative.

    It names no badge: the pasted HTML stays on the partner's site for years while the image
    changes with the badges, so the words must never go stale.
    """
    return f"{entry.name}: status in the {program.name}"


def embed_context(entry: CatalogEntry, program: Program, *, src: str, urls: UrlStyle,
                  site_url: str | None, badges_url: str) -> dict[str, Any]:
    """What ``_embed.html`` shows on a profile: the image, the HTML to paste, what it means."""
    badge_path = badge_file_path(entry.slug)
    if site_url:
        profile_url = site_url + urls.page_url(src)
        image_url = site_url + badge_path
    else:
        profile_url = "/" + urls.page_url(src)
        image_url = "/" + badge_path
    alt = embed_alt(entry, program)
    snippet = (f'<a href="{escape(profile_url)}"><img src="{escape(image_url)}" '
               f'alt="{escape(alt)}"></a>')
    # Shown as text in a code element, where a quotation mark needs no escaping.
    shown = Markup(str(escape(snippet)).replace("&#34;", '"'))  # noqa: S704 - escaped above
    return {
        # Only a holder is offered the HTML: nobody shows "not a service partner" on purpose.
        # The image is still drawn for everyone, so a partner's old embed tells the truth
        # once its badges lapse.
        "offered": bool(entry.held),
        "image": urls.href(src, badge_path),
        "image_alt": image_label(entry, program),
        "snippet": shown,
        "about_url": f"{badges_url}#{BADGE_IMAGE_ANCHOR}",
        "compare_url": f"{urls.link(src, COMPARE_SRC)}?p={entry.slug}",
    }
