"""Partner files and the program definition to validated models, with every problem located.

All files are read and every problem in every file is collected; a bad file never stops the
others from being checked. Nothing here writes a file.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import stat
import sys
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.checks import (
    ProgramIds,
    check_partner,
    check_program,
    check_slug,
    did_you_mean,
    name_key,
)
from generator.diagnostics import Diagnostic, Loc, Problem, printable
from generator.logos import check_logo
from generator.model import REQUIREMENT_KINDS, Partner, Program
from generator.source import MAX_FILE_BYTES, Document, parse_yaml, text_problems, too_large

PROGRAM_FILE = "program.yml"
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class LoadResult:
    """The outcome of loading a partners folder."""

    program: Program | None
    partners: tuple[Partner, ...]
    diagnostics: tuple[Diagnostic, ...]
    files: int = 0
    folder: Path = field(default_factory=Path)
    #: Each valid partner's logo as the site publishes it (rewritten, never the committed
    #: bytes), by slug. Empty when partners are not kept.
    logos: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The diagnostics of severity ``error``."""
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def ok(self) -> bool:
        """True when the whole folder is valid."""
        return self.program is not None and not self.errors

    def files_with_problems(self) -> frozenset[str]:
        """Display paths of the files that have at least one diagnostic."""
        return frozenset(d.path for d in self.diagnostics)


def display_path(path: Path) -> str:
    """A path as users typed it: relative to the working folder when inside it, posix style,
    with control characters in file names escaped."""
    if not path.is_absolute():
        return printable(path.as_posix())
    try:
        relative = Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive on Windows
        return printable(path.as_posix())
    return printable(path.as_posix() if relative.startswith("../") else relative)


def load_program(path: Path) -> tuple[Program | None, list[Diagnostic]]:
    """Load and check ``program.yml``."""
    program, diagnostics, _ = load_program_bytes(path)
    return program, diagnostics


def load_program_bytes(path: Path) -> tuple[Program | None, list[Diagnostic], bytes]:
    """``load_program``, and the bytes it read (empty when none could be read)."""
    shown = display_path(path)
    try:
        raw = read_limited(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        return None, [Diagnostic(shown, 1, 1, "missing-file",
                                 "the program definition is missing")], b""
    except OSError as exc:  # a folder, a link, a pipe, no permission
        return None, [
            Diagnostic(
                shown, 1, 1, "missing-file",
                f"the program definition cannot be read ({_reason(exc)})",
            )
        ], b""
    except TooLargeError as exc:
        return None, [too_large(shown, exc.size)], b""
    program, diagnostics = _program_from(shown, raw)
    return program, diagnostics, raw


def _program_from(shown: str, raw: bytes) -> tuple[Program | None, list[Diagnostic]]:
    document, diagnostics = parse_yaml(shown, raw)
    if document is None:
        return None, diagnostics
    program, problems = _validate(Program, document.data)
    if program is not None:
        problems = check_program(program)
    problems = list(text_problems(document.data, _program_multiline,
                                     plain=document.plain)) + problems
    located = diagnostics + [document.locate(p) for p in problems]
    errors = [d for d in located if d.severity == "error"]
    return (program if not errors else None), sorted(located)


def _partner_multiline(loc: Loc) -> bool:
    return loc == ("summary",)


def _program_multiline(loc: Loc) -> bool:
    return bool(loc) and loc[-1] in ("summary", "description")


class NotARegularFileError(OSError):
    """A path that is a folder, a FIFO, a device or a socket, not a file."""


class TooLargeError(Exception):
    """A file over the size limit; ``size`` is None when it grew while being read."""

    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind_of(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_limited(path: Path, limit: int) -> bytes:
    """A regular file's bytes, read once, refusing links and anything over ``limit`` bytes.

    The file is opened without following a final symbolic link (``OSError`` ELOOP) and without
    blocking on a named pipe, then checked through its open descriptor, so what is checked is
    what is read. Raises ``NotARegularFileError``, ``TooLargeError`` or another ``OSError``.
    """
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_CLOEXEC", 0)
        | getattr(os, "O_BINARY", 0)
    )
    if not hasattr(os, "O_NOFOLLOW") and path.is_symlink():  # pragma: no cover - Windows
        raise OSError(errno.ELOOP, "is a symbolic link", str(path))
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFileError(errno.EINVAL, f"it is {_kind_of(info.st_mode)}")
        if info.st_size > limit:
            raise TooLargeError(info.st_size)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(descriptor)
    raw = b"".join(chunks)
    if len(raw) > limit:
        raise TooLargeError(None)
    return raw


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "it is a symbolic link"
    return str(exc.strerror or exc)


def _read_partner(path: Path, shown: str) -> tuple[bytes | None, list[Diagnostic]]:
    try:
        return read_limited(path, MAX_FILE_BYTES), []
    except TooLargeError as exc:
        return None, [too_large(shown, exc.size)]
    except NotARegularFileError as exc:
        return None, [Diagnostic(shown, 1, 1, "special-file", _special_message(_reason(exc)))]
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, [Diagnostic(shown, 1, 1, "symlink", _LINK_MESSAGE)]
        return None, [
            Diagnostic(shown, 1, 1, "unreadable", f"file cannot be read ({_reason(exc)})")
        ]


_LINK_MESSAGE = "a symbolic link, not a file: put the file itself in the folder"


def _special_message(kind: str) -> str:
    return f"{kind.removeprefix('it is ')}, not a file: nothing in it is read; remove it"


#: What a partner file says its name is, where: (name, line, column).
_WrittenName = tuple[str, int, int]


def load_partner(
    path: Path, ids: ProgramIds | None, raw: bytes | None = None,
    logos: dict[str, bytes] | None = None,
) -> tuple[Partner | None, list[Diagnostic]]:
    """Load and check one partner file; the partner is None when it has any error.

    Without ``raw`` the file is read once with ``read_limited``. With ``logos``, a valid
    partner's rewritten logo is put there under its slug.
    """
    partner, diagnostics, _ = load_partner_file(path, ids, raw, logos)
    return partner, diagnostics


def load_partner_file(
    path: Path, ids: ProgramIds | None, raw: bytes | None = None,
    logos: dict[str, bytes] | None = None,
) -> tuple[Partner | None, list[Diagnostic], _WrittenName | None]:
    """``load_partner``, and the visible name the file gives (for duplicate names), if any."""
    shown = display_path(path)
    slug = path.stem
    diagnostics: list[Diagnostic] = []
    if (why := check_slug(slug)) is not None:
        diagnostics.append(Diagnostic(shown, 1, 1, "slug", why))
    if raw is None:
        raw, unread = _read_partner(path, shown)
        if raw is None:
            return None, diagnostics + unread, None
    document, parse_problems = parse_yaml(shown, raw)
    diagnostics.extend(parse_problems)
    if document is None:
        return None, diagnostics, None
    data = document.data
    name = data.get("name")
    written: _WrittenName | None = None
    if isinstance(name, str) and name_key(name):
        written = (name, *document.position(("name",)))
    problems: list[Problem | Diagnostic] = list(
        text_problems(data, _partner_multiline, plain=document.plain))
    logo_notes: list[Diagnostic] = []  # warnings: they leave the partner valid
    logo: bytes | None = None
    if "slug" in data:
        problems.append(
            Problem(
                ("slug",),
                "unknown-key",
                "unknown key 'slug': the slug is the file name",
                at_key=True,
            )
        )
    else:
        partner, found = _validate(Partner, {**data, "slug": slug})
        problems.extend(found)
        if partner is not None:
            salvage = Salvage(partner, set(), {})
        else:
            salvage = _salvage(data, slug, found)
        if salvage.partner is not None:
            problems.extend(
                salvage.original(p)
                for p in check_partner(salvage.partner, ids, salvage.number)
                if not p.loc or p.loc[0] not in salvage.broken
            )
            if "logo" not in salvage.broken:
                checked = check_logo(salvage.partner, path.parent, display_path(path.parent))
                problems.extend(checked.problems)
                logo_notes, logo = checked.warnings, checked.content
        if partner is not None and not problems and not diagnostics:
            if logos is not None and logo is not None:
                logos[slug] = logo
            return partner, logo_notes, written
    diagnostics.extend(_locate_all(document, problems))
    return None, diagnostics + logo_notes, written


#: Stand-ins for required keys whose values are broken, so the rest of a file is still checked.
_PLACEHOLDERS: dict[str, Any] = {
    "name": "placeholder",
    "website": "https://placeholder.invalid",
    "summary": "placeholder",
    "headquarters": {"country": "DE", "city": "placeholder"},
    "services": ["placeholder"],
    "tracks": [{"tier": "placeholder", "from": "2000-01-01"}],
}


@dataclass(frozen=True)
class Salvage:
    """What of a file with shape errors can still be checked for meaning.

    ``broken`` keys hold placeholders or were left out: nothing is reported for them.
    ``kept`` maps a list key whose broken items were left out to the file's index of each
    item that was kept, so problems and messages point at the file's items.
    """

    partner: Partner | None
    broken: set[str]
    kept: dict[str, list[int]]

    def number(self, key: str, index: int) -> int:
        """The 1-based number of a checked list item in the file."""
        return (self.kept[key][index] if key in self.kept else index) + 1

    def original(self, problem: Problem) -> Problem:
        """The problem with its list index as in the file."""
        loc = problem.loc
        if len(loc) >= 2 and loc[0] in self.kept and isinstance(loc[1], int):
            return replace(problem, loc=(loc[0], self.kept[str(loc[0])][loc[1]], *loc[2:]))
        return problem


def _salvage(data: dict[str, Any], slug: str, found: list[Problem]) -> Salvage:
    """The partner with broken list items and dict entries left out, and broken top-level
    keys replaced (required) or left out (optional), for checking the rest of it."""
    broken: set[str] = set(_PLACEHOLDERS.keys() - data.keys())
    drops: dict[str, set[int | str]] = {}
    for problem in found:
        if not problem.loc:
            continue
        key, value = str(problem.loc[0]), data.get(str(problem.loc[0]))
        item = problem.loc[1] if len(problem.loc) >= 2 else None
        if (isinstance(value, list) and isinstance(item, int)) or (
            isinstance(value, dict) and isinstance(item, str)
        ):
            drops.setdefault(key, set()).add(item)
        else:
            broken.add(key)

    def attempt(whole: set[str]) -> Salvage:
        repaired = dict(data)
        kept: dict[str, list[int]] = {}
        for key, items in drops.items():
            value = data[key]
            if key in whole:
                continue
            if isinstance(value, list):
                kept[key] = [i for i in range(len(value)) if i not in items]
                repaired[key] = [value[i] for i in kept[key]]
            else:
                repaired[key] = {k: v for k, v in value.items() if k not in items}
        for key in whole:
            if key in _PLACEHOLDERS:
                repaired[key] = _PLACEHOLDERS[key]
            else:
                repaired.pop(key, None)
        partner, still = _validate(Partner, {**repaired, "slug": slug})
        return Salvage(partner if not still else None, whole, kept)

    salvage = attempt(broken)
    if salvage.partner is None and drops:  # e.g. a required list left empty
        salvage = attempt(broken | drops.keys())
    return salvage


def _locate_all(
    document: Document, problems: Iterable[Problem | Diagnostic]
) -> Iterator[Diagnostic]:
    for problem in problems:
        yield problem if isinstance(problem, Diagnostic) else document.locate(problem)


#: Links with these suffixes are logos, which the logo checks refuse when a partner names one.
_LOGO_SUFFIXES = (".svg", ".png")


def _scan(folder: Path) -> tuple[list[Path], list[Diagnostic]]:
    """The candidate partner files of a folder (regular ``*.yml``, ``*.yaml`` files in any
    case, not the program), sorted, and a diagnostic for each entry that is skipped:
    a subfolder, a link or a special file."""
    files: list[Path] = []
    skipped: list[Diagnostic] = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name == PROGRAM_FILE:
                continue  # read by load_program, which refuses a link or a special file
            stem, dot, suffix = entry.name.rpartition(".")
            is_partner = bool(stem and dot) and suffix.lower() in ("yml", "yaml")
            if entry.is_file(follow_symlinks=False):
                # A regular file, known from the folder listing itself without a system call
                # per file on most file systems; a path is made only for a partner file.
                if is_partner:
                    files.append(folder / entry.name)
                continue
            path = folder / entry.name
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                if is_partner:
                    skipped.append(
                        Diagnostic(display_path(path), 1, 1, "unreadable",
                                   f"file cannot be read ({_reason(exc)})")
                    )
                continue
            if stat.S_ISLNK(mode):
                if path.suffix.lower() not in _LOGO_SUFFIXES:
                    skipped.append(Diagnostic(display_path(path), 1, 1, "symlink", _LINK_MESSAGE))
            elif stat.S_ISDIR(mode):
                skipped.append(
                    Diagnostic(
                        display_path(path), 1, 1, "subfolder",
                        "a folder inside the partners folder: nothing in it is read; partner "
                        "files and logos sit directly in the partners folder",
                    )
                )
            elif not stat.S_ISREG(mode):
                skipped.append(
                    Diagnostic(display_path(path), 1, 1, "special-file",
                               _special_message(_kind_of(mode)))
                )
            elif is_partner:
                files.append(path)
    return files, skipped


def partner_files(folder: Path) -> list[Path]:
    """Every candidate partner file of a folder, sorted: regular ``*.yml``, ``*.yaml`` files
    in any case, not the program. Links, subfolders and special files are left out (the
    loader reports them)."""
    return _scan(folder)[0]


def load_folder(folder: Path, *, keep_partners: bool = True) -> LoadResult:
    """Load the program and every partner file of a folder, collecting every problem.

    ``keep_partners=False`` when only the diagnostics matter: ``partners`` is then empty.
    """
    start = begin_folder(folder)
    if isinstance(start, LoadResult):
        return start
    program, ids, files, diagnostics, _ = start
    yml = [p for p in files if p.suffix == ".yml"]
    loaded = (
        (path, written, None if partner is None else (partner, logo), found)
        for path, (written, partner, found, logo) in zip(
            yml, _load_partners(yml, ids, keep_partners), strict=True
        )
    )
    valid, found = finish_folder(folder, program, files, diagnostics, loaded)
    partners = tuple(partner for partner, _ in valid)
    kept = {partner.slug: logo for partner, logo in valid if logo is not None}
    return LoadResult(program, partners, found, len(files), folder, kept)


#: The start of a folder's load: the program, its ids, the candidate files, the problems so
#: far and the bytes of ``program.yml``.
FolderStart = tuple[Program | None, ProgramIds | None, list[Path], list[Diagnostic], bytes]
T = TypeVar("T")


def begin_folder(folder: Path) -> FolderStart | LoadResult:
    """The program and the candidate files of a folder; a ``LoadResult`` when there is no
    folder to load."""
    if not folder.is_dir():
        return LoadResult(
            None,
            (),
            (
                Diagnostic(
                    display_path(folder), 1, 1, "missing-folder", "partner folder does not exist"
                ),
            ),
            folder=folder,
        )
    program, diagnostics, raw = load_program_bytes(folder / PROGRAM_FILE)
    ids = ProgramIds.of(program) if program is not None else None
    files, skipped = _scan(folder)
    diagnostics.extend(skipped)
    return program, ids, files, diagnostics, raw


def finish_folder(
    folder: Path,
    program: Program | None,
    files: list[Path],
    diagnostics: list[Diagnostic],
    loaded: Iterable[tuple[Path, _WrittenName | None, T | None, list[Diagnostic]]],
) -> tuple[list[T], tuple[Diagnostic, ...]]:
    """The checks across files, after each ``.yml`` file of ``files`` was loaded on its own
    (its path, written name, what it gave when it is valid, and its problems): the valid
    results, in slug order, and every problem, sorted."""
    results: list[tuple[str, T]] = []
    names: list[tuple[str, _WrittenName]] = []
    for path, written, result, found in loaded:
        diagnostics.extend(found)
        # An invalid file's name still counts for duplicate names.
        if written is not None:
            names.append((path.stem, written))
        if result is not None:
            results.append((path.stem, result))
    diagnostics.extend(
        Diagnostic(
            display_path(path),
            1,
            1,
            "file-name",
            f"partner files end in .yml: rename to '{path.stem}.yml'",
        )
        for path in files
        if path.suffix != ".yml"
    )
    if program is None and any(p.suffix == ".yml" for p in files):
        diagnostics.append(
            Diagnostic(
                display_path(folder / PROGRAM_FILE), 1, 1, "unchecked-ids",
                "ids in partner files (tiers, services, badges, ...) were not checked: "
                "fix program.yml first",
                severity="warning",
            )
        )
    diagnostics.extend(_cross_file(folder, files, names))
    results.sort(key=lambda item: item[0])
    if bad := {d.path for d in diagnostics}:
        # Only then each file's path as messages show it (costly at 100,000 files).
        results = [(slug, r) for slug, r in results
                   if display_path(folder / f"{slug}.yml") not in bad]
    return [r for _, r in results], tuple(sorted(diagnostics))


#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400
_CHUNK = 200


_Checked = tuple[_WrittenName | None, dict[str, Any] | None, list[Diagnostic], bytes | None]


def _load_chunk(paths: list[Path], ids: ProgramIds | None, keep: bool) -> list[_Checked]:
    """Check files in a worker. A valid one comes back, with ``keep``, as its plain data:
    cheaper to send between processes than a model, even counting the second validation
    on arrival."""
    results: list[_Checked] = []
    logos: dict[str, bytes] = {}
    for path in paths:
        partner, found, written = load_partner_file(path, ids, logos=logos if keep else None)
        if partner is None or not keep:
            results.append((written, None, found, None))
        else:
            results.append(
                (written, partner.model_dump(by_alias=True), found, logos.pop(path.stem, None))
            )
    return results


def _load_partners(
    paths: list[Path], ids: ProgramIds | None, keep: bool
) -> Iterator[tuple[_WrittenName | None, Partner | None, list[Diagnostic], bytes | None]]:
    """Load partner files, in worker processes when there are many (results in input order).

    With ``keep`` false only diagnostics are wanted (``validate``), and no model is rebuilt.
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_THRESHOLD or workers < 2:
        logos: dict[str, bytes] = {}
        for path in paths:
            partner, found, written = load_partner_file(path, ids, logos=logos if keep else None)
            yield written, (partner if keep else None), found, logos.pop(path.stem, None)
        return
    chunks = [paths[i : i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk, results in zip(
            chunks,
            pool.map(_load_chunk, chunks, [ids] * len(chunks), [keep] * len(chunks)),
            strict=True,
        ):
            for path, (written, data, found, logo) in zip(chunk, results, strict=True):
                partner = (
                    Partner.model_validate({**data, "slug": path.stem})
                    if data is not None
                    else None
                )
                yield written, partner, found, logo


def _cross_file(
    folder: Path, files: list[Path], names: list[tuple[str, _WrittenName]]
) -> Iterator[Diagnostic]:
    """Slugs and names must be unique across files."""
    stems: dict[str, Path] = {}
    for path in files:
        if path.stem in stems:
            yield Diagnostic(
                display_path(path),
                1,
                1,
                "duplicate-slug",
                f"slug '{path.stem}' is also used by {display_path(stems[path.stem])}",
            )
        stems.setdefault(path.stem, path)
    first_with: dict[str, str] = {}
    for slug, (name, line, column) in sorted(names):
        key = name_key(name)
        if key in first_with:
            yield Diagnostic(
                display_path(folder / f"{slug}.yml"),
                line,
                column,
                "duplicate-name",
                f"name '{name}' is also used by "
                f"{display_path(folder / f'{first_with[key]}.yml')}",
            )
        first_with.setdefault(key, slug)


# --- pydantic errors in the user's words ---------------------------------------------------


def _validate(model: type[M], data: Any) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = [_problem(model, error) for error in exc.errors(include_url=False)]
        # pydantic also calls a list too short when its only items are invalid: say it once.
        inside = {p.loc[:length] for p in problems for length in range(len(p.loc))}
        return None, [p for p in problems if p.code != "too-short" or p.loc not in inside]


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
    "list_type": "a list",
}


def describe(value: Any) -> str:
    """How a user would name what they wrote."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _clean_loc(loc: tuple[str | int, ...]) -> Loc:
    """Drop the discriminator tags pydantic puts into locations inside tagged unions."""
    out: list[str | int] = []
    for index, part in enumerate(loc):
        if (
            isinstance(part, str)
            and part in REQUIREMENT_KINDS
            and index > 0
            and isinstance(loc[index - 1], int)
        ):
            continue
        if part == "[key]":
            continue
        out.append(part)
    return tuple(out)


def _problem(model: type[BaseModel], error: ErrorDetails) -> Problem:
    kind = error["type"]
    loc = _clean_loc(error["loc"])
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = str(loc[-1]) if loc else "file"
    # What the user wrote, as they would name it: 'summary', or 'scores' item 2.
    what = (
        f"'{loc[-2]}' item {loc[-1] + 1}"
        if len(loc) > 1 and isinstance(loc[-1], int)
        else f"'{name}'"
    )
    if kind == "missing":
        return Problem(loc[:-1], "missing-key", f"missing required key '{name}'", at_key=False)
    if kind == "extra_forbidden":
        known = _known_keys(model, loc[:-1])
        return Problem(
            loc, "unknown-key", f"unknown key '{name}'{did_you_mean(name, known)}", at_key=True
        )
    if error["loc"] and error["loc"][-1] == "[key]":
        return Problem(loc, "unknown-key", f"unknown key '{name}': {error['msg']}", at_key=True)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tag = ctx.get("tag", "")
        expected = ", ".join(REQUIREMENT_KINDS)
        if kind == "union_tag_not_found":
            return Problem(loc, "missing-key", f"missing required key 'kind' (one of: {expected})")
        return Problem(
            (*loc, "kind"),
            "unknown-kind",
            f"unknown requirement kind '{tag}'{did_you_mean(str(tag), REQUIREMENT_KINDS)}"
            f" (known: {expected})",
        )
    if kind == "bad_date":
        return Problem(loc, "date", f"{what}: {error['msg']}")
    if kind == "date_range":
        return Problem(loc, "date-range", f"{what}: {error['msg']}")
    if kind in ("string_too_long", "too_long"):
        limit = ctx.get("max_length")
        unit = "characters" if kind == "string_too_long" else "items"
        return Problem(
            loc, "too-long", f"{what} must be at most {limit} {unit} (it has {len(value)})"
        )
    if kind in ("string_too_short", "too_short"):
        limit = ctx.get("min_length")
        if kind == "string_too_short":
            return Problem(loc, "too-short", f"{what} must not be empty")
        return Problem(loc, "too-short", f"{what} must list at least {limit} item(s)")
    if kind == "string_pattern_mismatch":
        return Problem(
            loc,
            "id-format",
            f"'{value}' is not a valid id: use lowercase letters, digits and single hyphens",
        )
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        words = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        bound = next(iter(ctx.values()), "")
        return Problem(loc, "out-of-range", f"{what} must be {words} {bound}, not {value}")
    if kind == "literal_error":
        return Problem(loc, "invalid-value", f"{what}: expected {ctx.get('expected')}")
    if kind in _TYPE_WORDS:
        return Problem(
            loc, "wrong-type", f"{what} must be {_TYPE_WORDS[kind]}, not {describe(value)}"
        )
    return Problem(loc, "invalid", f"{what}: {error['msg']}")


def _known_keys(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys a mapping at ``loc`` may have, for "did you mean" (all members of a union)."""
    current: list[type[BaseModel]] = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        current = [found for m in current for found in _field_models(m, part)]
    return sorted(
        {(info.alias or name) for m in current for name, info in m.model_fields.items()}
        - {"slug"}
    )


def _field_models(model: type[BaseModel], key: str) -> list[type[BaseModel]]:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return _inner_models(info.annotation)
    return []


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _inner_models(typing.get_args(annotation)[0])
    if origin in (tuple, list, typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _inner_models(arg)]
    return []
