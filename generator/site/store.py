"""A content-addressed cache of build results on disk, safe to lose.

Each value sits in its own file, named by a key that is the SHA-256 of everything the value
was computed from (see ``generator.site.prepare``): a key is never reused for another value,
so a file is either right or not there. A file holds a header, the SHA-256 of its key and
payload, and the payload: a pickle, zlib-compressed unless it is over ``PLAIN_BYTES`` (the
few records of every partner at once, read and written whole at every build, where
compressing costs more time than the disk it saves); a file that is short, damaged, of
another format or of another key (a record copied over another's name) is treated as missing and
written again, never trusted. Files are written under a unique
temporary name in the same folder and renamed into place, so two builds sharing a cache
never see each other's half-written files: the later rename replaces an equal file.

The cache lives in ``.cache/partner-locator/`` beside ``mkdocs.yml`` unless the plugin's
``cache_dir`` option says otherwise. It holds only what the build computed from the
committed files; deleting it costs one cold build. Without a cache folder a build uses a
temporary one, removed when the build ends.

The checksums find damage, not forgery: the payloads are pickles, and reading a pickle can
run code, so whoever can write the cache can run code in the next build. Share it only
between builds that would run each other's code anyway (the pipeline keys it by branch, and
GitLab keeps protected branches' caches apart).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import secrets
import shutil
import tempfile
import time
import zlib
from collections.abc import Collection
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache

#: The first bytes of every cache file: the format, so an older layout is simply missed.
MAGIC = b"partner-locator cache 3\n"
#: A pickle over this many bytes is kept as it is, one byte ``_PLAIN`` before it.
PLAIN_BYTES = 1 << 20
_PLAIN, _ZLIB = b"p", b"z"
_DIGEST = 32
#: A value in use is marked so (its time set to now) when its time is older than this.
_FRESH = 86_400


class Store:
    """Values by key in a folder; see the module's description."""

    def __init__(self, root: Path | None) -> None:
        self.temporary = root is None
        self.root = Path(tempfile.mkdtemp(prefix="partner-locator-cache-")) if root is None \
            else root

    def path(self, key: str) -> Path:
        """Where the value of ``key`` is kept."""
        return self.root / key[:2] / key

    def get(self, key: str) -> Any | None:
        """The value stored under ``key``, or None when it is missing or not intact."""
        try:
            with self.path(key).open("rb") as handle:
                data = handle.read()
        except OSError:
            return None
        head = len(MAGIC)
        if len(data) < head + _DIGEST + 1 or not data.startswith(MAGIC):
            return None
        # Views, not copies: a record of every partner is hundreds of megabytes.
        payload = memoryview(data)[head + _DIGEST:]
        if _checksum(key, payload) != data[head:head + _DIGEST]:
            return None
        try:
            kind, body = payload[:1], payload[1:]
            if kind == _ZLIB:
                return pickle.loads(zlib.decompress(body))  # noqa: S301 - checked above
            return pickle.loads(body) if kind == _PLAIN else None  # noqa: S301 - checked above
        except Exception:
            return None

    def has(self, key: str) -> bool:
        """Whether a value is kept under ``key`` (not whether it is intact: ``get`` tells)."""
        return self.path(key).is_file()

    def put(self, key: str, value: Any) -> bool:
        """Keep ``value`` under ``key``; whether it was kept. A cache that cannot be written
        (a full disk, a read-only folder, a file in its place) is no error."""
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        kind, body = (_PLAIN, body) if len(body) > PLAIN_BYTES \
            else (_ZLIB, zlib.compress(body, 1))
        target = self.path(key)
        temporary = target.parent / f".{key}.{secrets.token_hex(4)}.tmp"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with temporary.open("wb") as handle:
                handle.write(MAGIC + _checksum(key, kind, body) + kind)
                handle.write(body)
            temporary.replace(target)
        except OSError:
            with contextlib.suppress(OSError):  # its folder may be a file
                temporary.unlink(missing_ok=True)
            return False
        return True

    def prune(self, used: set[str], *, days: float = 7, tag: str = "") -> int:
        """Remove the values that no build has used for more than ``days``, and temporary
        files left by stopped writers; the number of files removed.

        A file's time is its last use: it is set when the value is written, and each build
        sets it again (at most once a day) on the values it uses, named by ``used``, so that
        what another build sharing the cache (another branch's) still uses is kept.

        Builds of one kind (``tag``: the same folder and site) look at every file at most
        once a day, which is as often as a use is recorded: at 100,000 partners the look
        costs seconds.
        """
        now = time.time()
        cutoff = now - days * 86_400
        removed = 0
        # When builds of this kind last looked: the time of a record like any other, under
        # its own key, written after each look.
        marker = "p" + digest(tag) if tag else None
        if marker is not None and self.get(marker) is not None:
            with contextlib.suppress(OSError):
                if now - _FRESH < self.path(marker).lstat().st_mtime <= now:
                    return 0
        try:
            folders = list(os.scandir(self.root))
        except OSError:
            return 0
        for folder in folders:
            if not folder.is_dir(follow_symlinks=False):
                continue
            with os.scandir(folder.path) as entries:
                for entry in entries:
                    try:
                        mtime = entry.stat(follow_symlinks=False).st_mtime
                        if entry.name in used or entry.name == marker:
                            if mtime < now - _FRESH:
                                os.utime(entry.path, follow_symlinks=False)
                        elif mtime < cutoff:
                            Path(entry.path).unlink()
                            removed += 1
                    except OSError:
                        continue
        if marker is not None:
            self.put(marker, now)
        return removed

    def close(self) -> None:
        """Remove a temporary store; a named one stays for the next build."""
        if self.temporary:
            shutil.rmtree(self.root, ignore_errors=True)


class Held:
    """Large records that a long-running server keeps in memory between its rebuilds instead
    of reading and writing them each time (the ledger, the pieces, the plan, what was
    written): ``get`` reads a record from the store once, ``put`` replaces it in memory, and
    ``save`` writes the records that changed, when the server stops. A record ``put`` with
    ``save=False`` (of a temporary site) is never written."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}
        self._unsaved: set[str] = set()

    def get(self, store: Store, key: str) -> Any | None:
        """The record, from memory, or from ``store`` the first time."""
        if key not in self._values:
            self._values[key] = store.get(key)
        return self._values[key]

    def put(self, key: str, value: Any, *, save: bool = True) -> None:
        """Hold ``value`` as the record ``key`` (written by ``save`` unless ``save`` is
        False)."""
        self._values[key] = value
        if save:
            self._unsaved.add(key)
        else:
            self._unsaved.discard(key)

    def forget_unused(self, prefix: str, used: Collection[str]) -> None:
        """Let go of the records named with ``prefix`` that are not in ``used`` (those the
        last build did not read or write), so that what is held stays bounded by one build's
        worth, however long the server runs."""
        for key in [k for k in self._values if k.startswith(prefix) and k not in used]:
            del self._values[key]
            self._unsaved.discard(key)

    def save(self, store: Store) -> int:
        """Write the records put since the last save into ``store``; how many."""
        saved = 0
        for key in sorted(self._unsaved):
            saved += store.put(key, self._values[key])
        self._unsaved.clear()
        return saved


def _checksum(key: str, *payload: bytes | memoryview) -> bytes:
    """What a file's header holds: the SHA-256 of its key and payload (given in parts), so
    that a record is valid only under its own name."""
    hasher = hashlib.sha256(key.encode("utf-8") + b"\n")
    for part in payload:
        hasher.update(part)
    return hasher.digest()


def digest(*parts: bytes | str) -> str:
    """A key made of parts: each is length-prefixed, so no two lists of parts share a key."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


class TemplateCodes(BytecodeCache):
    """The theme's compiled templates, kept in the store, so that a build does not compile
    the same Jinja templates again (about fifty, a second of every build and every rebuild
    under ``mkdocs serve``). Jinja checks each against its template's source and its own
    format; a record is also named by Jinja's version and the environment's syntax
    settings, so a change of either compiles anew."""

    def __init__(self, store: Store, environment: Environment, *, held: Held | None = None,
                 used: set[str] | None = None) -> None:
        self._store, self._held = store, held
        self._used = used if used is not None else set()
        self._setting = repr((jinja2.__version__, sorted(environment.extensions),
                              environment.autoescape if isinstance(environment.autoescape, bool)
                              else "chosen", environment.block_start_string,
                              environment.block_end_string, environment.variable_start_string,
                              environment.variable_end_string, environment.comment_start_string,
                              environment.comment_end_string, environment.line_statement_prefix,
                              environment.line_comment_prefix, environment.trim_blocks,
                              environment.lstrip_blocks, environment.newline_sequence,
                              environment.keep_trailing_newline, environment.optimized))

    def _name(self, bucket: Bucket) -> str:
        return "t" + digest(self._setting, bucket.key)

    def load_bytecode(self, bucket: Bucket) -> None:
        name = self._name(bucket)
        code = self._store.get(name) if self._held is None else self._held.get(self._store, name)
        if isinstance(code, bytes):
            bucket.bytecode_from_string(code)
            self._used.add(name)

    def dump_bytecode(self, bucket: Bucket) -> None:
        name, code = self._name(bucket), bucket.bytecode_to_string()
        if self._held is not None:
            self._held.put(name, code)
            self._used.add(name)
        elif self._store.put(name, code):
            self._used.add(name)
