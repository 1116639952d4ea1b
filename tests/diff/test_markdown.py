"""The Markdown report cannot speak for the partner: text from the data is inert in GitLab.

The report is rendered with cmark-gfm (GitHub's CommonMark with the table, autolink,
strikethrough and tag filter extensions, the parser family GitLab's renderer follows). GitLab
finds mentions, references and emoji only in text outside ``<code>``, ``<pre>`` and ``<a>``;
so a hostile value passes when the rendered page has exactly the structure and the text
outside code of the same report with a harmless value, and the value itself sits whole inside
one ``<code>``.
"""

from __future__ import annotations

import dataclasses
import shutil
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from generator.cli import main
from generator.clock import as_of_day
from generator.diagnostics import printable
from generator.diff import Diff, compare
from generator.load import load_folder
from generator.report.diff import md_text, render_html, render_markdown

BASE = Path(__file__).resolve().parent / "fixtures" / "base"
AS_OF = as_of_day("2026-11-01")

HOSTILE = [
    "@all",
    "@group/subgroup and @user",
    "https://evil.example/path?q=1",
    "www.evil.example and mail@evil.example",
    "#1 !2 %m ~l &3 $4 [[wiki]] :smile: ^5",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script> &amp; &#64;all",
    "| a | b |",
    "Acme ``` DevOps `x`",
    "`starts and ends with a backtick`",
    "**bold** _em_ [link](https://evil.example) ![img](https://evil.example/x.png)",
    "$`math`$ {+ added +} [- removed -]",
    "Acme\n# Heading",
    "Acme\r\n\n- item\n> quote\n1. first\n| a |\n|---|\n    indented code\n```\nfence",
    "Acme\u2028line\u2029para\x0bvt\x85next",
    "\u202eevil\u202c \u200b@\u200ball",
]


class _Page(HTMLParser):
    """The tags of a rendered page, its text outside ``<code>``, and each code's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.outside: list[str] = []
        self.codes: list[str] = []
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "code":
            self._in_code += 1
            self.codes.append("")

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(f"/{tag}")
        if tag == "code":
            self._in_code -= 1

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.codes[-1] += data
        else:
            self.outside.append(data)


def rendered(markdown: str) -> _Page:
    extensions = ["table", "autolink", "strikethrough", "tagfilter", "tasklist"]
    html = cmarkgfm.markdown_to_html_with_extensions(
        markdown, options=Options.CMARK_OPT_UNSAFE, extensions=extensions
    )
    page = _Page()
    page.feed(html)
    page.close()
    return page


def one_line(text: str) -> str:
    """What a value reads as once its line breaks and invisible characters are collapsed."""
    return " ".join(
        "".join(" " if not c.isprintable() else c for c in text).split()
    )


@pytest.fixture(scope="module")
def full_diff(tmp_path_factory: pytest.TempPathFactory) -> Diff:
    """A diff with every section: badges, partners added and removed, profiles, program
    changes and the badges they move, new errors, partners not compared, quiet changes."""
    root = tmp_path_factory.mktemp("sides")
    base, head = root / "base", root / "head"
    shutil.copytree(BASE, base)
    shutil.copytree(BASE, head)
    acme = (BASE / "acme-devops.yml").read_text(encoding="utf-8")
    (base / "zenith-labs.yml").write_text(acme.replace("Acme DevOps GmbH", "Zenith Labs"))
    quiet = (BASE / "nova-consulting.yml").read_text(encoding="utf-8").replace(
        "name: Nova Consulting", "name: Quiet Co"
    )
    (base / "quiet-co.yml").write_text(quiet)
    (head / "quiet-co.yml").write_text(quiet.replace("id: n-1", "id: n-9"))
    (head / "orbit-works.yml").write_text(acme.replace("Acme DevOps GmbH", "Orbit Works"))
    (head / "acme-devops.yml").write_text(
        acme.replace("  - id: p-003\n    employed: {from: 2020-01-01}",
                     "  - id: p-003\n    employed: {from: 2020-01-01, to: 2026-10-31}")
        .replace("headquarters: {country: DE, city: Berlin}",
                 "headquarters: {country: DE, city: Munich}")
    )
    nova = (head / "nova-consulting.yml").read_text(encoding="utf-8")
    (head / "nova-consulting.yml").write_text(nova.replace("website:", "webiste:"))
    program = (head / "program.yml").read_text(encoding="utf-8")
    (head / "program.yml").write_text(program.replace(
        "        certification: pse\n        at_least: 3",
        "        certification: pse\n        at_least: 4",
    ))
    diff = compare(load_folder(base), load_folder(head), AS_OF, "main")
    assert diff.badges and diff.added and diff.removed and diff.profiles and diff.program
    assert diff.program_moves and diff.new_errors and diff.not_compared
    assert diff.no_visible_change
    return diff


def swapped(diff: Diff, text: str) -> Diff:
    """The same diff with every value that comes from the data replaced by ``text``."""
    r = dataclasses.replace

    def some(value: str | None) -> str | None:
        return None if value is None else text

    return r(
        diff,
        added=tuple(r(p, slug=text, name=text, tier=text, badges=(text, text))
                    for p in diff.added),
        removed=tuple(r(p, slug=text, name=text, tier=text, badges=(text,))
                      for p in diff.removed),
        badges=tuple(r(c, slug=text, name=text, badge_name=text, reason=some(c.reason))
                     for c in diff.badges),
        profiles=tuple(
            r(p, slug=text, name=text, fields=tuple(
                r(f, field=text, before=some(f.before), after=some(f.after),
                  added=tuple(text for _ in f.added), removed=tuple(text for _ in f.removed))
                for f in p.fields
            ))
            for p in diff.profiles
        ),
        program=tuple(
            r(c, path=text, before=some(c.before), after=some(c.after),
              added=tuple(text for _ in c.added), removed=tuple(text for _ in c.removed))
            for c in diff.program
        ),
        program_moves=tuple(r(m, slug=text, name=text, badge_name=text)
                            for m in diff.program_moves),
        new_errors=tuple(r(d, path=text, message=text) for d in diff.new_errors),
        not_compared=tuple(text for _ in diff.not_compared),
        no_visible_change=tuple(text for _ in diff.no_visible_change),
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_changes_nothing_but_the_code_it_sits_in(
    full_diff: Diff, text: str
) -> None:
    harmless = rendered(render_markdown(swapped(full_diff, "Acme")))
    hostile_markdown = render_markdown(swapped(full_diff, text))
    hostile = rendered(hostile_markdown)
    # The same headings, lists, emphasis and code, and not one tag more (no link, image,
    # heading, table, quote or HTML from the data).
    assert hostile.tags == harmless.tags
    # Outside code every word is the report's own: nothing GitLab could read as a mention,
    # a reference, an emoji or a link.
    assert hostile.outside == harmless.outside
    # Each value is one code span, whole and on one line (a validation message has its
    # unsafe characters written as escapes before it reaches the report).
    replaced = [i for i, code in enumerate(harmless.codes) if code == "Acme"]
    assert len(replaced) > 20
    assert {hostile.codes[i] for i in replaced} <= {one_line(text), one_line(printable(text))}
    assert one_line(text) in {hostile.codes[i] for i in replaced}
    # The report's own lines stay its own: nothing from the data starts a line.
    own_lines = render_markdown(swapped(full_diff, "Acme")).count("\n")
    assert hostile_markdown.count("\n") == own_lines


def test_the_report_with_hostile_names_reads_as_written(full_diff: Diff) -> None:
    out = render_markdown(swapped(full_diff, "@all"))
    assert "- **`@all`** (`@all`): `@all` no longer granted (was active). Unmet: certified." in out
    out = render_markdown(swapped(full_diff, "Acme ``` DevOps `x`"))
    fenced = "```` Acme ``` DevOps `x` ````"
    assert f"- **{fenced}** ({fenced}):" in out
    out = render_markdown(swapped(full_diff, "Acme\n# Heading"))
    assert "\n#" not in out.replace("\n### ", "\n").replace("\n## ", "\n")
    assert "- **`Acme # Heading`** (`Acme # Heading`):" in out


def test_a_preview_link_keeps_the_name_in_code(full_diff: Diff) -> None:
    out = render_markdown(
        dataclasses.replace(
            full_diff, badges=tuple(dataclasses.replace(c, name="@all https://evil.example")
                                    for c in full_diff.badges)
        ),
        preview_url="https://preview.example/mr-7/",
    )
    line = next(x for x in out.splitlines() if "@all" in x)
    assert line.startswith(
        "- [`@all https://evil.example`](https://preview.example/mr-7/partners/acme-devops/) "
    )
    page = rendered(line)
    assert page.tags[:6] == ["ul", "li", "a", "code", "/code", "/a"]
    assert "@all" not in "".join(page.outside)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme", "`Acme`"),
        ("a `b` c", "``a `b` c``"),
        ("a ``` b", "````a ``` b````"),
        ("`x`", "`` `x` ``"),
        ("x`", "`` x` ``"),
        ("a\nb\r\nc", "`a b c`"),
        ("  spaced  out  ", "`spaced out`"),
        ("", "` `"),
        ("\n", "` `"),
    ],
)
def test_md_text_fences(text: str, expected: str) -> None:
    assert md_text(text) == expected
    code = rendered(expected).codes
    assert code == [one_line(text) or " "]


def test_md_text_in_a_table_cell_keeps_the_pipes_in_the_cell() -> None:
    cell = md_text("| a | b |", in_table=True)
    assert cell == r"`\| a \| b \|`"
    page = rendered(f"| Partner | Badge |\n|---|---|\n| {cell} | PSP |\n")
    assert page.tags.count("td") == 2
    assert page.codes == ["| a | b |"]
    # Outside a table the same text needs no escape.
    assert rendered(md_text("| a | b |")).codes == ["| a | b |"]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_html_report_escapes_every_value(full_diff: Diff, text: str) -> None:
    html = render_html(swapped(full_diff, text), preview_url="https://preview.example/")
    assert "<img" not in html
    assert "<script" not in html
    assert "onerror=alert" not in html or "&lt;img src=x onerror=alert(1)&gt;" in html
    page = _Page()
    page.feed(html)
    page.close()
    harmless = _Page()
    harmless.feed(render_html(swapped(full_diff, "Acme"), preview_url="https://preview.example/"))
    harmless.close()
    assert page.tags == harmless.tags


def test_hostile_partner_file_through_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(BASE, tmp_path / "base")
    shutil.copytree(BASE, tmp_path / "head")
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "head" / "acme-devops.yml"
    text = path.read_text(encoding="utf-8")
    for old, new in [
        ("name: Acme DevOps GmbH", "name: \"@all <img src=x onerror=alert(1)> #1 | a |\""),
        ("city: Berlin", "city: \"~l %m !2 :smile:\""),
        ("https://acme.example", "https://evil.example/@all"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    assert main(["diff", "--base-dir", "base", "--partners", "head", "--as-of", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    assert out == (
        "## Partner data changes as of 2026-11-01\n\n"
        "### Profile changes (1)\n\n"
        "- **`@all <img src=x onerror=alert(1)> #1 | a |`** (`acme-devops`):\n"
        "  - `name` `Acme DevOps GmbH` → `@all <img src=x onerror=alert(1)> #1 | a |`\n"
        "  - `website` `https://acme.example` → `https://evil.example/@all`\n"
        "  - `headquarters` `Berlin, DE` → `~l %m !2 :smile:, DE`\n"
    )
    page = rendered(out)
    assert "img" not in page.tags and "a" not in page.tags
    outside = "".join(page.outside)
    for fragment in ("@", "#1", "!2", "%m", "~l", ":smile:", "evil", "<img"):
        assert fragment not in outside
