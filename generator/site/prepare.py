"""Each partner finished where it is parsed, and each result kept for the next build.

A worker process takes a partner file from bytes to everything the site needs of it: the
diagnostics, the public catalog entry, the profile page and the partner's own files (badge
image, comparison record, rewritten logo). The main process gets back only the entry and the
key under which the rest is stored; it never validates a model again.

Two results are cached per file (``generator.site.store``):

- the *checked* partner, keyed by the code, ``program.yml``, the folder's name as shown in
  messages, and the bytes of the file and of every file beside it with the same stem (its
  logo): the diagnostics, the name it gives, and when it is valid the validated partner and
  its rewritten logo;
- the *finished* partner, keyed by that key and the site's options: the public entry (private
  facts dropped), the page and files, the day they were made for and the first later day on
  which the entry can change (``generator.catalog.stable_until``). They serve every as-of day
  in between; the badge image is kept with a slot for the day, which is filled in as it is
  written.

A changed file, program, code or option misses both. A new day misses only the finished
partners whose stretch ended, so the daily rebuild reads no YAML or logo and evaluates only
the partners whose badges, tier or counts can have moved. The code's key covers every file of
the ``generator`` package and the versions of the libraries whose output the results hold.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import metadata
from pathlib import Path

from generator.catalog import (
    Catalog,
    CatalogEntry,
    by_name,
    make_entry,
    name_key,
    name_letter,
    stable_until,
)
from generator.checks import ProgramIds
from generator.diagnostics import Diagnostic
from generator.load import (
    LoadResult,
    begin_folder,
    display_path,
    finish_folder,
    load_folder,
    load_partner_file,
    read_limited,
)
from generator.model import Partner, Program
from generator.site.badge_image import badge_file_path, badge_template
from generator.site.common import DataFile, PlannedPage, SiteOptions, logo_path
from generator.site.compare import compare_bytes, compare_data_path
from generator.site.profiles import profile_page
from generator.site.store import Store, digest
from generator.site.urls import UrlStyle
from generator.source import MAX_FILE_BYTES

PACKAGE = Path(__file__).resolve().parent.parent
#: Libraries whose behaviour shows in cached results (messages, rendered markup, images).
LIBRARIES = ("pydantic", "pydantic-core", "PyYAML", "jinja2", "markupsafe", "pyuca",
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
    """What the main process keeps of a valid partner."""

    entry: CatalogEntry
    #: Key of the partner's ``Outputs`` in the store.
    outputs: str
    #: Key of the checked partner it was made from.
    checked: str
    #: Whether the profile has a description and a heading (its theme shape).
    described: bool
    headed: bool
    #: The outputs themselves when the store could not keep them (a cache that cannot be
    #: written): the build then does not depend on reading them back.
    kept: Outputs | None = None


@dataclass(frozen=True)
class Outputs:
    """A partner's profile page and its own files; the badge image with a slot for the day
    (``badge_template``), since the day it names moves while the rest stays the same."""

    page: PlannedPage
    files: tuple[DataFile, ...]
    badge: DataFile


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


_Result = tuple[tuple[str, int, int] | None, Finished | None, list[Diagnostic]]


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


def _finish(path: Path, names: Sequence[str], context: Context, store: Store) -> _Result:
    try:
        raw = read_limited(path, MAX_FILE_BYTES)
    except Exception:
        partner, found, written = load_partner_file(path, context.ids)
        return written, None, found
    key_parts = [context.base, path.name, raw, *_siblings(path, names)]
    key = digest(*key_parts)
    finished_key = "f" + digest(context.site, key)
    record = store.get(finished_key)
    if isinstance(record, tuple) and len(record) == 5:
        written, done, found, start, until = record
        # Valid from the day it was made for up to the first day its entry can change.
        if start <= context.as_of and (until is None or context.as_of < until):
            return written, done, found
    checked = store.get("c" + key)
    if checked is None:
        logos: dict[str, bytes] = {}
        partner, found, written = load_partner_file(path, context.ids, raw, logos)
        checked = (written, found, partner, logos.get(path.stem))
        # A logo replaced while it was checked: the result is used, not kept.
        if _siblings(path, names) == key_parts[3:]:
            store.put("c" + key, checked)
    written, found, partner, logo = checked
    if partner is None:
        store.put(finished_key, (written, None, found, date.min, None))
        return written, None, found
    done, _, until = render_partner(partner, logo, context, store, key=finished_key,
                                    checked="c" + key)
    store.put(finished_key, (written, done, found, context.as_of, until))
    return written, done, found


def render_partner(partner: Partner, logo: bytes | None, context: Context, store: Store, *,
                   key: str, checked: str) -> tuple[Finished, Outputs, date | None]:
    """Evaluate a valid partner on the day, render its page and files, store them; and the
    day its entry can first change (``stable_until``)."""
    program = context.program
    entry = make_entry(partner, program, context.as_of)
    until = stable_until(partner, program, context.as_of, entry.states)
    page = profile_page(entry, program, urls=UrlStyle(context.options.directory_urls),
                        options=context.options, site_url=context.site_url)
    files = [DataFile(compare_data_path(entry.slug), compare_bytes(entry, program))]
    if logo is not None and (target := logo_path(entry)) is not None:
        files.append(DataFile(target, logo))
    badge = DataFile(badge_file_path(entry.slug), badge_template(entry, program))
    outputs = Outputs(page, tuple(files), badge)
    outputs_key = "o" + digest(key, context.as_of.isoformat())
    stored = store.put(outputs_key, outputs)
    public = replace(entry, partner=partner.model_copy(update=PRIVATE))
    finished = Finished(public, outputs_key, checked, page.description is not None,
                        "<h1" in str(page.body), None if stored else outputs)
    return finished, outputs, until


def _finish_chunk(paths: list[Path], names: list[list[str]], context: Context) -> list[_Result]:
    store = Store(context.store)
    return [_finish(p, n, context, store) for p, n in zip(paths, names, strict=True)]


@dataclass(frozen=True)
class Prepared:
    """A folder loaded and finished: the load's outcome, and the catalog when it is valid."""

    result: LoadResult
    catalog: Catalog | None
    finished: tuple[Finished, ...]
    context: Context | None = None


def prepare(folder: Path, as_of: date, options: SiteOptions, site_url: str | None,
            store: Store) -> Prepared:
    """Load, check and finish every partner of a folder, through the store."""
    start = begin_folder(folder)
    if isinstance(start, LoadResult):
        return Prepared(start, None, ())
    program, ids, files, diagnostics, program_bytes = start
    yml = [p for p in files if p.suffix == ".yml"]
    if program is None or ids is None:
        # Without a program nothing is finished: the plain loader reports the files.
        return Prepared(load_folder(folder, keep_partners=False), None, ())
    base = digest(code_key(), program_bytes, display_path(folder))
    site = digest(base, repr(options), site_url or "")
    context = Context(program, ids, as_of, options, site_url, base, site, store.root)
    name_letter(name_key("a"))  # the collation tables, loaded once before workers start
    beside = _beside(folder)
    names = [beside.get(p.stem, []) for p in yml]
    loaded = (
        (path, written, finished, found)
        for path, (written, finished, found) in zip(yml, _run(yml, names, context), strict=True)
    )
    valid, diagnostics_all = finish_folder(folder, program, files, diagnostics, loaded)
    result = LoadResult(program, (), diagnostics_all, len(files), folder)
    if not result.ok:
        return Prepared(result, None, ())
    share = _Sharer(program)
    valid = [replace(f, entry=share(f.entry)) for f in valid]
    entries = sorted((f.entry for f in valid), key=by_name)
    return Prepared(result, Catalog(program, as_of, tuple(entries)), tuple(valid), context)


class _Sharer:
    """Points entries at the program's own tier, regions and badges, as freshly made ones
    do, instead of the copies each cached entry brings (memory, not meaning)."""

    def __init__(self, program: Program) -> None:
        self.tiers = {t.id: t for t in program.tiers}
        self.regions = {r.id: r for r in program.regions}
        self.badges = {b.id: b for b in program.badges}

    def __call__(self, entry: CatalogEntry) -> CatalogEntry:
        tier = entry.tier
        return replace(
            entry,
            tier=self.tiers.get(tier.id, tier) if tier is not None else None,
            regions=tuple(self.regions.get(r.id, r) for r in entry.regions),
            held=tuple(replace(h, badge=self.badges.get(h.badge.id, h.badge))
                       for h in entry.held),
        )


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


def _run(paths: list[Path], names: list[list[str]], context: Context) -> Iterator[_Result]:
    workers = min(os.cpu_count() or 1, 8)
    if len(paths) < PARALLEL_THRESHOLD or workers < 2:
        store = Store(context.store)
        for path, beside in zip(paths, names, strict=True):
            yield _finish(path, beside, context, store)
        return
    starts = range(0, len(paths), _CHUNK)
    pool_context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context) as pool:
        for results in pool.map(_finish_chunk, [paths[i:i + _CHUNK] for i in starts],
                                [names[i:i + _CHUNK] for i in starts],
                                [context] * len(starts)):
            yield from results


def outputs_of(store: Store, outputs_key: str, checked_key: str, slug: str,
               context: Context, *, kept: Outputs | None = None) -> Outputs:
    """A finished partner's page and files: ``kept`` when the store could not keep them.
    A record lost or damaged since the partner was finished is made again from the checked
    partner (its entry is the same on every day its record serves); never trusted."""
    if kept is not None:
        return kept
    outputs = store.get(outputs_key)
    if isinstance(outputs, Outputs):
        return outputs
    checked = store.get(checked_key)
    if isinstance(checked, tuple) and len(checked) == 4 and isinstance(checked[2], Partner):
        _, outputs, _ = render_partner(checked[2], checked[3], context, store,
                                       key="f" + digest(context.site, checked_key[1:]),
                                       checked=checked_key)
        store.put(outputs_key, outputs)
        return outputs
    raise OSError(f"the cache folder '{store.root}' lost the records of '{slug}' during the "
                  "build; build again")


def partner_file_paths(finished: Iterable[Finished]) -> Iterator[str]:
    """Where each partner's own files go, relative to the site's root."""
    for done in finished:
        yield badge_file_path(done.entry.slug)
        yield compare_data_path(done.entry.slug)
        if (logo := logo_path(done.entry)) is not None:
            yield logo


def tree_size(root: Path) -> int:
    """The bytes of every regular file under ``root`` (links not followed)."""
    total = 0
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    return total


def used_keys(prepared: Prepared) -> set[str]:
    """The store's values a build of ``prepared`` reads: its checked, finished and output
    records (the plan and what was written are kept by name in the plugin)."""
    context = prepared.context
    used: set[str] = set()
    if context is None:
        return used
    for done in prepared.finished:
        used.update((done.checked, done.outputs, "f" + digest(context.site, done.checked[1:])))
    return used
