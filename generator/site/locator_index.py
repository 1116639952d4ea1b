"""The locator's search data: a compact facet index, card chunks and term shards.

Everything the locator's script needs to search, filter, count and sort is made here, at build
time, from the catalog. Partners are numbered by their place in the catalog (name order), and
every file refers to them by that number:

- ``index-<hash>.json``, fetched once: for each facet, its values and one bitset per value
  (bit ``i`` set when partner ``i`` has the value), each partner's days since its latest award
  (for "most recently awarded"), the card chunk files and the term shard files.
- ``cards-<hash>.json``: what a result card shows, for ``CARDS_PER_CHUNK`` partners in a row;
  fetched only for partners on screen.
- ``names.json``, under a fixed name: the card chunk and term shard files and the stop words,
  without the facet sets, for the header search of every page (which cannot know the hashed
  name of the index).
- ``terms-<hash>.txt``: an inverted index of the words of names, summaries and cities, split
  by the words' first letters; fetched only for the letters a visitor types. One line a word:
  ``word<TAB>partners by name<TAB>partners by other text``, each a comma-separated list of
  base-36 gaps between partner numbers.

Facet labels (countries, services, ...) are matched by the script against the labels already
on the page, so they need no index of their own. File names carry a hash of their bytes, so
equal data gives equal files and a changed file gets a new name.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.catalog import Catalog, CatalogEntry
from generator.facets import Facet, FacetResult

#: Where the data files are published, relative to the site root.
DATA_DIR = "assets/partner-locator/data/"
#: Partners per card chunk: a first screen of scattered results fetches at most one chunk a card.
CARDS_PER_CHUNK = 100
#: A term shard larger than this (uncompressed bytes) is split by the next letter.
SHARD_LIMIT = 24_000
#: Shards are never keyed by more letters than this.
SHARD_MAX_PREFIX = 3
#: Words longer than this are not indexed (they are never typed).
MAX_TOKEN = 40
#: A card's summary line is the partner's summary cut to about this many characters.
SNIPPET_LENGTH = 120
#: The fixed-name file the header search starts from.
NAMES_PATH = DATA_DIR + "names.json"
#: Words too common to mean anything on their own; not indexed outside names, and ignored in
#: a query unless they are the word being typed.
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "our", "that", "the", "their", "them", "they", "this",
    "to", "we", "with",
))
FORMAT_VERSION = 1
_TOKEN = re.compile(r"[^\W_]+")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


#: Letters that Unicode does not decompose into a base letter and an accent.
_PLAIN_LETTERS = str.maketrans({
    "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "ł": "l", "þ": "th",
    "\u0131": "i", "ħ": "h",  # dotless i
})


def fold(text: str) -> str:
    """Lower case without accents, as the script folds a query (``fold`` in locator.js)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return plain.translate(_PLAIN_LETTERS)


def tokens(text: str) -> list[str]:
    """The searchable words of a text, folded, in order (letters and digits only)."""
    return [t for t in _TOKEN.findall(fold(text)) if len(t) <= MAX_TOKEN]


def snippet(text: str, limit: int = SNIPPET_LENGTH) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters and "…"."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    head = line[: limit + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else line[:limit]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "\u2026"


def base36(number: int) -> str:
    """A non-negative number in base 36, as JavaScript's ``parseInt(text, 36)`` reads it."""
    if number == 0:
        return "0"
    digits = []
    while number:
        number, rest = divmod(number, 36)
        digits.append(_DIGITS[rest])
    return "".join(reversed(digits))


def gaps(numbers: Iterable[int]) -> str:
    """Sorted partner numbers as base-36 gaps from the previous one (the first from -1)."""
    previous = -1
    out = []
    for number in numbers:
        out.append(base36(number - previous))
        previous = number
    return ",".join(out)


def bitset(members: Iterable[int], count: int) -> str:
    """Base64 of a little-endian bitset of ``count`` bits with ``members`` set."""
    raw = bytearray((count + 7) // 8)
    for number in members:
        raw[number >> 3] |= 1 << (number & 7)
    return base64.b64encode(bytes(raw)).decode("ascii")


def _named(kind: str, content: bytes, suffix: str) -> str:
    return f"{kind}-{hashlib.sha256(content).hexdigest()[:10]}{suffix}"


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class LocatorIndex:
    """The locator's data files: paths relative to the site root, and their bytes."""

    index_path: str
    files: Mapping[str, bytes]


def card_record(entry: CatalogEntry, countries: Mapping[str, int],
                services: Mapping[str, int]) -> list[Any]:
    """``[name, slug, logo suffix, city, headquarters country, more offices, services, summary]``.

    Badges and tier are read from the facet bitsets; codes index the facets' value lists.
    """
    logo = entry.partner.logo
    hq = entry.partner.headquarters
    return [
        entry.name,
        entry.slug,
        Path(logo).suffix.lower().lstrip(".") if logo else "",
        hq.city,
        countries[hq.country],
        len(entry.offices) - 1,
        [services[s] for s in entry.partner.services],
        snippet(entry.partner.summary),
    ]


def _term_postings(entries: Sequence[CatalogEntry]) -> dict[str, tuple[list[int], list[int]]]:
    postings: dict[str, tuple[list[int], list[int]]] = {}
    for number, entry in enumerate(entries):
        in_name = set(tokens(entry.name))
        other_text = " ".join((entry.partner.summary, *(o.city for o in entry.offices)))
        in_other = {t for t in tokens(other_text) if t not in STOP_WORDS} - in_name
        for token in in_name:
            postings.setdefault(token, ([], []))[0].append(number)
        for token in in_other:
            postings.setdefault(token, ([], []))[1].append(number)
    return postings


def _shards(lines: Sequence[tuple[str, str]], prefix_length: int = 1) -> dict[str, list[str]]:
    """Group sorted ``(token, line)`` pairs by prefix; split a large group by the next letter.

    A token belongs to the shard with the longest key that starts it, so a token as short as
    a split group's key stays under that key.
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    for token, line in lines:
        groups.setdefault(token[:prefix_length], []).append((token, line))
    out: dict[str, list[str]] = {}
    for key, members in groups.items():
        size = sum(len(line) + 1 for _, line in members)
        if size <= SHARD_LIMIT or prefix_length >= SHARD_MAX_PREFIX:
            out[key] = [line for _, line in members]
            continue
        exact = [line for token, line in members if token == key]
        if exact:
            out[key] = exact
        out.update(_shards([m for m in members if m[0] != key], prefix_length + 1))
    return out


def build_locator_index(catalog: Catalog, facets: Sequence[Facet],
                        results: Sequence[FacetResult]) -> LocatorIndex:
    """Every data file of the locator, for the catalog's partners in name order."""
    entries = catalog.entries
    count = len(entries)
    files: dict[str, bytes] = {}
    by_name = {f.name: f for f in facets}
    facet_data = []
    for result in results:
        values = [v.value for v in result.values]
        members: dict[str, list[int]] = {v: [] for v in values}
        values_of = by_name[result.name].values_of
        for number, entry in enumerate(entries):
            for value in dict.fromkeys(values_of(entry)):
                members[value].append(number)
        facet_data.append({"name": result.name, "values": values,
                           "bits": [bitset(members[v], count) for v in values]})
    codes = {f["name"]: {v: i for i, v in enumerate(f["values"])} for f in facet_data}

    chunks = []
    for start in range(0, count, CARDS_PER_CHUNK):
        content = _json([card_record(e, codes["country"], codes["service"])
                         for e in entries[start:start + CARDS_PER_CHUNK]])
        name = _named("cards", content, ".json")
        files[DATA_DIR + name] = content
        chunks.append(name)

    postings = _term_postings(entries)
    lines = [(t, f"{t}\t{gaps(postings[t][0])}\t{gaps(postings[t][1])}")
             for t in sorted(postings)]
    terms = {}
    for key, shard in sorted(_shards(lines).items()):
        content = ("\n".join(shard) + "\n").encode()
        name = _named("terms", content, ".txt")
        files[DATA_DIR + name] = content
        terms[key] = name

    award = [
        (catalog.as_of - e.last_awarded).days + 1 if e.last_awarded is not None else 0
        for e in entries
    ]
    index = _json({
        "version": FORMAT_VERSION,
        "count": count,
        "facets": facet_data,
        "award": award,
        "cards": {"size": CARDS_PER_CHUNK, "files": chunks},
        "terms": terms,
        "stop": sorted(STOP_WORDS),
    })
    index_path = DATA_DIR + _named("index", index, ".json")
    files[index_path] = index
    # Paths relative to names.json, which sits beside the files it names.
    files[NAMES_PATH] = _json({
        "version": FORMAT_VERSION,
        "count": count,
        "cards": {"size": CARDS_PER_CHUNK, "files": chunks},
        "terms": terms,
        "stop": sorted(STOP_WORDS),
    })
    return LocatorIndex(index_path, dict(sorted(files.items())))
