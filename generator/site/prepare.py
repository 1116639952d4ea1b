"""Each partner finished where it is parsed, and each result kept for the next build.

A worker process takes a partner file from bytes to everything the site needs of it: the
diagnostics, the public catalog entry, the profile page and the partner's own files (badge
image, comparison record, rewritten logo). The main process gets back only a row of keys and
the partner's piece (``generator.site.pieces``); it never validates a model again, and reads
an entry back only to make a lost record again.

Two results are cached per file (``generator.site.store``):

- the *checked* partner, keyed by the code, ``program.yml``, the folder's name as shown in
  messages, and the bytes of the file and of every file beside it with the same stem (its
  logo): the diagnostics, the name it gives, and when it is valid the validated partner and
  its rewritten logo;
- the *finished* partner, keyed by that key and the site's options: the public entry (private
  facts dropped), the page and files, the day they were made for and the first later day on
  which the entry can change (``generator.catalog.stable_until``). They serve every as-of day
  in between (the badge image names no day, so it serves them too).

A changed file, program, code or option misses both. A new day misses only the finished
partners whose stretch ended, so the daily rebuild reads no YAML or logo and evaluates only
the partners whose badges, tier or counts can have moved; one whose public entry is still the
one its last record holds keeps that record's keys, and nothing of it is rendered again. The
code's key covers every file of the ``generator`` package and the versions of the libraries
whose output the results hold.

The finished record holds a small row (``Finished``): the keys of the partner's entry and
outputs, and what the build needs to place its files. The entry itself is a record of its
own, read only to make a lost piece or record again.

A *ledger* per folder and site keeps, for each partner file, the row and the file's stamp
(size, modification and change times, inode) and its logo's, as ``lstat`` gives them. A file
whose stamp is the same and whose row still holds on the day is not read again, like a file
``make`` or ``git status`` sees unchanged. A stamp is only kept when the file's change time
is a second or more before the build started, so that a file changed again within the
clock's resolution is read the next time. A record a ledger row points to that is lost or
damaged is made again from the checked partner, or from the file.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import metadata
from pathlib import Path

from generator.catalog import (
    CatalogEntry,
    make_entry,
    name_key,
    name_letter,
    stable_until,
)
from generator.checks import ProgramIds
from generator.diagnostics import Diagnostic
from generator.facets import facet_registry
from generator.load import (
    PROGRAM_FILE,
    FolderStart,
    LoadResult,
    begin_folder,
    display_path,
    finish_folder,
    load_folder,
    load_partner_file,
    read_limited,
)
from generator.model import Partner, Program
from generator.site.badge_image import badge_file_path, badge_svg
from generator.site.common import DataFile, PlannedPage, SiteOptions, logo_path, profile_src
from generator.site.compare import compare_bytes, compare_data_path
from generator.site.pieces import Piece, piece_of
from generator.site.profiles import profile_page
from generator.site.store import Held, Store, digest
from generator.site.urls import UrlStyle
from generator.source import MAX_FILE_BYTES

PACKAGE = Path(__file__).resolve().parent.parent
#: Libraries whose behaviour shows in cached results (messages, rendered markup, images).
LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "jinja2", "markupsafe", "pyuca", "pycountry",
             "pillow", "defusedxml")
#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400
_CHUNK = 250
#: The facts only badges are computed from: never part of a public entry.
PRIVATE: dict[str, object] = {
    "people": (), "engagements": (), "trainings": (), "noncompliance": (), "practices": (),
    "legacy_grants": {}, "program_contacts": None,
}


@cache
def code_key() -> str:
    """A key of the code that makes the results: every file of the package, and versions."""
    parts: list[bytes | str] = [sys.version]
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            parts += [path.relative_to(PACKAGE).as_posix(), path.read_bytes()]
    for name in LIBRARIES:
        try:
            parts += [name, metadata.version(name)]
        except metadata.PackageNotFoundError:
            parts += [name, ""]
    return digest(*parts)


@dataclass(frozen=True)
class Finished:
    """What the main process keeps of a valid partner: a row, small and plain."""

    slug: str
    #: Keys of the partner's ``Outputs``, of its public entry and of the checked partner.
    outputs: str
    entry_key: str
    checked: str
    #: Whether the profile has a description and a heading (its theme shape).
    described: bool
    headed: bool
    #: The logo file as the partner file names it, and the partner's own files in the site.
    logo: str | None
    own: tuple[str, ...]
    #: The partner file and the files beside it with its stem: to make lost records again.
    source: str
    beside: tuple[str, ...]
    #: The entry when it was made by this build (then it is not read back).
    entry: CatalogEntry | None = None
    #: The outputs themselves when the store could not keep them (a cache that cannot be
    #: written): the build then does not depend on reading them back.
    kept: Outputs | None = None
    #: The partner's piece, when this build made the entry (``generator.site.pieces``).
    piece: Piece | None = None

    def row(self) -> Finished:
        """The row as records keep it: without what only this build holds."""
        return replace(self, entry=None, kept=None, piece=None) \
            if self.entry or self.kept or self.piece else self


@dataclass(frozen=True)
class Outputs:
    """A partner's profile page and its own files (comparison record, badge image, logo)."""

    page: PlannedPage
    files: tuple[DataFile, ...]


@dataclass(frozen=True)
class Context:
    """What every partner of one build is finished with."""

    program: Program
    ids: ProgramIds
    as_of: date
    options: SiteOptions
    site_url: str | None
    #: Key of the code, ``program.yml`` and the folder's shown name.
    base: str
    #: Key of ``base`` and the site's options (not the day: a result holds for a stretch).
    site: str
    store: Path


#: A partner file's outcome: its written name, its row when valid, its problems, and the
#: days it holds for (from ``start``, up to but not including ``until``; None: no end).
_Result = tuple[tuple[str, int, int] | None, Finished | None, list[Diagnostic], date, date | None]
#: A file's ``lstat`` as a ledger compares it: size, modification and change times, inode.
Stamp = tuple[int, int, int, int]
#: What a ledger keeps of a file: its stamp and its logo's (by name), and its outcome.
_Line = tuple[tuple[Stamp, tuple[tuple[str, Stamp], ...]], _Result]
#: A file changed less than this before a build started is not stamped (clock resolution).
SETTLED_NS = 1_000_000_000


def _holds(result: _Result, as_of: date) -> bool:
    start, until = result[3], result[4]
    return start <= as_of and (until is None or as_of < until)


def _siblings(path: Path, names: Sequence[str]) -> list[bytes | str]:
    """The files beside a partner file that share its stem (its logo), as key parts."""
    parts: list[bytes | str] = []
    for name in names:
        parts.append(name)
        try:
            parts.append(read_limited(path.parent / name, MAX_FILE_BYTES + 1))
        except Exception as exc:
            parts.append(f"unreadable: {type(exc).__name__}")
    return parts


def _finish(path: Path, names: Sequence[str], context: Context, store: Store, *,
            trust: bool = True) -> _Result:
    """A partner file's outcome, from the store when it holds one for the day (``trust``)."""
    try:
        raw = read_limited(path, MAX_FILE_BYTES)
    except Exception:
        partner, found, written = load_partner_file(path, context.ids)
        return written, None, found, date.min, date.min
    key_parts = [context.base, path.name, raw, *_siblings(path, names)]
    key = digest(*key_parts)
    finished_key = "f" + digest(context.site, key)
    record = store.get(finished_key) if trust else None
    previous: Finished | None = None
    if isinstance(record, tuple) and len(record) == 5:
        if _holds(record, context.as_of):
            return record
        previous = record[1] if isinstance(record[1], Finished) else None
    checked = store.get("c" + key) if trust else None
    if checked is None:
        logos: dict[str, bytes] = {}
        partner, found, written = load_partner_file(path, context.ids, raw, logos)
        checked = (written, found, partner, logos.get(path.stem))
        # A logo replaced while it was checked: the result is used, not kept.
        if _siblings(path, names) == key_parts[3:]:
            store.put("c" + key, checked)
    written, found, partner, logo = checked
    if partner is None:
        result: _Result = (written, None, found, date.min, None)
        store.put(finished_key, result)
        return result
    entry = make_entry(partner, context.program, context.as_of)
    done, until = _evaluated(partner, entry, context, store, previous) if previous \
        and previous.checked == "c" + key else (None, None)
    if done is None:
        done, _, until = render_partner(partner, logo, context, store, key=finished_key,
                                        checked="c" + key, source=(str(path), tuple(names)),
                                        entry=entry)
    store.put(finished_key, (written, done.row(), found, context.as_of, until))
    return written, done, found, context.as_of, until


def _evaluated(partner: Partner, entry: CatalogEntry, context: Context, store: Store,
               previous: Finished) -> tuple[Finished | None, date | None]:
    """The partner evaluated on a new day, when its public entry is the one ``previous``
    holds (badges, tier and counts unmoved): then its page and files are those already
    stored, nothing is rendered, and the row keeps its keys, so that everything made from
    the entry by key (the lists, the locator's data) stays valid. (None, None) otherwise."""
    public = replace(entry, partner=partner.model_copy(update=PRIVATE))
    if store.get(previous.entry_key) != public or not store.has(previous.outputs):
        return None, None
    until = stable_until(partner, context.program, context.as_of, entry.states)
    return replace(previous, entry=public, kept=None), until


def render_partner(partner: Partner, logo: bytes | None, context: Context, store: Store, *,
                   key: str, checked: str, source: tuple[str, tuple[str, ...]],
                   entry: CatalogEntry | None = None,
                   ) -> tuple[Finished, Outputs, date | None]:
    """Evaluate a valid partner on the day (unless ``entry`` is that evaluation), render its
    page and files, store them; and the day its entry can first change (``stable_until``)."""
    program = context.program
    if entry is None:
        entry = make_entry(partner, program, context.as_of)
    until = stable_until(partner, program, context.as_of, entry.states)
    page = profile_page(entry, program, urls=UrlStyle(context.options.directory_urls),
                        options=context.options, site_url=context.site_url)
    files = [DataFile(compare_data_path(entry.slug), compare_bytes(entry)),
             DataFile(badge_file_path(entry.slug), badge_svg(entry, program))]
    if logo is not None and (target := logo_path(entry)) is not None:
        files.append(DataFile(target, logo))
    outputs = Outputs(page, tuple(files))
    day = context.as_of.isoformat()
    outputs_key, entry_key = "o" + digest(key, day), "e" + digest(key, day)
    public = replace(entry, partner=partner.model_copy(update=PRIVATE))
    stored = store.put(outputs_key, outputs) & store.put(entry_key, public)
    own = tuple(f.path for f in files)
    piece = piece_of(entry, facet_registry(program), UrlStyle(context.options.directory_urls))
    finished = Finished(entry.slug, outputs_key, entry_key, checked,
                        page.description is not None, "<h1" in str(page.body),
                        partner.logo, own, *source, public, None if stored else outputs, piece)
    return finished, outputs, until


def _finish_chunk(paths: list[Path], names: list[list[str]], context: Context) -> list[_Result]:
    """A worker's share. The entries it made stay here: the main process works from the
    rows and pieces, and reads an entry back only when it needs one."""
    store = Store(context.store)
    results = []
    for path, beside in zip(paths, names, strict=True):
        written, row, found, start, until = _finish(path, beside, context, store)
        if row is not None and row.entry is not None and row.kept is None:
            row = replace(row, entry=None)
        results.append((written, row, found, start, until))
    return results


@dataclass(frozen=True)
class Changed:
    """What a watcher of a folder saw change since the last build: the names of the files
    written, added, removed or renamed in it, and whether its listing changed (an entry
    added, removed or renamed, or something in a subfolder)."""

    names: frozenset[str]
    listing: bool


@dataclass(frozen=True)
class Seen:
    """What a build listed of a folder, for the next one told what changed (``Changed``):
    the folder's start (``begin_folder``), its other files by stem, and each partner file's
    stamps. All of it depends on the folder's files alone, not on the site's options."""

    folder: str
    start: FolderStart
    beside: dict[str, list[str]]
    stamps: dict[str, tuple[Stamp, tuple[tuple[str, Stamp], ...]] | None]


@dataclass
class Prepared:
    """A folder loaded and finished: the load's outcome, and its valid partners' rows."""

    result: LoadResult
    finished: tuple[Finished, ...]
    context: Context | None = None
    #: The name of the folder's ledger in the store.
    ledger: str | None = None
    #: How many partner files were read: the others were unchanged since the ledger.
    read: int = 0
    #: What was listed, for the next build of a server that watches the folder.
    seen: Seen | None = None


def prepare(folder: Path, as_of: date, options: SiteOptions, site_url: str | None,
            store: Store, *, pool: Executor | None = None,
            held: Held | None = None, seen: Seen | None = None,
            changed: Changed | None = None) -> Prepared:
    """Load, check and finish every partner of a folder, through the store (in ``pool``'s
    worker processes when there are many files to read; without one, forked now), its ledger
    ``held`` in memory between the rebuilds of a server.

    A server that watches the folder passes what its last build ``seen`` and what
    ``changed`` since: then only the files named there are looked at again (and the folder
    listed again only when its listing changed)."""
    now = time.time_ns()
    if changed is None or PROGRAM_FILE in changed.names \
            or (seen is not None and seen.folder != os.path.realpath(folder)):
        seen = None
    # The last build's listing, when no entry was added, removed or renamed since.
    listed_before = seen if seen is not None and changed is not None \
        and not changed.listing else None
    if listed_before is not None:
        program, ids, listed, found, raw = listed_before.start
        start: FolderStart | LoadResult = (program, ids, listed, list(found), raw)
    else:
        start = begin_folder(folder)
    if isinstance(start, LoadResult):
        return Prepared(start, ())
    program, ids, files, diagnostics, program_bytes = start
    yml = [p for p in files if p.suffix == ".yml"]
    if program is None or ids is None:
        # Without a program nothing is finished: the plain loader reports the files.
        return Prepared(load_folder(folder, keep_partners=False), ())
    base = digest(code_key(), program_bytes, display_path(folder))
    site = digest(base, repr(options), site_url or "")
    context = Context(program, ids, as_of, options, site_url, base, site, store.root)
    name_letter(name_key("a"))  # the collation tables, loaded once before workers start
    ledger = "l" + digest(site, os.path.realpath(folder))
    beside = listed_before.beside if listed_before is not None else _beside(folder)
    names = [beside.get(p.stem, []) for p in yml]
    last = store.get(ledger) if held is None else held.get(store, ledger)
    lines: dict[str, _Line] = last if isinstance(last, dict) else {}
    if seen is None or changed is None:
        stamps = [_stamps(path, n) for path, n in zip(yml, names, strict=True)]
    else:
        # Only what the watcher named is looked at again; the others keep last build's stamps.
        again = {name.rpartition(".")[0] for name in changed.names}
        stamps = []
        for path, n in zip(yml, names, strict=True):
            if path.stem in again or path.name not in seen.stamps:
                stamps.append(_stamps(path, n))
            else:
                stamps.append(seen.stamps[path.name])
    results: list[_Result | None] = []
    todo: list[int] = []
    for number, (path, stamp) in enumerate(zip(yml, stamps, strict=True)):
        line = lines.get(path.name)
        if stamp is not None and line is not None and line[0] == stamp \
                and _holds(line[1], as_of):
            results.append(line[1])
        else:
            results.append(None)
            todo.append(number)
    for number, fresh in zip(todo, _run([yml[i] for i in todo], [names[i] for i in todo],
                                        context, pool), strict=True):
        results[number] = fresh
    done = [r for r in results if r is not None]
    kept = _ledger_lines(yml, stamps, done, now)
    if kept != lines:
        if held is None:
            store.put(ledger, kept)
        else:
            held.put(ledger, kept)
    loaded = ((path, written, finished, found)
              for path, (written, finished, found, _, _) in zip(yml, done, strict=True))
    after = Seen(os.path.realpath(folder), (program, ids, files, list(diagnostics),
                                            program_bytes), beside,
                 {path.name: stamp for path, stamp in zip(yml, stamps, strict=True)})
    valid, diagnostics_all = finish_folder(folder, program, files, diagnostics, loaded)
    result = LoadResult(program, (), diagnostics_all, len(files), folder)
    if not result.ok:
        return Prepared(result, (), None, ledger, len(todo), after)
    return Prepared(result, tuple(valid), context, ledger, len(todo), after)


def _stamp(path: Path | str) -> Stamp | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _stamps(path: Path, names: Sequence[str]
            ) -> tuple[Stamp, tuple[tuple[str, Stamp], ...]] | None:
    """A partner file's stamp and its logo's; None when one cannot be had."""
    own = _stamp(path)
    if own is None:
        return None
    beside = []
    # Joined as strings: a Path per logo costs a second at 100,000 partners.
    parent = os.path.dirname(path)  # noqa: PTH120
    for name in names:
        stamp = _stamp(os.path.join(parent, name))  # noqa: PTH118
        if stamp is None:
            return None
        beside.append((name, stamp))
    return own, tuple(beside)


def _ledger_lines(yml: Sequence[Path], stamps: Sequence[tuple[Stamp, tuple[tuple[str, Stamp],
                  ...]] | None], results: Sequence[_Result], now: int) -> dict[str, _Line]:
    """The ledger's lines for this build: the files that had settled before it started,
    whose outcome is in the store (no outputs held in memory only)."""
    lines: dict[str, _Line] = {}
    settled = now - SETTLED_NS
    for path, stamp, result in zip(yml, stamps, results, strict=True):
        if stamp is None or any(s[2] >= settled for s in (stamp[0], *(b[1] for b in stamp[1]))):
            continue
        row = result[1]
        if row is not None and row.kept is not None:
            continue
        lines[path.name] = (stamp, (result[0], row.row() if row else None, *result[2:]))
    return lines


def _beside(folder: Path) -> dict[str, list[str]]:
    """Names of the non-YAML files of a folder, by stem."""
    found: dict[str, list[str]] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            stem, dot, suffix = entry.name.rpartition(".")
            if dot and suffix.lower() not in ("yml", "yaml"):
                found.setdefault(stem, []).append(entry.name)
    for names in found.values():
        names.sort()
    return found


def _run(paths: list[Path], names: list[list[str]], context: Context,
         pool: Executor | None = None) -> Iterator[_Result]:
    if len(paths) < PARALLEL_THRESHOLD or worker_count() < 2:
        store = Store(context.store)
        for path, beside in zip(paths, names, strict=True):
            yield _finish(path, beside, context, store)
        return
    starts = range(0, len(paths), _CHUNK)
    with workers_of(pool) as running:
        for results in running.map(_finish_chunk, [paths[i:i + _CHUNK] for i in starts],
                                   [names[i:i + _CHUNK] for i in starts],
                                   [context] * len(starts)):
            yield from results


def build_pool() -> ProcessPoolExecutor | None:
    """Worker processes for a build (``prepare``, then ``write_profiles``), started now.
    Forked early in the build (before it holds the plan of every page), they share little of
    it; forked, not spawned, they run the build's own copy of the code and never its main
    script again. None where there are fewer than two cores, and on systems without
    ``fork``."""
    if worker_count() < 2 or sys.platform != "linux":
        return None
    name_letter(name_key("a"))  # the collation tables, loaded once before workers start
    pool = ProcessPoolExecutor(max_workers=worker_count(),
                               mp_context=multiprocessing.get_context("fork"))
    pool.submit(int)  # a forking pool starts all its workers at its first task
    return pool


@contextmanager
def workers_of(pool: Executor | None) -> Iterator[Executor]:
    """``pool`` (``build_pool``), or worker processes started now and stopped after."""
    if pool is not None:
        yield pool
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(max_workers=worker_count(), mp_context=context) as own:
        yield own


def worker_count() -> int:
    """Worker processes a pool has: one per core, at most eight."""
    return min(os.cpu_count() or 1, 8)


def _remade(store: Store, done: Finished, context: Context) -> tuple[CatalogEntry, Outputs]:
    """A partner's entry and outputs made again, from its checked record or, when that is
    lost too, from its file, and kept under the row's keys: they are the same on every day
    the row serves. A file that no longer gives the same checked partner changed during
    the build."""
    checked = store.get(done.checked)
    key = "f" + digest(context.site, done.checked[1:])
    outputs: object
    if isinstance(checked, tuple) and len(checked) == 4 and isinstance(checked[2], Partner):
        again, outputs, _ = render_partner(checked[2], checked[3], context, store, key=key,
                                           checked=done.checked,
                                           source=(done.source, done.beside))
    else:
        row = _finish(Path(done.source), done.beside, context, store, trust=False)[1]
        if row is None or row.checked != done.checked or row.entry is None:
            raise OSError(f"the partner file of '{done.slug}' changed during the build; "
                          "build again")
        again = row
        outputs = row.kept if row.kept is not None else store.get(row.outputs)
    if again.entry is None or not isinstance(outputs, Outputs):
        raise OSError(f"the cache folder '{store.root}' changed during the build; build again")
    store.put(done.outputs, outputs)
    store.put(done.entry_key, again.entry)
    return again.entry, outputs


def outputs_of(store: Store, done: Finished, context: Context) -> Outputs:
    """A finished partner's page and files: those it holds when the store could not keep
    them; a record lost or damaged since it was made is made again (its outputs are the
    same on every day its row serves), never trusted."""
    if done.kept is not None:
        return done.kept
    outputs = store.get(done.outputs)
    if isinstance(outputs, Outputs):
        return outputs
    return _remade(store, done, context)[1]


def entry_of(store: Store, done: Finished, context: Context) -> CatalogEntry:
    """A finished partner's public entry, read back or made again like ``outputs_of``."""
    if done.entry is not None:
        return done.entry
    entry = store.get(done.entry_key)
    if isinstance(entry, CatalogEntry):
        return entry
    return _remade(store, done, context)[0]


def partner_file_paths(finished: Iterable[Finished]) -> Iterator[str]:
    """Where each partner's own files go, relative to the site's root."""
    for done in finished:
        yield from done.own


def partner_site_paths(done: Finished, style: UrlStyle) -> tuple[str, ...]:
    """Every file a build writes for one partner, relative to the site's root: its profile
    page, then its own files (``partner_file_paths``)."""
    return (style.output_path(profile_src(done.slug)), *done.own)


def tree_size(root: Path, known: Collection[str] = ()) -> int:
    """The bytes of every regular file under ``root`` (links not followed), but those of the
    files and folders at the relative paths ``known``, whose bytes a build counted as it wrote
    them (``owned_paths``): a stat a file for the rest."""
    total = 0
    folders: list[tuple[str, str]] = [(os.fspath(root), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if known and relative in known:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, relative + "/"))
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    return total


def owned_paths(paths: Iterable[str]) -> set[str]:
    """The entries of a site that hold only the files at ``paths``, for ``tree_size`` to
    leave out: a file's folder two levels down (``partners/<slug>``, which only a partner's
    own files are written to), or the file itself when it is nearer the root."""
    owned: set[str] = set()
    for path in paths:
        top, _, rest = path.partition("/")
        sub, slash, _ = rest.partition("/")
        owned.add(f"{top}/{sub}" if slash else path)
    return owned


def used_keys(prepared: Prepared) -> set[str]:
    """The store's values a build of ``prepared`` reads: its checked, finished and output
    records (the plan and what was written are kept by name in the plugin)."""
    context = prepared.context
    used: set[str] = set()
    if context is None:
        return used
    if prepared.ledger is not None:
        used.add(prepared.ledger)
    for done in prepared.finished:
        used.update((done.checked, done.outputs, done.entry_key,
                     "f" + digest(context.site, done.checked[1:])))
    return used
