"""The locator's search data: a small index, facet files, card chunks and term shards.

Everything the locator's script needs to search, filter, count and sort is made here, at build
time, from the catalog. Partners are numbered by their place in the catalog (name order), and
every file refers to them by that number. A view fetches only what it needs, so the bytes of a
filtered view grow with the partners it touches rather than with the whole catalog:

- ``index-<hash>.json``, fetched once and small: for each facet its values, how many partners
  have each value (the counts of a view without filters or search), and the files below.
- ``set-<hash>.bin``, one per facet value: the partners that have it (``id_set``). Fetched
  when a search word matches the value's label.
- ``rows-<hash>.bin``, one per facet value: every facet's values of the partners that have
  this one, in partner order (``rows_file``), and one more for all partners. A filtered view
  fetches the rows of the ticked values of its most selective facet: they hold the view's
  partners, and the counts of every other facet. The ticked facet's own counts, which ignore
  its own selection, come from the next most selective facet's rows, its own values' rows or
  the rows of all partners, whichever has the fewest partners.
- ``award-<hash>.json``: each partner's days since its latest award, for "most recently
  awarded"; fetched only for that order.
- ``cards-<digest>-<number>.json``: what a result card shows, for ``CARDS_PER_CHUNK``
  partners in a row; fetched only for partners on screen. The digest is a hash of the chunks
  of its group of ``CHUNKS_PER_DIGEST``, so the index names a hundred chunks with one value,
  and a partner changed renames only the chunks of its group.
- ``names.json``, under a fixed name: the card chunk and term shard files and the stop words,
  for the header search of every page (which cannot know the hashed name of the index).
- ``terms-<hash>.txt``: an inverted index of the words of names, summaries and cities, split
  by the words' first letters; fetched only for the letters a visitor types. One line a word:
  ``word<TAB>partners by name<TAB>partners by other text``, each a comma-separated list of
  base-36 gaps between partner numbers. The words are grouped again by first letters, more
  finely, for a set and a rows file of the partners each group's words find (``termRows``):
  the counts of a search come from the rows of the groups of its words.

Facet labels (countries, services, ...) are matched by the script against the labels already
on the page, so they need no index of their own. File names carry a hash of their bytes, so
equal data gives equal files and a changed file gets a new name (card chunks: when any
chunk changes).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from generator.catalog import Catalog
from generator.facets import Facet, FacetResult

if TYPE_CHECKING:
    from generator.site.pieces import Piece, PieceCatalog

#: Where the data files are published, relative to the site root.
DATA_DIR = "assets/partner-locator/data/"
#: Partners per card chunk: a first screen of scattered results fetches at most one chunk a card.
CARDS_PER_CHUNK = 25
#: Card chunks that share a digest in their names: 1,000 partners.
CHUNKS_PER_DIGEST = 40
#: A term shard larger than this (uncompressed bytes) is split by the next letter.
SHARD_LIMIT = 24_000
#: The words of a term shard are grouped further for their rows: a group whose words find more
#: partners than this share of all, and than ``SHARD_FOUND_MIN``, is split by the next letter,
#: so that the rows a search reads stay small.
SHARD_FOUND_SHARE = 0.1
SHARD_FOUND_MIN = 1000
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
FORMAT_VERSION = 2
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
    if number < _SMALL:
        return _small_numbers()[number]
    return _base36(number)


#: Numbers below this (three digits) are looked up: most gaps between partners are small.
_SMALL = 36 ** 3


@cache
def _small_numbers() -> tuple[str, ...]:
    return tuple(_base36(n) for n in range(_SMALL))


def _base36(number: int) -> str:
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


def _named(kind: str, content: bytes, suffix: str) -> str:
    return f"{kind}-{hashlib.sha256(content).hexdigest()[:10]}{suffix}"


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class LocatorIndex:
    """The locator's data files: paths relative to the site root, and their bytes."""

    index_path: str
    files: Mapping[str, bytes]


def card_record(piece: Piece, codes: Mapping[str, Mapping[str, int]]) -> list[Any]:
    """``[name, slug, logo suffix, city, headquarters country, more offices, services, summary,
    badges, tier]``.

    Codes index the facets' value lists; the tier is -1 for a partner without one.
    """
    return [
        piece.name,
        piece.slug,
        posixpath.splitext(piece.logo)[1].lstrip(".") if piece.logo else "",
        piece.city,
        codes["country"][piece.country],
        piece.more_offices,
        [codes["service"][s] for s in piece.services],
        piece.snippet,
        [codes["badge"][b] for b in piece.held],
        codes["tier"][piece.tier] if piece.tier is not None else -1,
    ]


def _term_postings(pieces: Sequence[Piece]) -> dict[str, tuple[list[int], list[int]]]:
    postings: dict[str, tuple[list[int], list[int]]] = {}
    for number, piece in enumerate(pieces):
        for token in piece.in_name:
            postings.setdefault(token, ([], []))[0].append(number)
        for token in piece.in_other:
            postings.setdefault(token, ([], []))[1].append(number)
    return postings


def _shards(lines: Sequence[tuple[str, str]], prefix_length: int = 1,
            found: Callable[[str], Iterable[int]] | None = None,
            found_limit: int = 0) -> dict[str, list[str]]:
    """Group sorted ``(token, line)`` pairs by prefix; split a large group by the next letter.

    A group is large when its lines pass ``SHARD_LIMIT`` bytes or, with ``found``, when its
    words find more than ``found_limit`` partners (``found`` gives a token's partners): the
    rows of those partners come with the shard when a search counts. A token belongs to the
    shard with the longest key that starts it, so a token as short as a split group's key
    stays under that key.
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    for token, line in lines:
        groups.setdefault(token[:prefix_length], []).append((token, line))
    out: dict[str, list[str]] = {}
    for key, members in groups.items():
        size = sum(len(line) + 1 for _, line in members)
        small = size <= SHARD_LIMIT
        if small and found is not None and len(members) > 1:
            partners: set[int] = set()
            for token, _ in members:
                partners.update(found(token))
            small = len(partners) <= found_limit
        if small or prefix_length >= SHARD_MAX_PREFIX:
            out[key] = [line for _, line in members]
            continue
        exact = [line for token, line in members if token == key]
        if exact:
            out[key] = exact
        out.update(_shards([m for m in members if m[0] != key], prefix_length + 1,
                           found, found_limit))
    return out


def id_set(numbers: Sequence[int], count: int) -> bytes:
    """Sorted partner numbers as a set file: whichever of two encodings is shorter.

    A first byte 0 is followed by a little-endian bitset of ``count`` bits; a first byte 1 by
    the gaps between numbers (the first from -1) as unsigned LEB128 varints.
    """
    raw = bytearray((count + 7) // 8)
    for number in numbers:
        raw[number >> 3] |= 1 << (number & 7)
    varints = bytearray()
    previous = -1
    for number in numbers:
        gap = number - previous
        previous = number
        while gap >= 0x80:
            varints.append((gap & 0x7F) | 0x80)
            gap >>= 7
        varints.append(gap)
    return b"\x00" + bytes(raw) if len(raw) <= len(varints) else b"\x01" + bytes(varints)


def mask_width(values: int) -> int:
    """Bytes a row's values of a facet take in a rows file: a bitmask for up to 16 values.

    0 marks the list form for facets with more values: a count byte, then one value number a
    byte (two, little-endian, beyond 256 values).
    """
    return (values + 7) // 8 if values <= 16 else 0


def _row_codes(values: int, codes: Sequence[int]) -> bytes:
    width = mask_width(values)
    if width:
        mask = 0
        for code in codes:
            mask |= 1 << code
        return mask.to_bytes(width, "little")
    size = 1 if values <= 256 else 2
    return bytes((len(codes),)) + b"".join(c.to_bytes(size, "little") for c in codes)


def rows_file(columns: Sequence[Sequence[bytes]], numbers: Iterable[int]) -> bytes:
    """The facet values of the partners ``numbers``, one facet after another (``_row_codes``)."""
    chosen = list(numbers)
    if not chosen:
        return b""
    if len(chosen) == 1:
        return b"".join(column[chosen[0]] for column in columns)
    pick = itemgetter(*chosen)
    return b"".join(b"".join(pick(column)) for column in columns)


class IndexMemo:
    """What one build of the locator's index worked out, per partner, per word and per set
    of partners, for the next build to take instead of working it out again (the rebuilds of
    ``mkdocs serve``, where one partner changes at a time).

    Everything kept is a pure function of its key; the per-partner parts also depend on the
    facets' value lists, so a change of those starts afresh. Only what the last build used
    is kept, so the memo holds one build's worth however long a server runs.
    """

    def __init__(self) -> None:
        self._signature: object = None
        self._last: dict[object, Any] = {}
        self._now: dict[object, Any] = {}

    def begin(self, signature: object) -> None:
        """Start a build whose facets have the value lists ``signature``."""
        self._last = self._now if signature == self._signature else {}
        self._now, self._signature = {}, signature

    def get(self, key: object, make: Callable[[], Any]) -> Any:
        """The value of ``key``: the last build's or this one's, or else ``make()``."""
        value = self._now.get(key)
        if value is None:
            value = self._last.get(key)
            if value is None:
                value = make()
            self._now[key] = value
        return value

    def __len__(self) -> int:
        return len(self._now)


def _make(key: object, make: Callable[[], Any]) -> Any:
    """``IndexMemo.get`` without a memo: the value made afresh."""
    return make()


def build_locator_index(catalog: Catalog | PieceCatalog, facets: Sequence[Facet],
                        results: Sequence[FacetResult],
                        memo: IndexMemo | None = None) -> LocatorIndex:
    """Every data file of the locator, for the catalog's partners in name order (``memo``:
    what an earlier build worked out, to be reused)."""
    from generator.site.pieces import as_pieces, piece_facets  # noqa: PLC0415 - a cycle

    catalog = as_pieces(catalog)
    facets = piece_facets(facets)
    entries = catalog.entries
    count = len(entries)
    files: dict[str, bytes] = {}
    by_name = {f.name: f for f in facets}
    # Per facet: its values in display order, and each partner's value numbers.
    lists = [(result.name, [v.value for v in result.values]) for result in results]
    codes = {name: {v: i for i, v in enumerate(values)} for name, values in lists}
    # Without a memo nothing is kept: a single build would only hold every key to its end.
    remember: Callable[[object, Callable[[], Any]], Any] = _make if memo is None else memo.get
    if memo is not None:
        memo.begin(tuple((name, tuple(values)) for name, values in lists))
    readers = [(by_name[name].values_of, codes[name], len(values)) for name, values in lists]
    # Partners share their values of a facet (a country, a set of badges): each set of values
    # is coded once per build, per facet.
    seen: list[dict[tuple[str, ...], tuple[list[int], bytes]]] = [{} for _ in readers]

    def coded(piece: Piece) -> tuple[tuple[list[int], bytes], ...]:
        """A partner's value numbers of each facet, and its row codes."""
        out = []
        for (values_of, code, size), known in zip(readers, seen, strict=True):
            values = values_of(piece)
            pair = known.get(values)
            if pair is None:
                numbers = [code[v] for v in dict.fromkeys(values)]
                pair = known[values] = (numbers, _row_codes(size, numbers))
            out.append(pair)
        return tuple(out)

    partners = [remember(e, partial(coded, e)) for e in entries]
    facet_values = [(name, values, [p[i][0] for p in partners])
                    for i, (name, values) in enumerate(lists)]
    columns = [[p[i][1] for p in partners] for i in range(len(lists))]

    def kept_set(numbers: list[int]) -> bytes:
        key = ("set", count, tuple(numbers))
        return remember(key, lambda: id_set(numbers, count))  # type: ignore[no-any-return]

    def store(kind: str, content: bytes, suffix: str) -> str:
        name = _named(kind, content, suffix)
        files[DATA_DIR + name] = content
        return name

    facet_data = []
    for name, values, per_partner in facet_values:
        members: list[list[int]] = [[] for _ in values]
        for number, partner_codes in enumerate(per_partner):
            for c in partner_codes:
                members[c].append(number)
        facet_data.append({
            "name": name,
            "values": values,
            "totals": [len(m) for m in members],
            "sets": [store("set", kept_set(m), ".bin") for m in members],
            "rows": [store("rows", rows_file(columns, m), ".bin") for m in members],
        })
    everyone = store("rows", rows_file(columns, range(count)), ".bin")

    # Chunks are named by a hash of their group's chunks and their number, so the index need
    # not list thousands of names: ``cards-<digest>-<number>.json``.
    chunks = [entries[start:start + CARDS_PER_CHUNK] for start in range(0, count, CARDS_PER_CHUNK)]

    def cards_of(chunk: Sequence[Piece]) -> bytes:
        return _json([card_record(e, codes) for e in chunk])

    contents = [remember(("cards", chunk), partial(cards_of, chunk)) for chunk in chunks]
    digests = [hashlib.sha256(b"\n".join(contents[start:start + CHUNKS_PER_DIGEST]))
               .hexdigest()[:10] for start in range(0, len(contents), CHUNKS_PER_DIGEST)]
    for number, content in enumerate(contents):
        files[f"{DATA_DIR}cards-{digests[number // CHUNKS_PER_DIGEST]}-{number}.json"] = content
    cards = {"size": CARDS_PER_CHUNK, "chunks": len(contents), "group": CHUNKS_PER_DIGEST,
             "digests": digests}

    postings = _term_postings(entries)

    def term_line(term: str) -> str:
        in_name, in_other = postings[term]
        return remember(("term", term, tuple(in_name), tuple(in_other)),  # type: ignore[no-any-return]
                        lambda: f"{term}\t{gaps(in_name)}\t{gaps(in_other)}")

    lines = [(t, term_line(t)) for t in sorted(postings)]
    terms = {}
    for key, shard in sorted(_shards(lines).items()):
        terms[key] = store("terms", ("\n".join(shard) + "\n").encode(), ".txt")
    # The rows of the partners the words of a group find, the words grouped by first letters
    # as the shards are, but split further while a group finds more than a tenth of the
    # partners: the counts of a search come from the rows of the groups of its words.
    limit = max(SHARD_FOUND_MIN, int(count * SHARD_FOUND_SHARE))
    groups = _shards(lines, found=lambda t: (*postings[t][0], *postings[t][1]), found_limit=limit)
    term_rows = {}
    for key, group in sorted(groups.items()):
        found: set[int] = set()
        for line in group:
            in_name, in_other = postings[line[:line.index("\t")]]
            found.update(in_name, in_other)
        holders = sorted(found)
        term_rows[key] = [store("set", kept_set(holders), ".bin"),
                          store("rows", rows_file(columns, holders), ".bin"), len(holders)]

    award = store("award", _json([
        (catalog.as_of - e.last_awarded).days + 1 if e.last_awarded is not None else 0
        for e in entries
    ]), ".json")
    index = _json({
        "version": FORMAT_VERSION,
        "count": count,
        "facets": facet_data,
        "rows": everyone,
        "award": award,
        "cards": cards,
        "terms": terms,
        "termRows": term_rows,
        "stop": sorted(STOP_WORDS),
    })
    index_path = DATA_DIR + _named("index", index, ".json")
    files[index_path] = index
    # Paths relative to names.json, which sits beside the files it names.
    files[NAMES_PATH] = _json({
        "version": FORMAT_VERSION,
        "count": count,
        "cards": cards,
        "terms": terms,
        "stop": sorted(STOP_WORDS),
    })
    return LocatorIndex(index_path, dict(sorted(files.items())))
