"""The ``diff`` report: Markdown for a job log or a merge request, JSON, and a standalone HTML page.

Each format says the same things in the same order. Markdown cuts each list at ``limit``
entries so a large change still reads in a job log; the HTML page and the JSON are whole.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from generator.diff import (
    NOTICE_HORIZON_DAYS,
    BadgeChange,
    BadgeView,
    Diff,
    FieldChange,
    NoticeChange,
    PartnerLine,
    ProgramChange,
    ProgramMove,
)
from generator.notices.standing import day_text

Format = Literal["markdown", "json", "html"]
FORMATS: tuple[Format, ...] = ("markdown", "json", "html")

#: Entries shown per section in Markdown and HTML; the JSON report always has every one.
DEFAULT_LIMIT = 50


class GitError(Exception):
    """A base could not be read from git (a bad ref, or no repository)."""


# --- reading the base from git -------------------------------------------------------------


def _git(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    git = shutil.which("git")
    if git is None:
        raise GitError("git is not installed")
    done = subprocess.run(  # noqa: S603 - fixed git subcommands; the ref is checked first
        [git, *args], cwd=cwd, input=stdin, capture_output=True, check=False
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def snapshot(ref: str, folder: Path, dest: Path) -> None:
    """Write the files directly inside ``folder`` as they are at ``ref`` into ``dest``.

    No checkout: one ``ls-tree`` and one ``cat-file --batch``. A folder the ref does not have
    leaves ``dest`` empty.
    """
    where = folder if folder.is_dir() else Path.cwd()
    top = Path(_git(["rev-parse", "--show-toplevel"], where).decode().strip())
    if ref.startswith("-"):
        raise GitError(f"'{ref}' is not a git revision")
    try:
        _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], top)
    except GitError:
        raise GitError(f"'{ref}' is not a commit in this repository") from None
    prefix = Path(os.path.relpath(folder.resolve(), top.resolve())).as_posix()
    spec = [] if prefix == "." else ["--", f"{prefix}/"]
    listing = _git(["ls-tree", "-z", "--full-tree", ref, *spec], top)
    blobs: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.decode("utf-8", "surrogateescape").partition("\t")
        mode, kind, sha = meta.split()
        if kind == "blob" and mode in ("100644", "100755"):
            blobs.append((sha, path.rsplit("/", 1)[-1]))
    dest.mkdir(parents=True, exist_ok=True)
    if not blobs:
        return
    out = _git(["cat-file", "--batch"], top, "".join(f"{sha}\n" for sha, _ in blobs).encode())
    at = 0
    for _sha, name in blobs:
        end = out.index(b"\n", at)
        size = int(out[at:end].split()[2])
        (dest / name).write_bytes(out[end + 1 : end + 1 + size])
        at = end + 1 + size + 1


# --- shared wording ------------------------------------------------------------------------


def _status(view: BadgeView) -> str:
    if view.status == "grace" and view.grace_until is not None:
        return f"grace until {view.grace_until.isoformat()}"
    if view.status == "active" and view.at_risk:
        return "active, at risk"
    return view.status


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else "none"


def badge_sentence(change: BadgeChange | ProgramMove) -> str:
    """What happens to the badge, in a few words: ``PSP in grace until 2027-05-31``."""
    b, a, name = change.before, change.after, change.badge_name
    when = change.date if isinstance(change, BadgeChange) else None
    on = f" on {when.isoformat()}" if when is not None else ""
    kind = change.kind
    if kind == "granted":
        return f"{name} granted on {_iso(a.granted)}"
    if kind == "restored":
        return f"{name} back to active{on} (was in grace)"
    if kind == "grace":
        return f"{name} in grace until {_iso(a.grace_until)} (was {_status(b)})"
    if kind == "lapsed":
        return f"{name} lapsed{on} (was {_status(b)})"
    if kind == "withdrawn":
        return f"{name} no longer granted (was {_status(b)})"
    if kind == "at_risk":
        return f"{name} at risk: active but not eligible today (next review {_iso(a.next_review)})"
    if kind == "safe":
        return f"{name} no longer at risk"
    if kind == "dates":
        parts = []
        if b.granted != a.granted:
            parts.append(f"granted {_iso(b.granted)} → {_iso(a.granted)}")
        if b.next_review != a.next_review:
            parts.append(f"next review {_iso(b.next_review)} → {_iso(a.next_review)}")
        if b.grace_until != a.grace_until:
            parts.append(f"grace until {_iso(b.grace_until)} → {_iso(a.grace_until)}")
        return f"{name} {a.status}: " + ", ".join(parts)
    unmet_before = ", ".join(b.unmet) or "none"
    unmet_after = ", ".join(a.unmet) or "none"
    return f"{name} still {a.status}; unmet requirements {unmet_before} → {unmet_after}"


def badge_details(change: BadgeChange) -> str:
    """The engine's reason and the unmet requirements, where they explain the change."""
    parts = []
    if change.reason:
        parts.append(f"Reason: {change.reason.rstrip('.')}.")
    if change.kind in ("grace", "lapsed", "withdrawn", "at_risk") and change.after.unmet:
        parts.append(f"Unmet: {', '.join(change.after.unmet)}.")
    return " ".join(parts)


def field_sentence(change: FieldChange) -> str:
    """``tier Open → Select``, ``services: added Migration; removed Assessment``."""
    if change.field == "summary":
        return "summary rewritten"
    if change.added or change.removed:
        parts = []
        if change.added:
            parts.append(f"added {', '.join(change.added)}")
        if change.removed:
            parts.append(f"removed {', '.join(change.removed)}")
        return f"{change.field}: {'; '.join(parts)}"
    if change.field == "logo":
        if change.before is None:
            return "logo added"
        if change.after is None:
            return "logo removed"
        return "logo replaced"
    before = change.before if change.before is not None else "none"
    after = change.after if change.after is not None else "none"
    return f"{change.field} {before} → {after}"


def program_value(change: ProgramChange) -> str:
    """How one program value changes: ``3 → 4``, ``added XK``."""
    if change.added or change.removed:
        parts = []
        if change.added:
            parts.append(f"added {', '.join(change.added)}")
        if change.removed:
            parts.append(f"removed {', '.join(change.removed)}")
        return "; ".join(parts)
    if change.before is None:
        return f"added ({change.after})"
    if change.after is None:
        return f"removed (was {change.before})"
    return f"{change.before} → {change.after}"


def partner_sentence(line: PartnerLine, verb: str = "holds") -> str:
    """``tier Select; holds PSP, TSP``."""
    if not line.valid:
        return "has validation errors"
    tier = f"tier {line.tier}" if line.tier else "no current tier"
    held = f"{verb} {', '.join(line.badges)}" if line.badges else f"{verb} no badge"
    return f"{tier}; {held}"


# --- links ---------------------------------------------------------------------------------


def profile_linker(preview_url: str | None) -> Callable[[str], str | None]:
    """Slug to the preview's profile URL.

    ``preview_url`` is the preview site's root (profiles at ``<root>/partners/<slug>/``) or a
    template with ``{slug}`` for previews without directory URLs.
    """
    if not preview_url:
        return lambda _slug: None
    if "{slug}" in preview_url:
        return lambda slug: preview_url.replace("{slug}", slug)
    root = preview_url if preview_url.endswith("/") else preview_url + "/"
    return lambda slug: f"{root}partners/{slug}/"


# --- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: str) -> str:
    """Text from data, escaped so Markdown shows it as written."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _more(count: int) -> str:
    return f"… and {count} more (the HTML and JSON reports list them all)"


def _section(title: str, entries: Sequence[str], limit: int, count: int | None = None) -> list[str]:
    """A titled list; each entry may span lines (nested items), and at most ``limit`` show."""
    total = len(entries) if count is None else count
    shown = list(entries[:limit])
    if len(entries) > limit:
        shown.append(f"- {_more(len(entries) - limit)}")
    return [f"### {title} ({total})", "", *shown, ""]


def render_markdown(diff: Diff, preview_url: str | None = None, limit: int = DEFAULT_LIMIT) -> str:
    """The report for a job log or a merge request comment: short, the unchanged left out."""
    link = profile_linker(preview_url)

    def who(slug: str, name: str, linked: bool = True) -> str:
        url = link(slug) if linked else None
        label = f"[{md(name)}]({url})" if url else f"**{md(name)}**"
        return f"{label} (`{slug}`)"

    out = [f"## Partner data changes as of {diff.as_of.isoformat()}", ""]
    if not diff.changed:
        out.append("No changes: no partner, badge, profile, program or validation change.")
        return "\n".join(out) + "\n"
    if diff.new_errors:
        out += _section("New validation errors", [
            f"- `{d.path}:{d.line}:{d.column}`: {md(d.message)} [{d.code}]"
            for d in diff.new_errors
        ], limit)
    if not diff.compared:
        out += ["### Not compared", "",
                "program.yml has errors on one side: badges and profiles were not compared.", ""]
    if diff.badges:
        entries = []
        for c in diff.badges:
            details = badge_details(c)
            entries.append(f"- {who(c.slug, c.name)}: {md(badge_sentence(c))}."
                           + (f" {md(details)}" if details else ""))
        out += _section("Badges", entries, limit)
    out += _notices_markdown(diff, who, limit)
    if diff.added:
        out += _section("Partners added", [
            f"- {who(p.slug, p.name, p.valid)}: {partner_sentence(p)}" for p in diff.added
        ], limit)
    if diff.removed:
        out += _section("Partners removed", [
            f"- {who(p.slug, p.name, linked=False)}: {partner_sentence(p, 'held')}"
            for p in diff.removed
        ], limit)
    if diff.profiles:
        out += _section("Profile changes", [
            "\n".join([f"- {who(p.slug, p.name)}:",
                       *(f"  - {md(field_sentence(f))}" for f in p.fields)])
            for p in diff.profiles
        ], limit)
    if diff.program or diff.program_moves:
        entries = [f"- `{c.path}`: {md(program_value(c))}" for c in diff.program]
        moves = diff.program_moves
        partners = len({m.slug for m in moves})
        if moves:
            nested = [f"  - {who(m.slug, m.name)}: {md(badge_sentence(m))}" for m in moves[:limit]]
            if len(moves) > limit:
                nested.append(f"  - {_more(len(moves) - limit)}")
            entries.append("\n".join([
                f"- The program change alone moves {_count(len(moves), 'badge')} of "
                f"{_count(partners, 'partner')}:", *nested,
            ]))
        else:
            entries.append("- The program change alone moves no badge.")
        out += _section("Program changes", entries, limit + 1, len(diff.program))
    if diff.not_compared:
        out += _section("Not compared", [
            f"- `{slug}`: valid on one side only, so its badges were not compared"
            for slug in diff.not_compared
        ], limit)
    tail = []
    if diff.fixed_errors:
        tail.append(f"Fixes {_count(diff.fixed_errors, 'validation error')}.")
    if diff.no_visible_change:
        shown = ", ".join(f"`{s}`" for s in diff.no_visible_change[:limit])
        more = len(diff.no_visible_change) - limit
        tail.append(f"Changed with nothing the public sees: {shown}"
                    + (f" and {more} more." if more > 0 else "."))
    if tail:
        out += [" ".join(tail), ""]
    return "\n".join(out).rstrip("\n") + "\n"


# --- notices the change causes (SPEC §8) ----------------------------------------------------

_NOTICE_WORDS = {
    "award": "is awarded {badge} on {day}",
    "evidence-request": "is asked for {badge} review evidence on {day}",
    "review-kept": "keeps {badge} at its review on {day}",
    "grace": "has {badge} go into grace on {day}",
    "restored": "has {badge} restored on {day}",
    "lapsed": "loses {badge} on {day}",
}


def notice_sentence(change: NoticeChange) -> str:
    """``loses PSP on 1 March 2027``, or, for a notice the change cancels, ``no longer ...``."""
    words = _NOTICE_WORDS[change.kind].format(badge=change.badge_name, day=day_text(change.day))
    return words if change.change == "new" else f"no longer {words}"


def _notices_markdown(diff: Diff, who: Callable[[str, str], str], limit: int) -> list[str]:
    """The notices section: what this change makes the program team send, and what not."""
    if not diff.notices:
        return []
    return _section(
        f"Notices this change causes in the next {NOTICE_HORIZON_DAYS} days", [
            f"- {who(n.slug, n.name)} {md(notice_sentence(n))} (`{n.kind}` notice)"
            for n in diff.notices
        ], limit)


def _notices_json(diff: Diff) -> list[dict[str, Any]]:
    return [
        {"date": n.day.isoformat(), "slug": n.slug, "name": n.name, "badge": n.badge,
         "kind": n.kind, "change": n.change, "what": notice_sentence(n)}
        for n in diff.notices
    ]


def _notices_html(diff: Diff, link: Callable[[str], str | None]) -> list[dict[str, Any]]:
    return [
        {"slug": n.slug, "name": n.name, "url": link(n.slug), "kind": n.kind,
         "what": notice_sentence(n)}
        for n in diff.notices
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- JSON ----------------------------------------------------------------------------------


def _view(view: BadgeView) -> dict[str, Any]:
    return {
        "status": view.status,
        "granted": view.granted.isoformat() if view.granted else None,
        "next_review": view.next_review.isoformat() if view.next_review else None,
        "grace_until": view.grace_until.isoformat() if view.grace_until else None,
        "at_risk": view.at_risk,
        "unmet": list(view.unmet),
    }


def to_json(diff: Diff, preview_url: str | None = None) -> dict[str, Any]:
    """The report as plain data."""
    link = profile_linker(preview_url)
    return {
        "as_of": diff.as_of.isoformat(),
        "base": diff.base,
        "changed": diff.changed,
        "compared": diff.compared,
        "valid": diff.head_valid,
        "new_errors": [
            {"path": d.path, "line": d.line, "column": d.column, "code": d.code,
             "message": d.message}
            for d in diff.new_errors
        ],
        "fixed_errors": diff.fixed_errors,
        "badges": [
            {"slug": c.slug, "name": c.name, "badge": c.badge, "change": c.kind,
             "date": c.date.isoformat() if c.date else None, "reason": c.reason,
             "before": _view(c.before), "after": _view(c.after), "url": link(c.slug)}
            for c in diff.badges
        ],
        "added": [
            {"slug": p.slug, "name": p.name, "tier": p.tier, "badges": list(p.badges),
             "valid": p.valid, "url": link(p.slug) if p.valid else None}
            for p in diff.added
        ],
        "removed": [
            {"slug": p.slug, "name": p.name, "tier": p.tier, "badges": list(p.badges)}
            for p in diff.removed
        ],
        "profiles": [
            {"slug": p.slug, "name": p.name, "url": link(p.slug),
             "changes": [
                 {"field": f.field, "before": f.before, "after": f.after,
                  "added": list(f.added), "removed": list(f.removed)}
                 for f in p.fields
             ]}
            for p in diff.profiles
        ],
        "program": {
            "changes": [
                {"path": c.path, "before": c.before, "after": c.after,
                 "added": list(c.added), "removed": list(c.removed)}
                for c in diff.program
            ],
            "moves": [
                {"slug": m.slug, "name": m.name, "badge": m.badge, "change": m.kind,
                 "before": _view(m.before), "after": _view(m.after)}
                for m in diff.program_moves
            ],
        },
        "not_compared": list(diff.not_compared),
        "no_visible_change": list(diff.no_visible_change),
        "notices": _notices_json(diff),
    }


def render_json(diff: Diff, preview_url: str | None = None) -> str:
    """The whole report as JSON."""
    return json.dumps(to_json(diff, preview_url), indent=2, ensure_ascii=False) + "\n"


# --- HTML ----------------------------------------------------------------------------------


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("generator.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(diff: Diff, preview_url: str | None = None, limit: int | None = None) -> str:
    """A standalone page, for the merge request's exposed artifact: whole unless ``limit``."""
    link = profile_linker(preview_url)
    if limit is None:
        limit = 1 + max(len(diff.new_errors), len(diff.badges), len(diff.added),
                        len(diff.removed), len(diff.profiles), len(diff.program),
                        len(diff.program_moves), len(diff.notices))
    context = {
        "as_of": diff.as_of.isoformat(),
        "base": diff.base,
        "changed": diff.changed,
        "compared": diff.compared,
        "limit": limit,
        "errors": [
            {"where": f"{d.path}:{d.line}:{d.column}", "message": d.message, "code": d.code}
            for d in diff.new_errors
        ],
        "badges": [
            {"slug": c.slug, "name": c.name, "url": link(c.slug), "badge": c.badge_name,
             "kind": c.kind, "before": _status(c.before), "after": _status(c.after),
             "what": badge_sentence(c), "why": badge_details(c)}
            for c in diff.badges
        ],
        "added": [
            {"slug": p.slug, "name": p.name, "url": link(p.slug) if p.valid else None,
             "what": partner_sentence(p)}
            for p in diff.added
        ],
        "removed": [
            {"slug": p.slug, "name": p.name, "url": None,
             "what": partner_sentence(p, "held")}
            for p in diff.removed
        ],
        "profiles": [
            {"slug": p.slug, "name": p.name, "url": link(p.slug),
             "what": [field_sentence(f) for f in p.fields]}
            for p in diff.profiles
        ],
        "program": [{"path": c.path, "what": program_value(c)}
                    for c in diff.program],
        "moves": [
            {"slug": m.slug, "name": m.name, "url": link(m.slug), "what": badge_sentence(m)}
            for m in diff.program_moves
        ],
        "has_program": bool(diff.program or diff.program_moves),
        "not_compared": list(diff.not_compared),
        "fixed_errors": diff.fixed_errors,
        "no_visible_change": list(diff.no_visible_change),
        "notices": _notices_html(diff, link),
        "notices_title": f"Notices this change causes in the next {NOTICE_HORIZON_DAYS} days",
    }
    return _environment().get_template("diff.html.j2").render(context)


def render_diff(
    diff: Diff, fmt: Format, preview_url: str | None = None, limit: int = DEFAULT_LIMIT
) -> str:
    """The report in one format."""
    if fmt == "json":
        return render_json(diff, preview_url)
    if fmt == "html":
        return render_html(diff, preview_url)
    return render_markdown(diff, preview_url, limit)
