"""Documentation kept in step with the code: every field and every diagnostic code."""

from __future__ import annotations

import ast
import re

from generator.diagnostics import CODES
from generator.model import Partner
from tests.conftest import ROOT

DATA_FORMAT = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")


def _documented(name: str) -> bool:
    return re.search(rf"`{re.escape(name)}`", DATA_FORMAT) is not None


def test_every_partner_field_is_documented() -> None:
    fields = [info.alias or name for name, info in Partner.model_fields.items() if name != "slug"]
    assert [name for name in fields if not _documented(name)] == []


def test_every_diagnostic_code_is_documented() -> None:
    assert [code for code in CODES if not _documented(code)] == []


def _codes_in_source() -> set[str]:
    """Code literals passed to Problem, Diagnostic and the YAML constructor's error."""
    positions = {"Problem": 1, "Diagnostic": 3, "_InvalidNodeError": 1}
    found = set()
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            index = positions.get(node.func.id)
            if index is not None and len(node.args) > index:
                argument = node.args[index]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.add(argument.value)
    return found


def test_code_uses_only_registered_diagnostic_codes() -> None:
    used = _codes_in_source()
    assert len(used) > 30
    assert sorted(used - CODES.keys()) == []


def test_architecture_page_names_every_module() -> None:
    architecture = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "generator"
    modules = [
        f"generator/{p.name}" for p in sorted(package.glob("*.py")) if p.stem != "__init__"
    ] + [f"generator/{p.name}/" for p in sorted(package.iterdir()) if (p / "__init__.py").exists()]
    skip = {"generator/__main__.py"}
    assert [m for m in modules if m not in skip and f"`{m}`" not in architecture] == []
