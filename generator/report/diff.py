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
    done = subprocess.run(  # noqa: S603 - fixed git subcommands; the ref is checked first
        [_git_program(), *args], cwd=cwd, input=stdin, capture_output=True, check=False
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        last = message[-1] if message else f"git {args[0]} failed"
        raise GitError(re.sub(r"^(fatal|error): ", "", last))
    return done.stdout


def _git_program() -> str:
    git = shutil.which("git")
    if git is None:
        raise GitError("git is not installed")
    return git


#: Tree entry modes of plain files; links (120000), folders and submodules are refused.
_PLAIN_FILE_MODES = (b"100644", b"100755")


def _shown(name: str) -> str:
    """An entry name as a message can show it: control characters escaped."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in name)


def _safe_name(raw: bytes) -> str | None:
    """The entry name if it can only name a file directly inside the snapshot folder."""
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if name in ("", ".", "..") or any(c in name for c in "/\\:") or not name.isprintable():
        return None
    return name


def snapshot(ref: str, folder: Path, dest: Path) -> None:
    """Write the files directly inside ``folder`` as they are at ``ref`` into ``dest``.

    No checkout: the folder's tree is listed with ``ls-tree -z`` and each file read with
    ``cat-file``. Only plain files with plain names are written, each created new inside
    ``dest``: a tree entry that is a link, a folder, a submodule, or named ``..``, ``.`` or
    with a separator is refused with a ``GitError`` before anything is written, so the base
    can never write outside ``dest``. A folder the ref does not have leaves ``dest`` empty.
    """
    where = folder if folder.is_dir() else Path.cwd()
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], where).decode().strip())
    except GitError:
        raise GitError(f"'{where}' is not in a git repository") from None
    if ref.startswith("-"):
        raise GitError(f"'{ref}' is not a git revision")
    try:
        commit = _git(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], top
        ).decode().strip()
    except GitError:
        raise GitError(f"'{ref}' is not a commit in this repository") from None
    prefix = Path(os.path.relpath(folder.resolve(), top.resolve())).as_posix()
    if prefix == ".." or prefix.startswith("../"):
        raise GitError(f"'{folder}' is outside the git repository")
    dest.mkdir(parents=True, exist_ok=True)
    tree = f"{commit}^{{tree}}" if prefix == "." else f"{commit}:{prefix}"
    try:
        kind = _git(["cat-file", "-t", tree], top).strip()
    except GitError:
        return  # the ref has no such folder: every partner is new
    if kind != b"tree":
        return
    try:
        listing = _git(["ls-tree", "-z", "--end-of-options", tree], top)
    except GitError as exc:
        raise GitError(f"cannot read '{prefix}' at '{ref}': {exc}") from None
    blobs = _plain_files(listing, ref, prefix)
    if blobs:
        _write_blobs(blobs, top, dest)


def _plain_files(listing: bytes, ref: str, prefix: str) -> list[tuple[str, str]]:
    """``(sha, name)`` of every entry of a ``ls-tree -z`` listing; anything else refused."""
    blobs: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw = record.partition(b"\t")
        mode, kind, sha = meta.split(b" ")
        name = _safe_name(raw)
        shown = _shown(raw.decode("utf-8", "replace"))
        where = f"'{prefix}/{shown}'" if prefix != "." else f"'{shown}'"
        if name is None:
            raise GitError(f"{where} at '{ref}' is not a plain file name: refusing to read it")
        if kind != b"blob" or mode not in _PLAIN_FILE_MODES:
            what = {b"120000": "a symbolic link", b"160000": "a submodule"}.get(
                mode, "a folder" if kind == b"tree" else "not a plain file"
            )
            raise GitError(f"{where} at '{ref}' is {what}: refusing to read it")
        blobs.append((sha.decode("ascii"), name))
    return blobs


def _write_blobs(blobs: Sequence[tuple[str, str]], top: Path, dest: Path) -> None:
    """Stream each blob from one ``cat-file --batch`` into a new file of ``dest``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with subprocess.Popen(  # noqa: S603 - fixed git subcommand
        [_git_program(), "cat-file", "--batch"], cwd=top,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    ) as batch:
        assert batch.stdin is not None and batch.stdout is not None  # noqa: S101 - piped above
        for sha, name in blobs:
            batch.stdin.write(f"{sha}\n".encode())
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                raise GitError(f"cannot read '{name}' from git")
            left = int(header[2])
            try:
                handle = os.open(dest / name, flags, 0o644)
            except FileExistsError:
                raise GitError(f"two entries are named '{_shown(name)}'") from None
            with os.fdopen(handle, "wb") as out:
                while left:
                    chunk = batch.stdout.read(min(left, 1 << 16))
                    if not chunk:
                        raise GitError(f"cannot read '{name}' from git")
                    out.write(chunk)
                    left -= len(chunk)
            batch.stdout.read(1)  # the newline after each object
        batch.stdin.close()


# --- shared wording ------------------------------------------------------------------------

#: How a sentence shows a value taken from the data: as it is for HTML (the template escapes
#: it) and JSON, inside a code span for Markdown (``md_text``).
Quote = Callable[[str], str]


def _as_is(text: str) -> str:
    return text


def _status(view: BadgeView) -> str:
    if view.status == "grace" and view.grace_until is not None:
        return f"grace until {view.grace_until.isoformat()}"
    if view.status == "active" and view.at_risk:
        return "active, at risk"
    return view.status


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else "none"


def badge_sentence(change: BadgeChange | ProgramMove, q: Quote = _as_is) -> str:
    """What happens to the badge, in a few words: ``PSP in grace until 2027-05-31``."""
    b, a, name = change.before, change.after, q(change.badge_name)
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


def badge_details(change: BadgeChange, q: Quote = _as_is) -> str:
    """The engine's reason and the unmet requirements, where they explain the change."""
    parts = []
    if change.reason:
        parts.append(f"Reason: {q(change.reason.rstrip('.'))}.")
    if change.kind in ("grace", "lapsed", "withdrawn", "at_risk") and change.after.unmet:
        parts.append(f"Unmet: {', '.join(change.after.unmet)}.")
    return " ".join(parts)


def field_sentence(change: FieldChange, q: Quote = _as_is) -> str:
    """``tier Open → Select``, ``services: added Migration; removed Assessment``."""
    if change.field == "summary":
        return "summary rewritten"
    if change.added or change.removed:
        parts = []
        if change.added:
            parts.append(f"added {', '.join(q(v) for v in change.added)}")
        if change.removed:
            parts.append(f"removed {', '.join(q(v) for v in change.removed)}")
        return f"{q(change.field)}: {'; '.join(parts)}"
    if change.field == "logo":
        if change.before is None:
            return "logo added"
        if change.after is None:
            return "logo removed"
        return "logo replaced"
    before = q(change.before) if change.before is not None else "none"
    after = q(change.after) if change.after is not None else "none"
    return f"{q(change.field)} {before} → {after}"


def program_value(change: ProgramChange, q: Quote = _as_is) -> str:
    """How one program value changes: ``3 → 4``, ``added XK``."""
    if change.added or change.removed:
        parts = []
        if change.added:
            parts.append(f"added {', '.join(q(v) for v in change.added)}")
        if change.removed:
            parts.append(f"removed {', '.join(q(v) for v in change.removed)}")
        return "; ".join(parts)
    if change.before is None:
        return f"added ({q(str(change.after))})"
    if change.after is None:
        return f"removed (was {q(change.before)})"
    return f"{q(change.before)} → {q(change.after)}"


def partner_sentence(line: PartnerLine, verb: str = "holds", q: Quote = _as_is) -> str:
    """``tier Select; holds PSP, TSP``."""
    if not line.valid:
        return "has validation errors"
    tier = f"tier {q(line.tier)}" if line.tier else "no current tier"
    held = f"{verb} {', '.join(q(b) for b in line.badges)}" if line.badges else f"{verb} no badge"
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

#: Line breaks, control and format characters (bidirectional overrides, zero-width ones):
#: none may reach a Markdown line from the data.
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
                     r"\u2060-\u206f\ufeff\ufff9-\ufffb]+")
_BACKTICKS = re.compile(r"`+")


def md_text(text: str, *, in_table: bool = False) -> str:
    """Text from the data, made inert in GitLab Flavored Markdown: one code span.

    GitLab finds mentions (``@all``), references (``#1``, ``!1``, ``%m``, ``~l``, ``&1``,
    ``$1``), emoji and bare links only in text outside code, and Markdown reads no emphasis,
    link, HTML or entity inside a code span. Backslash escapes are weaker: whether ``\\@all``
    still mentions depends on the renderer and its version, and a URL needs more than an
    escaped character to stay unlinked. So the text becomes
    one line (every line break, control and format character collapses to a space, so it can
    start no heading, list, quote or table) inside a code span whose fence is longer than any
    run of backticks in it. ``in_table`` also escapes ``|``, which ends a table cell even
    inside a code span. Every value from the data enters the Markdown report through here.
    """
    flat = _BREAKS.sub(" ", text).strip(" ")
    if not flat:
        return "` `"
    fence = "`" * (1 + max((len(run) for run in _BACKTICKS.findall(flat)), default=0))
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    if in_table:
        flat = flat.replace("|", "\\|")
    return f"{fence}{pad}{flat}{pad}{fence}"


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

    q = md_text

    def who(slug: str, name: str, linked: bool = True) -> str:
        url = link(slug) if linked else None
        label = f"[{q(name)}]({url})" if url else f"**{q(name)}**"
        return f"{label} ({q(slug)})"

    out = [f"## Partner data changes as of {diff.as_of.isoformat()}", ""]
    if not diff.changed:
        out.append("No changes: no partner, badge, profile, program or validation change.")
        return "\n".join(out) + "\n"
    if diff.new_errors:
        out += _section("New validation errors", [
            f"- {q(f'{d.path}:{d.line}:{d.column}')}: {q(d.message)} [{d.code}]"
            for d in diff.new_errors
        ], limit)
    if not diff.compared:
        out += ["### Not compared", "",
                "program.yml has errors on one side: badges and profiles were not compared.", ""]
    if diff.badges:
        entries = []
        for c in diff.badges:
            details = badge_details(c, q)
            entries.append(f"- {who(c.slug, c.name)}: {badge_sentence(c, q)}."
                           + (f" {details}" if details else ""))
        out += _section("Badges", entries, limit)
    out += _notices_markdown(diff, who, limit)
    if diff.added:
        out += _section("Partners added", [
            f"- {who(p.slug, p.name, p.valid)}: {partner_sentence(p, q=q)}" for p in diff.added
        ], limit)
    if diff.removed:
        out += _section("Partners removed", [
            f"- {who(p.slug, p.name, linked=False)}: {partner_sentence(p, 'held', q)}"
            for p in diff.removed
        ], limit)
    if diff.profiles:
        out += _section("Profile changes", [
            "\n".join([f"- {who(p.slug, p.name)}:",
                       *(f"  - {field_sentence(f, q)}" for f in p.fields)])
            for p in diff.profiles
        ], limit)
    if diff.program or diff.program_moves:
        entries = [f"- {q(c.path)}: {program_value(c, q)}" for c in diff.program]
        moves = diff.program_moves
        partners = len({m.slug for m in moves})
        if moves:
            nested = [f"  - {who(m.slug, m.name)}: {badge_sentence(m, q)}" for m in moves[:limit]]
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
            f"- {q(slug)}: valid on one side only, so its badges were not compared"
            for slug in diff.not_compared
        ], limit)
    tail = []
    if diff.fixed_errors:
        tail.append(f"Fixes {_count(diff.fixed_errors, 'validation error')}.")
    if diff.no_visible_change:
        shown = ", ".join(q(s) for s in diff.no_visible_change[:limit])
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
#: The same, for a notice the change cancels.
_CANCELLED_WORDS = {
    "award": "is no longer awarded {badge} on {day}",
    "evidence-request": "is no longer asked for {badge} review evidence on {day}",
    "review-kept": "no longer keeps {badge} at its review on {day}",
    "grace": "no longer has {badge} go into grace on {day}",
    "restored": "no longer has {badge} restored on {day}",
    "lapsed": "no longer loses {badge} on {day}",
}


def notice_sentence(change: NoticeChange, q: Quote = _as_is) -> str:
    """``loses PSP on 1 March 2027``, or, for a notice the change cancels, ``no longer ...``."""
    words = _NOTICE_WORDS if change.change == "new" else _CANCELLED_WORDS
    return words[change.kind].format(badge=q(change.badge_name), day=day_text(change.day))


def _notices_markdown(diff: Diff, who: Callable[[str, str], str], limit: int) -> list[str]:
    """The notices section: what this change makes the program team send, and what not."""
    if not diff.notices:
        return []
    return _section(
        f"Notices this change causes in the next {NOTICE_HORIZON_DAYS} days", [
            f"- {who(n.slug, n.name)} {notice_sentence(n, md_text)} (`{n.kind}` notice)"
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
