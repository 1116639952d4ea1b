"""Validation results as text, JSON, GitLab Code Quality and JUnit XML."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Literal
from xml.etree import ElementTree as ET

from generator.diagnostics import Diagnostic, printable

Format = Literal["text", "json", "codequality", "junit"]
FORMATS: tuple[Format, ...] = ("text", "json", "codequality", "junit")


def render_validation(diagnostics: Sequence[Diagnostic], files: Sequence[str], fmt: Format) -> str:
    """Render every diagnostic; ``files`` are all files checked (for JUnit's passing cases)."""
    ordered = sorted(diagnostics)
    if fmt == "text":
        return _text(ordered, len(files))
    if fmt == "json":
        return _json(ordered, len(files))
    if fmt == "codequality":
        return _codequality(ordered)
    return _junit(ordered, files)


def _text(diagnostics: list[Diagnostic], files: int) -> str:
    lines = [d.format() for d in diagnostics]
    errors = sum(1 for d in diagnostics if d.severity == "error")
    bad_files = len({d.path for d in diagnostics if d.severity == "error"})
    if errors:
        lines.append(
            f"{errors} error{'s' if errors != 1 else ''} in {bad_files} "
            f"file{'s' if bad_files != 1 else ''} ({files} checked)"
        )
    else:
        lines.append(f"{files} file{'s' if files != 1 else ''} checked: no errors")
    return "\n".join(lines) + "\n"


def _json(diagnostics: list[Diagnostic], files: int) -> str:
    payload = {
        "valid": not any(d.severity == "error" for d in diagnostics),
        "files_checked": files,
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
            }
            for d in diagnostics
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def fingerprint(diagnostic: Diagnostic, occurrence: int) -> str:
    """Stable across runs and unrelated edits: no line number, only what and where by content."""
    key = "\0".join((diagnostic.path, diagnostic.code, diagnostic.message, str(occurrence)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _codequality(diagnostics: list[Diagnostic]) -> str:
    seen: dict[tuple[str, str, str], int] = {}
    issues = []
    for d in diagnostics:
        key = (d.path, d.code, d.message)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        issues.append(
            {
                "type": "issue",
                "description": d.message,
                "check_name": d.code,
                "fingerprint": fingerprint(d, occurrence),
                "severity": "major" if d.severity == "error" else "minor",
                "categories": ["Bug Risk"],
                "location": {"path": d.path, "lines": {"begin": d.line}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _junit(diagnostics: list[Diagnostic], files: Sequence[str]) -> str:
    # Diagnostics escape unsafe characters themselves; file names are escaped here, so the
    # XML is well-formed whatever a file is called.
    by_file: dict[str, list[Diagnostic]] = {printable(path): [] for path in files}
    for d in diagnostics:
        by_file.setdefault(d.path, []).append(d)
    failures = sum(
        1 for found in by_file.values() if any(d.severity == "error" for d in found)
    )
    suite = ET.Element(
        "testsuite",
        {
            "name": "partner-data",
            "tests": str(len(by_file)),
            "failures": str(failures),
            "errors": "0",
            "skipped": "0",
        },
    )
    for path in sorted(by_file):
        case = ET.SubElement(
            suite, "testcase", {"classname": "validate", "name": path, "file": path}
        )
        found = by_file[path]
        errors = [d for d in found if d.severity == "error"]
        if errors:
            failure = ET.SubElement(
                case,
                "failure",
                {
                    "message": f"{len(errors)} problem{'s' if len(errors) != 1 else ''}",
                    "type": errors[0].code,
                },
            )
            failure.text = "\n".join(d.format() for d in errors)
        warnings = [d for d in found if d.severity != "error"]
        if warnings:  # a warning does not fail the case, but stays in the report
            ET.SubElement(case, "system-out").text = "\n".join(d.format() for d in warnings)
    root = ET.Element("testsuites", {"name": "partner-locator validate"})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
