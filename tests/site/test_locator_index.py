"""The locator's search data: encodings, term shards, and agreement with the facet counts."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.catalog import Catalog
from generator.facets import compute_facets, facet_registry
from generator.load import load_folder
from generator.site import locator_index
from generator.site.locator_index import (
    CARDS_PER_CHUNK,
    CHUNKS_PER_DIGEST,
    DATA_DIR,
    NAMES_PATH,
    IndexMemo,
    LocatorIndex,
    base36,
    build_locator_index,
    fold,
    gaps,
    id_set,
    mask_width,
    rows_file,
    snippet,
    tokens,
)
from generator.site.pieces import FACETS, Piece, PieceCatalog, by_name, piece_facets
from generator.site.urls import UrlStyle

PARTNERS = Path(__file__).resolve().parents[2] / "partners"
AS_OF = date(2026, 11, 28)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.build(load_folder(PARTNERS), AS_OF)


@pytest.fixture(scope="module")
def index(catalog: Catalog) -> LocatorIndex:
    facets = facet_registry(catalog.program)
    return build_locator_index(catalog, facets, compute_facets(facets, catalog.entries))


def read_index(index: LocatorIndex) -> dict[str, Any]:
    data = json.loads(index.files[index.index_path])
    assert isinstance(data, dict)
    return data


def read_set(content: bytes, count: int) -> list[int]:
    """A set file, read as locator.js reads it."""
    if content[0] == 0:
        return [i for i in range(count) if content[1 + (i >> 3)] >> (i & 7) & 1]
    numbers, previous, gap, shift = [], -1, 0, 0
    for byte in content[1:]:
        gap |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        previous += gap
        numbers.append(previous)
        gap = shift = 0
    return numbers


def read_rows(content: bytes, sizes: list[int], rows: int) -> list[list[list[int]]]:
    """A rows file of ``rows`` partners for facets of ``sizes`` values: per facet, per row,
    the value numbers, read as locator.js reads them."""
    out, at = [], 0
    for values in sizes:
        width, column = mask_width(values), []
        for _ in range(rows):
            if width:
                mask = int.from_bytes(content[at:at + width], "little")
                at += width
                column.append([c for c in range(values) if mask >> c & 1])
            else:
                size = 1 if values <= 256 else 2
                many = content[at]
                column.append([int.from_bytes(content[at + 1 + k * size:at + 1 + (k + 1) * size],
                                              "little") for k in range(many)])
                at += 1 + many * size
        out.append(column)
    assert at == len(content)
    return out


def chunk_names(data: dict[str, Any]) -> list[str]:
    cards = data["cards"]
    return [f"cards-{cards['digests'][n // cards['group']]}-{n}.json"
            for n in range(cards["chunks"])]


def read_gaps(text: str) -> list[int]:
    numbers, previous = [], -1
    for gap in filter(None, text.split(",")):
        previous += int(gap, 36)
        numbers.append(previous)
    return numbers


def test_words_are_folded_like_the_script_folds_them() -> None:
    assert fold("Ingeniería ÅSA") == "ingenieria asa"
    assert fold("Øresund Straße Łódź") == "oresund strasse lodz"
    assert tokens("Andes Cloud Ingeniería S.A.S. & <b>x_y</b> 4521") == [
        "andes", "cloud", "ingenieria", "s", "a", "s", "b", "x", "y", "b", "4521"]
    assert tokens("a" * 41 + " ok") == ["ok"]


def test_numbers_and_sets_round_trip() -> None:
    assert [base36(n) for n in (0, 1, 35, 36, 1295)] == ["0", "1", "z", "10", "zz"]
    numbers = [0, 1, 2, 40, 41, 1000, 9999]
    assert read_gaps(gaps(numbers)) == numbers
    assert gaps([]) == ""
    # Few partners: gaps as varints (one byte under 128, two under 16,384); many: a bitset.
    sparse = [0, 1, 2, 40, 41, 1000, 9999]
    assert id_set(sparse, 10_000)[0] == 1
    assert len(id_set(sparse, 10_000)) == 1 + 5 + 2 + 2
    assert read_set(id_set(sparse, 10_000), 10_000) == sparse
    dense = list(range(0, 10_000, 3))
    assert id_set(dense, 10_000)[0] == 0 and len(id_set(dense, 10_000)) == 1 + 1250
    assert read_set(id_set(dense, 10_000), 10_000) == dense
    assert read_set(id_set([], 10), 10) == []


def test_rows_hold_masks_for_few_values_and_lists_for_many() -> None:
    assert [mask_width(n) for n in (0, 1, 8, 9, 16, 17, 300)] == [0, 1, 1, 2, 2, 0, 0]
    per_partner = [[[0, 2], [], [3]], [[1], [16], [299, 5]], [[8, 9, 3], [0], []]]
    sizes = [10, 17, 300]
    columns = [[locator_index._row_codes(size, partner[f]) for partner in per_partner]
               for f, size in enumerate(sizes)]
    content = rows_file(columns, [0, 2])
    # Two bytes of mask a row for 10 values; a count byte and a byte a value for 17; two
    # bytes a value for 300.
    assert content[:4] == bytes((0b101, 0, 0b1000, 0b11))
    assert read_rows(content, sizes, 2) == [[[0, 2], [3, 8, 9]], [[], [0]], [[3], []]]
    assert read_rows(rows_file(columns, [1]), sizes, 1) == [[[1]], [[16]], [[299, 5]]]


def test_every_word_lands_in_the_shard_with_the_longest_key_that_starts_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locator_index, "SHARD_LIMIT", 40)
    words = ["c", "ca", "cab", "cloud", "clouds", "cobalt", "d"]
    shards = locator_index._shards([(w, f"{w}\t0\t") for w in words])
    keys = sorted(shards)
    assert "c" in keys and "d" in keys and len(keys) > 2
    for word in words:
        holders = [k for k in keys if any(line.startswith(f"{word}\t") for line in shards[k])]
        assert holders == [max((k for k in keys if word.startswith(k)), key=len)], word


def test_a_shard_whose_words_find_many_partners_is_split_by_the_next_letter() -> None:
    found = {"cape": range(40), "cloud": range(40, 50), "cobalt": range(50, 90), "d": [1]}
    lines = [(w, f"{w}\t0\t") for w in sorted(found)]
    assert sorted(locator_index._shards(lines)) == ["c", "d"]
    split = locator_index._shards(lines, found=lambda t: found[t], found_limit=45)
    assert sorted(split) == ["ca", "cl", "co", "d"]
    # One word finds as many as it finds: it is never split further.
    assert sorted(locator_index._shards(lines, found=lambda t: found[t], found_limit=5)) == [
        "ca", "cl", "co", "d"]


def test_facet_sets_and_rows_hold_what_the_facets_count(catalog: Catalog,
                                                        index: LocatorIndex) -> None:
    data = read_index(index)
    count = len(catalog.entries)
    assert data["count"] == count
    registry = facet_registry(catalog.program)
    expected = {r.name: {v.value: v.count for v in r.values}
                for r in compute_facets(registry, catalog.entries)}
    facets = data["facets"]
    assert isinstance(facets, list)
    assert [f["name"] for f in facets] == list(expected)
    sizes = [len(f["values"]) for f in facets]
    by_name = {f.name: f for f in registry}
    # Each partner's value numbers in each facet, as the catalog has them.
    truth = [[sorted(f["values"].index(v) for v in set(by_name[f["name"]].values_of(e)))
              for f in facets] for e in catalog.entries]
    everyone = read_rows(index.files[DATA_DIR + data["rows"]], sizes, count)
    assert [[sorted(everyone[f][n]) for f in range(len(facets))] for n in range(count)] == truth
    for number, facet in enumerate(facets):
        assert dict(zip(facet["values"], facet["totals"], strict=True)) == expected[facet["name"]]
        for code, (set_file, rows) in enumerate(zip(facet["sets"], facet["rows"], strict=True)):
            holders = read_set(index.files[DATA_DIR + set_file], count)
            assert holders == [n for n in range(count) if code in truth[n][number]]
            assert len(holders) == facet["totals"][code]
            table = read_rows(index.files[DATA_DIR + rows], sizes, len(holders))
            assert [[sorted(table[f][row]) for f in range(len(facets))]
                    for row in range(len(holders))] == [truth[n] for n in holders]


def test_cards_and_award_ages_follow_the_catalog(catalog: Catalog, index: LocatorIndex) -> None:
    data = read_index(index)
    cards = data["cards"]
    assert isinstance(cards, dict) and cards["size"] == CARDS_PER_CHUNK
    records = [r for name in chunk_names(data) for r in json.loads(index.files[DATA_DIR + name])]
    assert [(r[0], r[1]) for r in records] == [(e.name, e.slug) for e in catalog.entries]
    elbe = next(r for r in records if r[1] == "elbe-devops")
    assert elbe[7] == ("Hamburg-based consultancy for industrial and telecom companies in the "
                       "DACH region: platform assessments, migrations from\u2026")
    codes = {f["name"]: f["values"] for f in data["facets"]}
    for record, entry in zip(records, catalog.entries, strict=True):
        assert [codes["badge"][c] for c in record[8]] == list(entry.held_ids)
        assert (codes["tier"][record[9]] if record[9] >= 0 else None) == (
            entry.tier.id if entry.tier is not None else None)
    award = json.loads(index.files[DATA_DIR + data["award"]])
    assert isinstance(award, list)
    recent = sorted(range(len(award)), key=lambda n: (award[n] or float("inf"), n))
    assert [catalog.entries[n].slug for n in recent] == [
        e.slug for e in catalog.recently_awarded()]


def test_names_summaries_and_cities_are_searchable(catalog: Catalog,
                                                   index: LocatorIndex) -> None:
    data = read_index(index)
    terms = data["terms"]
    assert isinstance(terms, dict)
    words: dict[str, tuple[list[int], list[int]]] = {}
    for name in terms.values():
        for line in index.files[DATA_DIR + name].decode().splitlines():
            word, in_name, in_other = line.split("\t")
            words[word] = (read_gaps(in_name), read_gaps(in_other))
    for number, entry in enumerate(catalog.entries):
        for word in tokens(entry.name):
            assert number in words[word][0], (entry.slug, word)
        for word in tokens(entry.partner.headquarters.city):
            assert number in words[word][0] + words[word][1], (entry.slug, word)
    assert "and" not in words or not words["and"][1]
    # Each group of words has a set and rows: the partners its words find, with their facet
    # values. A word belongs to the group with the longest key that starts it.
    sizes = [len(f["values"]) for f in data["facets"]]
    everyone = read_rows(index.files[DATA_DIR + data["rows"]], sizes, len(catalog.entries))
    rows = data["termRows"]
    assert isinstance(rows, dict)
    found: dict[str, set[int]] = {key: set() for key in rows}
    for word, (name_hits, other_hits) in words.items():
        key = max((k for k in rows if word.startswith(k)), key=len)
        found[key].update(name_hits, other_hits)
    for key, (set_file, rows_file_name, size) in rows.items():
        holders = sorted(found[key])
        assert read_set(index.files[DATA_DIR + set_file], len(catalog.entries)) == holders
        assert size == len(holders)
        table = read_rows(index.files[DATA_DIR + rows_file_name], sizes, size)
        assert table == [[everyone[f][n] for n in holders] for f in range(len(sizes))], key


def test_files_are_named_by_their_bytes_and_built_the_same_twice(
        catalog: Catalog, index: LocatorIndex) -> None:
    facets = facet_registry(catalog.program)
    again = build_locator_index(catalog, facets, compute_facets(facets, catalog.entries))
    assert again == index
    data = read_index(index)
    chunks = chunk_names(data)
    # Card chunks carry a hash of their group's chunks and their number; each other file its
    # own hash.
    group = data["cards"]["group"]
    assert group == CHUNKS_PER_DIGEST
    groups = [chunks[start:start + group] for start in range(0, len(chunks), group)]
    assert data["cards"]["digests"] == [hashlib.sha256(b"\n".join(
        index.files[DATA_DIR + c] for c in names)).hexdigest()[:10] for names in groups]
    assert len(chunks) == -(-len(catalog.entries) // CARDS_PER_CHUNK)
    for path, content in index.files.items():
        assert path.startswith(DATA_DIR)
        if path == NAMES_PATH or path.split("/")[-1] in chunks:
            continue
        assert locator_index._named(path.split("/")[-1].split("-")[0], content,
                                    "." + path.rsplit(".", 1)[1]) == path.split("/")[-1]


@pytest.mark.parametrize("asset", ["locator.js", "header-search.js"])
def test_the_script_folds_letters_as_the_build_does(asset: str) -> None:
    script = (Path(locator_index.__file__).parent / "assets" / asset).read_text(
        encoding="utf-8")
    block = re.search(r"const PLAIN = \{(.*?)\};", script, re.S)
    assert block is not None
    pairs = re.findall(r'"\\u([0-9a-f]{4})": "([a-z]+)"', block.group(1))
    assert {chr(int(code, 16)): plain for code, plain in pairs} == {
        chr(k): v for k, v in locator_index._PLAIN_LETTERS.items()}


def test_a_summary_snippet_is_one_line_cut_between_words() -> None:
    assert snippet("Short  and\n plain.") == "Short and plain."
    text = "Cloud migrations, platform assessments and training for banks across the Nordics"
    assert snippet(text, 40) == "Cloud migrations, platform assessments\u2026"
    assert len(snippet(text, 40)) <= 41
    assert snippet("x" * 50, 10) == "x" * 10 + "\u2026"


def test_the_header_search_starts_from_a_fixed_name_that_points_at_the_same_files(
        index: LocatorIndex) -> None:
    """The header search cannot know the hashed index name: names.json, under a fixed name,
    names the same card chunks and term shards as the index, without the facet sets."""
    assert NAMES_PATH == "assets/partner-locator/data/names.json"
    names = json.loads(index.files[NAMES_PATH])
    data = read_index(index)
    assert names["cards"] == data["cards"]
    assert names["terms"] == data["terms"]
    assert names["stop"] == data["stop"]
    assert names["count"] == data["count"]
    assert "facets" not in names and "award" not in names and "rows" not in names
    for name in [*chunk_names(names), *names["terms"].values()]:
        assert DATA_DIR + name in index.files
    assert len(index.files[NAMES_PATH]) < len(index.files[index.index_path])


def _index_of(pieces: PieceCatalog, memo: IndexMemo | None = None) -> LocatorIndex:
    facets = piece_facets(facet_registry(pieces.program))
    return build_locator_index(pieces, facets, compute_facets(facets, pieces.entries), memo)


def test_an_index_from_an_earlier_builds_memo_is_the_index_made_afresh(
        catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rebuilds of a server reuse what the last build of the index worked out: after a
    summary edit, a rename, a new country and a removal, each index equals the one made
    without a memo, and an edit of one summary makes only its own chunk of cards again."""
    start = PieceCatalog.of(catalog, UrlStyle())
    first, second = start.entries[0], start.entries[1]
    country = FACETS.index("country")

    def edited(pieces: tuple[Piece, ...]) -> PieceCatalog:
        return replace(start, entries=tuple(sorted(pieces, key=by_name)))

    summary = first._replace(snippet="A summary written again.",
                             in_other=("summary", "written", "again"))
    renamed = second._replace(name="Zeta Last", sort_name=b"\xff", in_name=("zeta", "last"))
    values = list(renamed.values)
    values[country] = ("IS",)
    moved = renamed._replace(country="IS", values=tuple(values))
    rest = start.entries[2:]
    steps = [edited((summary, second, *rest)), edited((summary, renamed, *rest)),
             edited((summary, moved, *rest)), edited((moved, *rest))]
    memo = IndexMemo()
    assert _index_of(start, memo) == _index_of(start)
    made: list[str] = []
    card = locator_index.card_record

    def counted(piece: Piece, codes: Any) -> list[Any]:
        made.append(piece.slug)
        return card(piece, codes)

    monkeypatch.setattr(locator_index, "card_record", counted)
    for number, pieces in enumerate(steps):
        made.clear()
        assert _index_of(pieces, memo) == _index_of(pieces), number
        if number == 0:
            # Made afresh once (the second index) and, with the memo, for the first chunk.
            assert made.count(first.slug) == 2
            assert len(made) == CARDS_PER_CHUNK + len(pieces.entries)
    once = IndexMemo()
    _index_of(steps[-1], once)
    assert len(memo) == len(once)  # one build's worth, not every build's


def test_a_summary_edit_renames_only_the_card_chunks_of_its_group(
        catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """Card chunks share a digest by groups: an edit of one partner's card renames the chunks
    of its group and no other, so a rebuild writes and a browser fetches those only."""
    monkeypatch.setattr(locator_index, "CHUNKS_PER_DIGEST", 1)
    start = PieceCatalog.of(catalog, UrlStyle())
    assert len(start.entries) > CARDS_PER_CHUNK  # at least two chunks, in groups of one
    last = start.entries[-1]
    edited = replace(start, entries=(*start.entries[:-1], last._replace(
        snippet="A summary written again.", in_other=("summary", "written", "again"))))
    before, after = _index_of(start), _index_of(edited)
    old, new = chunk_names(read_index(before)), chunk_names(read_index(after))
    assert len(old) == len(new) > 1
    assert old[:-1] == new[:-1]
    assert old[-1] != new[-1]
    for name in new:
        assert DATA_DIR + name in after.files
