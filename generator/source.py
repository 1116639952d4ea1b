"""YAML files to plain Python data, with every node's position kept for locating problems.

One pass does both jobs: libyaml's C composer builds the node tree, which carries line and
column, and a small constructor turns it into dicts, lists and scalars under the YAML 1.2 core
schema (so ``NO`` stays the country code of Norway). A problem found later is located by
walking the same tree, so no second, slower round-trip parse is ever needed.

libyaml is reached through PyYAML's binding, which composes nodes about 1.6 times faster than
ruamel.yaml's C composer on partner files (see docs/architecture.md); ruamel.yaml's composer is
the fallback where PyYAML was built without libyaml. Implicit tags are not resolved by the
composer at all: the constructor below resolves plain scalars itself, which is faster and pins
the YAML version.

Dates stay strings here: the models parse them, so ``2024-13-01`` becomes a located error
rather than a bare exception. Anchors, aliases and merge keys are rejected: a partner file
needs none, and refusing them keeps a "billion laughs" file linear.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from ruamel.yaml.error import MarkedYAMLError as RuamelMarkedError

from generator.diagnostics import Diagnostic, Loc, Problem

#: Largest YAML file accepted, in bytes. A partner with hundreds of people fits in a tenth.
MAX_FILE_BYTES = 256 * 1024

_TAG = "tag:yaml.org,2002:"
_IMPLICIT = "?"
_LEADING_TAB = re.compile(r"^[ ]*\t", re.MULTILINE)
#: Characters outside YAML's printable set (tab, line breaks and NEL are allowed).
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)

_ODD_BREAK = re.compile("[\x85\u2028\u2029]")

_LoaderBase: Any
if yaml.__with_libyaml__:
    _LoaderBase = yaml.CSafeLoader
else:  # pragma: no cover - depends on how PyYAML was built
    from ruamel.yaml.cyaml import CSafeLoader as _LoaderBase


class _Loader(_LoaderBase):  # type: ignore[misc]
    """A composer that leaves implicit tags unresolved; ``_scalar`` resolves them."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return _IMPLICIT

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


_MARKED_ERRORS = (yaml.MarkedYAMLError, RuamelMarkedError)
#: A composed node, PyYAML's or ruamel.yaml's: both have ``id``, ``tag``, ``value``,
#: ``style`` and ``start_mark``.
Node = Any


#: Each mapping node's pairs by key (the first of a repeated key), built on first use.
_Index = dict[int, dict[str, tuple[Node, Node]]]


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its plain data and the node tree that says where each part is."""

    path: str
    data: Any
    root: Node
    #: Whether the text holds no escape and no character ``text_problems`` looks for, so
    #: that no value can hold one either: a value can then only break a line with a plain
    #: line feed (YAML reads every line break in a scalar as one).
    plain: bool = False
    _index: _Index = field(default_factory=dict, compare=False, repr=False)

    def position(self, loc: Loc, *, at_key: bool = False) -> tuple[int, int]:
        """The 1-based line and column of ``loc``, or of the deepest part of it that exists."""
        return locate(self.root, loc, at_key=at_key, index=self._index)

    def locate(self, problem: Problem) -> Diagnostic:
        """Turn a problem into a diagnostic at the line and column of what it points at."""
        line, column = self.position(problem.loc, at_key=problem.at_key)
        return Diagnostic(
            self.path, line, column, problem.code, problem.message, problem.severity
        )


def too_large(path: str, size: int | None) -> Diagnostic:
    """The diagnostic of a file over the limit (``size`` None: it grew while being read)."""
    said = f"{size:,} bytes" if size is not None else f"more than {MAX_FILE_BYTES:,} bytes"
    return Diagnostic(
        path, 1, 1, "file-too-large", f"file is {said}; the limit is {MAX_FILE_BYTES:,} bytes"
    )


class _InvalidNodeError(Exception):
    """A structural problem found while constructing data; carries its position."""

    def __init__(self, node: Node, code: str, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.code = code
        self.message = message


def parse_yaml(path: str, raw: bytes) -> tuple[Document | None, list[Diagnostic]]:
    """Parse one file's bytes: the document (None when there is none) and its problems.

    Repeated keys are problems that still give a document (each keeps its first value), so
    the rest of the file can be checked too.
    """
    if len(raw) > MAX_FILE_BYTES:
        return None, [too_large(path, len(raw))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_of_byte(raw, exc.start)
        return None, [
            Diagnostic(
                path,
                line,
                column,
                "encoding",
                f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            )
        ]
    text = text.removeprefix("\ufeff")
    tab = _LEADING_TAB.search(text)
    if tab is not None:
        line = text.count("\n", 0, tab.start()) + 1
        column = tab.end() - tab.start()
        return None, [
            Diagnostic(
                path, line, column, "tab", "tab character in indentation; indent with spaces"
            )
        ]
    bad = _UNPRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        return None, [
            Diagnostic(
                path,
                line,
                column,
                "control-character",
                f"character U+{ord(bad.group()):04X} is not allowed in YAML; remove it",
            )
        ]
    odd = _ODD_BREAK.search(text)
    if odd is not None:  # libyaml counts these as line breaks, editors mostly do not
        line = text.count("\n", 0, odd.start()) + 1
        column = odd.start() - (text.rfind("\n", 0, odd.start()) + 1) + 1
        return None, [
            Diagnostic(
                path,
                line,
                column,
                "line-break",
                f"character U+{ord(odd.group()):04X} is an unusual line break; "
                "use a plain line feed",
            )
        ]
    if "&" in text or "*" in text:
        found = _find_anchor(path, text)
        if found is not None:
            return None, [found]
    try:
        root = _Loader(text).get_single_node()
    except _MARKED_ERRORS as exc:
        return None, [_syntax_error(path, exc)]
    except yaml.reader.ReaderError as exc:  # a character the scan above let through
        return None, [_reader_error(path, text, exc)]
    if root is None or (root.id == "scalar" and root.value == ""):
        return None, [Diagnostic(path, 1, 1, "empty-file", "file is empty; expected a mapping")]
    if root.id != "mapping":
        line, column = _position(root)
        return None, [
            Diagnostic(
                path,
                line,
                column,
                "not-a-mapping",
                f"the top level must be a mapping of keys to values, not {_kind(root)}",
            )
        ]
    repeated: list[_InvalidNodeError] = []
    try:
        data = _construct(root, set(), 0, repeated)
    except _InvalidNodeError as exc:
        line, column = _position(exc.node)
        return None, [Diagnostic(path, line, column, exc.code, exc.message)]
    kept = [Diagnostic(path, *_position(e.node), e.code, e.message) for e in repeated]
    plain = "\\" not in text and _CONTROL.search(text) is None
    return Document(path, data, root, plain), kept


def _find_anchor(path: str, text: str) -> Diagnostic | None:
    """Report the first anchor or alias, from the event stream (linear, never expanded)."""
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            anchor = getattr(event, "anchor", None)
            if anchor is None:
                continue
            kind = "alias" if type(event).__name__ == "AliasEvent" else "anchor"
            mark = event.start_mark
            return Diagnostic(
                path,
                mark.line + 1,
                mark.column + 1,
                "yaml-anchor",
                f"YAML {kind} '{anchor}' is not allowed; write the value out in full",
            )
    except _MARKED_ERRORS as exc:
        return _syntax_error(path, exc)
    except yaml.reader.ReaderError as exc:
        return _reader_error(path, text, exc)
    return None


def _syntax_error(path: str, exc: Any) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or "invalid YAML"
    if exc.context and problem.startswith("but "):  # "expected one document" "but found two"
        text = f"{exc.context} {problem}"
    else:
        text = f"{problem} {exc.context}" if exc.context else problem
    return Diagnostic(path, line, column, "yaml-syntax", f"YAML syntax: {text}")


def _reader_error(path: str, text: str, exc: yaml.reader.ReaderError) -> Diagnostic:
    offset = min(exc.position, len(text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Diagnostic(path, line, column, "control-character", f"YAML: {exc.reason}")


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _kind(node: Node) -> str:
    return {"sequence": "a list", "mapping": "a mapping"}.get(node.id, "a single value")


#: Deeper than any partner file needs; deep enough nesting would exhaust Python's stack.
MAX_DEPTH = 64


def _construct(
    node: Node, seen: set[int], depth: int = 0, repeated: list[_InvalidNodeError] | None = None
) -> Any:
    """Plain data from a node. A repeated key keeps its first value and is recorded in
    ``repeated`` (when given), so the rest of the file is still checked."""
    if id(node) in seen:  # an alias the pre-scan missed; never expand it
        raise _InvalidNodeError(node, "yaml-anchor", "YAML aliases are not allowed")
    seen.add(id(node))
    kind = node.id
    if kind == "scalar":
        return _scalar(node)
    if depth >= MAX_DEPTH:
        raise _InvalidNodeError(
            node, "yaml-syntax", f"YAML nested more than {MAX_DEPTH} levels deep"
        )
    if node.tag != _IMPLICIT:
        raise _InvalidNodeError(
            node, "yaml-tag", f"unsupported YAML tag '{node.tag}'; write the value plainly"
        )
    if kind == "sequence":
        return [_construct(item, seen, depth + 1, repeated) for item in node.value]
    result: dict[str, Any] = {}
    first: dict[str, tuple[Node, Node]] | None = None
    for key_node, value_node in node.value:
        if key_node.id != "scalar" or (key_node.value == "<<" and not key_node.style):
            raise _InvalidNodeError(key_node, "key-type", "keys must be plain names")
        key = key_node.value
        if key in result:
            if first is None:  # built once per mapping, only when a key repeats
                first = _pairs(node)
            line, _ = _position(first[key][0])
            problem = _InvalidNodeError(
                key_node, "duplicate-key", f"duplicate key '{key}' (first given on line {line})"
            )
            if repeated is None:
                raise problem
            repeated.append(problem)
            continue
        result[key] = _construct(value_node, seen, depth + 1, repeated)
    return result


def _pairs(mapping: Node) -> dict[str, tuple[Node, Node]]:
    """A mapping node's key and value nodes by key; a repeated key keeps its first pair."""
    pairs: dict[str, tuple[Node, Node]] = {}
    for key_node, value_node in mapping.value:
        if key_node.id == "scalar":
            pairs.setdefault(key_node.value, (key_node, value_node))
    return pairs


# The YAML 1.2 core schema, for plain scalars.
_NULL = frozenset(("", "~", "null", "Null", "NULL"))
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z|0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z"
    r"|[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z"
)


def _scalar(node: Node) -> Any:
    value: str = node.value
    tag = node.tag
    if tag == _IMPLICIT:
        if node.style:  # quoted, literal or folded: always text
            return value
        if value in _NULL:
            return None
        if value in _BOOL:
            return _BOOL[value]
        first = value[:1]
        if first.isdigit() or first in "-+.":
            if _INT.match(value):
                return _int(node, value)
            if _FLOAT.match(value):
                return _float(node, value)
        return value
    if tag in ("!", _TAG + "str"):
        return value
    raise _InvalidNodeError(
        node, "yaml-tag", f"unsupported YAML tag '{tag}'; write the value plainly"
    )


#: Longest number accepted, in characters. Python refuses to convert a decimal of more than
#: 4,300 digits, and no count or share in a file needs a twentieth of this.
MAX_NUMBER_LENGTH = 100


def _too_long(node: Node, value: str) -> _InvalidNodeError:
    return _InvalidNodeError(
        node,
        "number-too-long",
        f"a number of {len(value):,} characters; numbers are at most "
        f"{MAX_NUMBER_LENGTH} characters long",
    )


def _int(node: Node, value: str) -> int:
    if len(value) > MAX_NUMBER_LENGTH:
        raise _too_long(node, value)
    if value.startswith("0x"):
        return int(value[2:], 16)
    if value.startswith("0o"):
        return int(value[2:], 8)
    return int(value, 10)


def _float(node: Node, value: str) -> float:
    if len(value) > MAX_NUMBER_LENGTH:
        raise _too_long(node, value)
    lowered = value.lower()
    if lowered.lstrip("+-") == ".inf":
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    return float(value)


#: Characters no value or key may hold, whether written raw or as an escape: controls (tab
#: too), DEL, bidirectional embeddings, overrides and isolates (they can make text read
#: differently from what it says), lone surrogates and non-characters.
_CONTROL = re.compile(
    "[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufdd0-\ufdef\ufeff\ufffe\uffff"
    # The noncharacters at the end of every other plane.
    + "".join(chr((plane << 16) | low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF))
    + "]"
)


def _noncharacter(char: str) -> bool:
    """One of Unicode's 66 noncharacters, never meant to be exchanged as text."""
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
#: Line breaks: none in a one-line field, only a plain line feed in a multi-line one.
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
_OTHER_BREAK = re.compile("[\r\x85\u2028\u2029]")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def text_problems(data: Any, multiline: Callable[[Loc], bool], *,
                  plain: bool = False) -> Iterator[Problem]:
    """Control characters in any key or text value, and line breaks outside the fields
    ``multiline`` allows them in: each a problem at its key or value.

    ``plain``: the data comes from a ``Document.plain`` text, so only a value or key with a
    line feed can have a problem, and no other is searched."""
    stack: list[tuple[Loc, Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            if not plain or "\n" in value:
                yield from _text_problem(loc, value, multiline(loc), at_key=False)
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if not plain or "\n" in key:
                    yield from _text_problem((*loc, key), key, False, at_key=True)
                stack.append(((*loc, key), item))
        elif isinstance(value, list):
            stack.extend(((*loc, index), item) for index, item in reversed(list(enumerate(value))))


def _text_problem(loc: Loc, text: str, multiline: bool, *, at_key: bool) -> Iterator[Problem]:
    control = _CONTROL.search(text)
    brk = (_OTHER_BREAK if multiline else _LINE_BREAK).search(text)
    if control is None and brk is None:
        return
    what = f"key '{text}'" if at_key else _what(loc)
    if control is not None:
        char = control.group()
        kind = (
            "bidirectional control" if char in _BIDI
            else "byte order mark" if char == "\ufeff"
            else "noncharacter" if _noncharacter(char)
            else "control character"
        )
        yield Problem(
            loc, "control-character",
            f"{what} holds the {kind} U+{ord(char):04X}; remove it", at_key=at_key,
        )
    elif brk is not None:
        char = brk.group()
        if multiline:
            message = f"{what} breaks a line with U+{ord(char):04X}; use a plain line break"
        else:
            message = f"{what} must be one line; remove the line break (U+{ord(char):04X})"
        yield Problem(loc, "line-break", message, at_key=at_key)


def _what(loc: Loc) -> str:
    if len(loc) > 1 and isinstance(loc[-1], int):
        return f"'{loc[-2]}' item {loc[-1] + 1}"
    return f"'{loc[-1]}'" if loc else "the file"


def locate(
    root: Node, loc: Loc, *, at_key: bool = False, index: _Index | None = None
) -> tuple[int, int]:
    """The 1-based line and column of ``loc`` in the tree, or of the deepest part that exists.

    ``index`` keeps each mapping's pairs by key between calls, so locating many problems in
    one file costs the depth of each, not the size of the mappings on the way.
    """
    if index is None:
        index = {}
    node = root
    for depth, part in enumerate(loc):
        last = depth == len(loc) - 1
        if node.id == "mapping" and isinstance(part, str):
            pairs = index.get(id(node))
            if pairs is None:
                pairs = index[id(node)] = _pairs(node)
            pair = pairs.get(part)
            if pair is None:
                return _position(node)
            key_node, value_node = pair
            if last and at_key:
                return _position(key_node)
            node = value_node
        elif node.id == "sequence" and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return _position(node)
            node = node.value[part]
        else:
            return _position(node)
    return _position(node)
