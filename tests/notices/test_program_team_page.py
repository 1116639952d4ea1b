"""docs/program-team.md shows each notice kind as the sample data renders it today."""

from __future__ import annotations

import re

from generator.notices.events import NOTICE_KINDS
from generator.notices.messages import Notice
from tests.conftest import ROOT
from tests.notices.conftest import parsed, text_of

PAGE = ROOT / "docs" / "program-team.md"
EXAMPLE = re.compile(r"<!-- notice: (\S+) -->\n\n```text\n(.*?)\n```", re.S)


def test_the_page_has_one_current_example_of_each_kind(year_notices: dict[str, Notice]) -> None:
    examples = EXAMPLE.findall(PAGE.read_text(encoding="utf-8"))
    assert sorted(year_notices[f].event.kind for f, _text in examples) == sorted(NOTICE_KINDS)
    for file, text in examples:
        notice = year_notices[file]
        body = text_of(parsed(notice.as_bytes())).replace("\r\n", "\n")
        rendered = f"Subject: {notice.subject}\n\n{body}"
        assert text == rendered.rstrip("\n"), file


def test_the_page_is_in_the_navigation() -> None:
    assert "- The yearly cycle: program-team.md" in (ROOT / "mkdocs.yml").read_text(
        encoding="utf-8"
    )
