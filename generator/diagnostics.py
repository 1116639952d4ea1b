"""Data problems as values: located, sortable, reported together."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: A path into a YAML document: mapping keys and sequence indexes, like pydantic's ``loc``.
Loc = tuple[str | int, ...]


#: Characters that must never reach a terminal, a CI log or an XML report as they are: C0 and
#: C1 controls (line breaks too), DEL, line and paragraph separators, bidirectional embeddings,
#: overrides and isolates, lone surrogates and the two non-characters XML refuses.
UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
    "\ufdd0-\ufdef\ufeff\ufffe\uffff"
    # The noncharacters at the end of every other plane.
    + "".join(chr((plane << 16) | low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF))
    + "]"
)


def _escape(match: re.Match[str]) -> str:
    point = ord(match.group())
    if point < 0x100:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"


def printable(text: str) -> str:
    """Text with every unsafe character written as an escape (``\\x1b``, ``\\u202e``)."""
    if UNSAFE_CHARACTERS.search(text) is None:
        return text
    return UNSAFE_CHARACTERS.sub(_escape, text)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, at a 1-based line and column.

    Messages and paths often quote what a file says; unsafe characters in them are escaped
    here, once, so no report can carry one into a log or an XML file.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = "error"

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", printable(self.path))
        object.__setattr__(self, "message", printable(self.message))

    def format(self) -> str:
        """The compiler-style line: ``path:line:column: error: message [code]``."""
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"
        )


@dataclass(frozen=True)
class Problem:
    """A problem found in parsed data, not yet located in its file.

    ``loc`` points at the offending value (or, with ``at_key``, at its key); a loc that
    leads to a missing key points at the nearest mapping that exists.
    """

    loc: Loc
    code: str
    message: str
    at_key: bool = field(default=False)
    severity: Severity = field(default="error")


class DataError(Exception):
    """Raised at a boundary (the MkDocs plugin, a command) when data is invalid."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        super().__init__(
            f"{len(errors)} error(s) in partner data:\n"
            + "\n".join(d.format() for d in self.diagnostics)
        )


#: Every diagnostic code, with what it means. ``docs/data-format.md`` lists each one (a test
#: keeps the two in step, and another checks that the code uses no other).
CODES: dict[str, str] = {
    # the file itself
    "missing-folder": "the partners folder does not exist",
    "missing-file": "program.yml is missing or cannot be read",
    "unchecked-ids": "a warning: program.yml has errors, so ids in partner files were not checked",
    "file-name": "a partner file ends in .yaml (or .YML) instead of .yml",
    "subfolder": "a folder inside the partners folder, whose files would never be read",
    "symlink": "a partner file (or another entry that is not a logo) that is a symbolic link",
    "special-file": "an entry that is a named pipe, a device or a socket, not a file",
    "unreadable": "a partner file that cannot be read (permissions, for one)",
    "file-too-large": "the file is larger than the limit (256 KiB)",
    "encoding": "the file is not UTF-8",
    "empty-file": "the file has no content",
    "tab": "a tab character in indentation",
    "control-character": "a control character (raw or as a YAML escape) or a bidirectional control",
    "line-break": "a line break in a one-line field, or an unusual one in a summary",
    "yaml-syntax": "the file is not valid YAML, or nests more than 64 levels deep",
    "yaml-anchor": "an anchor or alias; write values out in full",
    "yaml-tag": "an explicit YAML tag other than !!str",
    "number-too-long": "a number written with more than 100 characters",
    "duplicate-key": "a key given twice in one mapping",
    "key-type": "a key that is not a plain name (a list, a mapping or a merge key)",
    "not-a-mapping": "the top level is not a mapping",
    "slug": "the file name is not a valid slug",
    "duplicate-slug": "two files share a slug",
    "duplicate-name": "two partners share a name (ignoring case and spacing)",
    # structure
    "missing-key": "a required key is missing",
    "unknown-key": "a key the format does not define",
    "wrong-type": "a value of the wrong type",
    "date": "a date that is not a real day written YYYY-MM-DD",
    "date-range": "a date before 1900-01-01 or after 9998-12-31",
    "too-long": "text or a list longer than its limit",
    "too-short": "empty text or a list with too few items",
    "out-of-range": "a number outside its range",
    "id-format": "an id that is not kebab-case",
    "invalid-value": "a value not among the allowed ones",
    "invalid": "any other structural problem",
    # meaning
    "unknown-id": "an id the program does not define",
    "unknown-kind": "a requirement kind the engine does not know",
    "duplicate-value": "a value listed twice",
    "duplicate-id": "a person, engagement or program id used twice",
    "duplicate-kind": "a badge lists one requirement kind twice",
    "country-code": "not an ISO 3166-1 alpha-2 country code",
    "language-code": "not an ISO 639-1 language code",
    "url": "a link that is not a plain http(s) URL",
    "email": "not an e-mail address",
    "program-contact": "a program contact (program_contacts) that is not an e-mail address",
    "domain": "a Message-ID domain (notices.message_id_domain) that is not a domain name",
    "interval-order": "an interval that ends before it starts",
    "interval-overlap": "tracks out of order or overlapping",
    "kpi-before-contract": "a Time-to-Value date before the contract",
    "missing-course": "a per-course certification without its course",
    "unexpected-course": "a course on a certification that is not per course",
    "region-missing": "a warning: ISO countries that no region covers",
    "region-overlap": "a country in two regions",
    "unreachable": "a requirement no partner could ever meet",
    # logos
    "logo": "a logo not named after its partner file",
    "logo-missing": "the logo file does not exist",
    "logo-size": "the logo is larger than 256 KiB",
    "logo-type": "the logo is not an SVG or PNG image",
    "logo-link": "the logo is a symbolic link",
    "logo-special-file": "the logo is a folder, a FIFO or a device, not a file",
    "logo-pixels": "the PNG is wider or taller than 4096 pixels",
    "logo-encoding": "the SVG is not UTF-8 (UTF-16, or another declared encoding)",
    "logo-dropped": "a warning: part of the logo is left out of the published copy",
    "svg-malformed": "the SVG is not well-formed XML, not an <svg>, or nested too deep",
    "svg-unsafe": "the SVG declares a DOCTYPE or entities",
    "svg-empty": "nothing an SVG viewer would draw is left in the logo",
    "svg-expansion": "the SVG draws over 20,000 elements once its <use> references are followed",
}
