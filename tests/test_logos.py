"""Logos: read once, refused with a located error or published without their hostile parts."""

from __future__ import annotations

import io
import os
import re
import shutil
import xml.etree.ElementTree as ET
import zlib
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from generator.catalog import Catalog
from generator.diagnostics import Diagnostic
from generator.load import LoadResult, load_folder
from generator.logos import ELEMENTS, SVG_NS, decode_css, rewrite_svg, unsafe_value
from generator.site.common import SiteOptions
from generator.site.pages import plan_site
from tests.conftest import FIXTURES, ROOT, MakeFolder

LOGOS = FIXTURES / "logos"
MINIMAL_TEXT = (FIXTURES / "valid" / "minimal.yml").read_text(encoding="utf-8")
AS_OF = date(2026, 11, 28)
SQUARE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
    '  <rect width="10" height="10" fill="#005f73"/>\n'
    "</svg>\n"
)


def _folder(partner_folder: MakeFolder, slug: str, suffix: str = ".svg") -> Path:
    return partner_folder(**{f"{slug}.yml": MINIMAL_TEXT + f"logo: {slug}{suffix}\n"})


def _load(partner_folder: MakeFolder, fixture: str) -> tuple[list[str], bytes | None]:
    """Load a partner whose logo is the fixture: its diagnostics and its published bytes."""
    folder = _folder(partner_folder, fixture)
    shutil.copyfile(LOGOS / f"{fixture}.svg", folder / f"{fixture}.svg")
    result = load_folder(folder)
    return [d.format() for d in result.diagnostics], result.logos.get(fixture)


def _warning(fixture: str, at: str, message: str) -> str:
    return f"partners/{fixture}.svg:{at}: warning: {message} [logo-dropped]"


def _square(inner: str = '  <rect width="10" height="10" fill="#005f73"/>\n') -> bytes:
    return (f'<svg xmlns="{SVG_NS}" viewBox="0 0 10 10">\n{inner}</svg>\n').encode()


STYLE_SHEET = (
    "dropped <style>: style sheets are not published: use presentation attributes such as fill"
)
XHTML = "(namespace 'http://www.w3.org/1999/xhtml'): only SVG elements are published"

#: fixture -> (diagnostics after "partners/<fixture>.svg:", the published bytes)
DROPPED: dict[str, tuple[list[tuple[str, str]], bytes]] = {
    "xslt-stylesheet": (
        [
            ("2:1", "dropped the processing instruction <?xml-stylesheet?>"),
            ("3:90", "dropped xsl:version=\"1.0\": attributes in namespace "
                     "'http://www.w3.org/1999/XSL/Transform' are not published"),
            ("4:3", "dropped <element> (namespace 'http://www.w3.org/1999/XSL/Transform'): "
                    "only SVG elements are published"),
        ],
        _square(),
    ),
    "css-stylesheet-instruction": (
        [("1:1", "dropped the processing instruction <?xml-stylesheet?>")], _square()
    ),
    "style-import-uppercase": ([("2:3", STYLE_SHEET)], _square()),
    "style-import-entity": ([("2:3", STYLE_SHEET)], _square()),
    "style-import-escaped": ([("2:3", STYLE_SHEET)], _square()),
    "style-escaped-url": (
        [
            ("2:32", 'dropped style "fill: url(https://tracker.example/d.svg#p)": it refers '
                     "outside the logo (only url(#id) is kept)"),
            ("3:30", 'dropped fill="\\75rl(https://tracker.example/e.svg#p)": it refers '
                     "outside the logo (only url(#id) is kept)"),
        ],
        _square('  <rect width="10" height="10" style="stroke:#000"/>\n'
                '  <rect width="5" height="5"/>\n'),
    ),
    "image-set": (
        [("2:32", "dropped style \"mask: image-set('https://tracker.example/f.png' 1x)\": "
                  "image-set() is not allowed")],
        _square('  <rect width="10" height="10" style="fill:#005f73"/>\n'),
    ),
    "xhtml-img": ([("2:3", f"dropped <img> {XHTML}")], _square()),
    "xhtml-meta-refresh": ([("2:3", f"dropped <meta> {XHTML}")], _square()),
    "xinclude": (
        [("2:3", "dropped <include> (namespace 'http://www.w3.org/2001/XInclude'): "
                 "only SVG elements are published")],
        _square(),
    ),
    "xml-base": (
        [("3:6", 'dropped xml:base="https://tracker.example/": it changes how the document '
                 "is read")],
        _square('  <defs>\n    <path id="p" d="M0 0 H10 V10 Z"/>\n  </defs>\n'
                '  <g>\n    <use href="#p"/>\n  </g>\n'),
    ),
    "script": (
        [("2:3", "dropped <script>: scripts are not published"),
         ("3:3", "dropped <script>: scripts are not published")],
        _square(),
    ),
    "event-handlers": (
        [("1:61", 'dropped onload="alert(1)": event handlers are not published'),
         ("2:47", 'dropped onclick="alert(2)": event handlers are not published'),
         ("2:66", 'dropped ONMOUSEOVER="alert(3)": event handlers are not published')],
        _square(),
    ),
    "javascript-link": (
        [("2:3", "dropped the link <a>: its content is kept, without the link"),
         ("2:6", 'dropped href="javascript:alert(1)": links are not published')],
        _square('  <g>\n    <rect width="10" height="10" fill="#005f73"/>\n  </g>\n'),
    ),
    "animation": (
        [("2:3", "dropped the link <a>: its content is kept, without the link"),
         ("2:6", "dropped <animate>: animation is not published"),
         ("3:3", "dropped <set>: animation is not published")],
        _square('  <g>\n    <rect width="10" height="10" fill="#005f73"/>\n  </g>\n'),
    ),
    "use-external": (
        [("2:8", 'dropped href="https://tracker.example/sprite.svg#logo": only references '
                 "to '#id' in the same document are kept"),
         ("3:8", 'dropped xlink:href="sprite.svg#logo": only references to \'#id\' in the '
                 "same document are kept")],
        _square('  <use/>\n  <use/>\n  <rect width="10" height="10" fill="#005f73"/>\n'),
    ),
    "foreign-object": (
        [("2:3", "dropped <foreignObject>: embedded documents are not published")], _square()
    ),
    "image-data-uri": (
        [("2:3", "dropped <image>: images inside the logo are not published")], _square()
    ),
    "css-behavior": (
        [("2:32", 'dropped style "-moz-binding: url(https://tracker.example/k.xml#b)": it is '
                  "not a property logos may use"),
         ("2:32", 'dropped style "behavior: url(logo.htc)": it is not a property logos may use'),
         ("3:30", 'dropped style "fill: expression(alert(1))": expression() is not allowed')],
        _square('  <rect width="10" height="10" style="fill:#005f73"/>\n'
                '  <rect width="5" height="5"/>\n'),
    ),
    "editor-metadata": ([], _square('  <rect width="10" height="10" style="fill:#005f73"/>\n')),
}


@pytest.mark.parametrize("fixture", sorted(DROPPED))
def test_hostile_parts_are_dropped_with_located_warnings(
    fixture: str, partner_folder: MakeFolder
) -> None:
    diagnostics, published = _load(partner_folder, fixture)
    expected, content = DROPPED[fixture]
    assert diagnostics == [_warning(fixture, at, message) for at, message in expected]
    assert published == content


REFUSED = {
    "doctype-after-4k": "2:1: error: SVG logo must not declare a DOCTYPE or entities [svg-unsafe]",
    "billion-laughs": "2:1: error: SVG logo must not declare a DOCTYPE or entities [svg-unsafe]",
    "external-entity": "1:1: error: SVG logo must not declare a DOCTYPE or entities [svg-unsafe]",
    "utf-16": "1:1: error: SVG logo is UTF-16 text: save it as UTF-8 [logo-encoding]",
    "use-bomb": "1:1: error: SVG logo draws more than 20,000 elements once its <use> references"
                " are followed [svg-expansion]",
}


@pytest.mark.parametrize("fixture", sorted(REFUSED))
def test_unsafe_documents_are_refused_at_their_line(
    fixture: str, partner_folder: MakeFolder
) -> None:
    diagnostics, published = _load(partner_folder, fixture)
    assert diagnostics == [f"partners/{fixture}.svg:{REFUSED[fixture]}"]
    assert published is None


def test_a_logo_left_with_nothing_to_draw_is_an_error(partner_folder: MakeFolder) -> None:
    diagnostics, published = _load(partner_folder, "nothing-to-draw")
    assert diagnostics == [
        "partners/nothing-to-draw.svg:1:1: error: SVG logo draws nothing a viewer would see:"
        " no shapes or text are left [svg-empty]",
        _warning("nothing-to-draw", "2:3", "dropped <image>: images inside the logo are not "
                 "published"),
    ]
    assert published is None


def test_the_doctype_check_reads_the_whole_file() -> None:
    raw = (LOGOS / "doctype-after-4k.svg").read_bytes()
    assert raw.index(b"<!DOCTYPE") > 4096


@pytest.mark.parametrize("fixture", sorted(DROPPED))
def test_nothing_published_can_fetch_or_script(fixture: str) -> None:
    checked = rewrite_svg(f"partners/{fixture}.svg", (LOGOS / f"{fixture}.svg").read_bytes())
    assert checked.content is not None
    text = checked.content.decode()
    for word in ("tracker.example", "script", "javascript", "alert", "import", "<?", "xsl",
                 "xhtml", "http:", "https:", "data:", "\\", "@"):
        assert word not in text.replace(f'xmlns="{SVG_NS}"', ""), word
    assert re.search(r"\son\w*=", text, re.IGNORECASE) is None
    root = ET.fromstring(checked.content)
    for element in root.iter():
        assert element.tag.startswith(f"{{{SVG_NS}}}")
        assert element.tag.removeprefix(f"{{{SVG_NS}}}") in ELEMENTS
        assert all("{" not in name for name in element.attrib)


# --- reading the file ------------------------------------------------------------------------


def test_a_300_kib_logo_is_refused_before_it_is_read(partner_folder: MakeFolder) -> None:
    folder = _folder(partner_folder, "big")
    (folder / "big.svg").write_bytes(_square() + b" " * (300 * 1024))
    assert [d.format() for d in load_folder(folder).diagnostics] == [
        "partners/big.yml:8:7: error: logo 'big.svg' is 307,316 bytes; the limit is "
        "262,144 bytes [logo-size]"
    ]


LINK = ("partners/{0}.yml:8:7: error: logo '{0}.svg' is a symbolic link: commit the image "
        "file itself [logo-link]")


def test_a_symlink_to_a_file_outside_partners_is_refused(partner_folder: MakeFolder) -> None:
    folder = _folder(partner_folder, "passwd")
    (folder / "passwd.svg").symlink_to("/etc/passwd")
    result = load_folder(folder)
    assert [d.format() for d in result.diagnostics] == [LINK.format("passwd")]
    assert result.logos == {}


def test_a_symlink_inside_partners_is_refused(partner_folder: MakeFolder) -> None:
    folder = _folder(partner_folder, "linked")
    (folder / "real.svg").write_bytes(_square())
    (folder / "linked.svg").symlink_to("real.svg")
    assert [d.format() for d in load_folder(folder).diagnostics] == [LINK.format("linked")]


def test_a_fifo_named_svg_is_refused_without_blocking(partner_folder: MakeFolder) -> None:
    folder = _folder(partner_folder, "fifo")
    os.mkfifo(folder / "fifo.svg")
    # The folder scan names the pipe itself; the partner file's reference is located too.
    assert [d.format() for d in load_folder(folder).diagnostics] == [
        "partners/fifo.svg:1:1: error: a named pipe, not a file: nothing in it is read; "
        "remove it [special-file]",
        "partners/fifo.yml:8:7: error: logo 'fifo.svg' is not a regular file (a folder, a FIFO"
        " or a device) [logo-special-file]",
    ]


def test_a_folder_named_svg_is_refused(partner_folder: MakeFolder) -> None:
    folder = _folder(partner_folder, "dir")
    (folder / "dir.svg").mkdir()
    assert [d.format() for d in load_folder(folder).diagnostics] == [
        "partners/dir.svg:1:1: error: a folder inside the partners folder: nothing in it is "
        "read; partner files and logos sit directly in the partners folder [subfolder]",
        "partners/dir.yml:8:7: error: logo 'dir.svg' is not a regular file (a folder, a FIFO"
        " or a device) [logo-special-file]",
    ]


def _catalog(result: LoadResult) -> Catalog:
    return Catalog.build(result, AS_OF)


def test_a_logo_swapped_after_the_check_is_not_published(partner_folder: MakeFolder) -> None:
    folder = _folder(partner_folder, "swap")
    (folder / "swap.svg").write_bytes(_square())
    result = load_folder(folder)
    (folder / "swap.svg").write_bytes((LOGOS / "script.svg").read_bytes())
    plan = plan_site(_catalog(result), folder, SiteOptions())
    (logo,) = [f for f in plan.files if f.path == "logos/swap.svg"]
    assert logo.read() == _square()
    (folder / "swap.svg").unlink()
    assert logo.read() == _square()


def test_validate_holds_no_logo_bytes(partner_folder: MakeFolder) -> None:
    folder = _folder(partner_folder, "kept")
    (folder / "kept.svg").write_bytes(_square())
    assert load_folder(folder).logos == {"kept": _square()}
    assert load_folder(folder, keep_partners=False).logos == {}


# --- SVG details -----------------------------------------------------------------------------


def _svg(raw: bytes) -> list[str]:
    checked = rewrite_svg("partners/x.svg", raw)
    found = [*checked.problems, *checked.warnings]
    return [d.format() for d in found if isinstance(d, Diagnostic)]


def test_a_byte_order_mark_is_accepted() -> None:
    checked = rewrite_svg("partners/x.svg", b"\xef\xbb\xbf" + _square())
    assert (checked.problems, checked.warnings, checked.content) == ([], [], _square())


def test_bytes_that_are_not_utf8_are_located() -> None:
    raw = _square().replace(b"<rect", b"<text>caf\xe9</text>\n  <rect")
    assert _svg(raw) == [
        "partners/x.svg:2:12: error: SVG logo is not UTF-8 (byte 0xe9): save it as UTF-8"
        " [logo-encoding]"
    ]


def test_another_declared_encoding_is_refused() -> None:
    raw = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n' + _square()
    assert _svg(raw) == [
        "partners/x.svg:1:31: error: SVG logo declares the encoding 'ISO-8859-1': save it as"
        " UTF-8 [logo-encoding]"
    ]


def test_the_root_must_be_svg_in_the_svg_namespace() -> None:
    assert _svg(b'<svg viewBox="0 0 1 1"><rect/></svg>') == [
        "partners/x.svg:1:1: error: the root element must be <svg> in the SVG namespace,"
        " not <svg> [svg-malformed]"
    ]
    assert _svg(b'<html xmlns="http://www.w3.org/1999/xhtml"/>') == [
        "partners/x.svg:1:1: error: the root element must be <svg> in the SVG namespace,"
        " not <html> [svg-malformed]"
    ]


def test_an_undefined_entity_is_malformed() -> None:
    assert _svg(_square().replace(b"<rect", b"&evil;<rect")) == [
        "partners/x.svg:2:3: error: SVG logo is not well-formed XML: undefined entity"
        " [svg-malformed]"
    ]


def test_deep_nesting_is_refused() -> None:
    raw = f'<svg xmlns="{SVG_NS}">' + "<g>" * 70 + "<rect/>" + "</g>" * 70 + "</svg>"
    assert _svg(raw.encode()) == [
        "partners/x.svg:1:230: error: SVG logo nests elements more than 64 levels deep"
        " [svg-malformed]"
    ]


def test_same_document_references_and_text_are_kept() -> None:
    raw = (
        f'<svg xmlns="{SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 9 9">'
        '<defs><linearGradient id="g"><stop offset="0" stop-color="rgb(0, 95, 115)"/>'
        '</linearGradient><clipPath id="c"><circle r="4"/></clipPath></defs>'
        '<rect width="9" height="9" fill="url(#g)" clip-path="url( \'#c\' )"/>'
        '<use xlink:href="#c" transform="translate(1 2) rotate(45)"/>'
        '<text font-family="\'Noto Sans JP\', メイリオ">A&amp;B <tspan>&lt;C&gt;</tspan></text>'
        "</svg>"
    ).encode()
    checked = rewrite_svg("partners/x.svg", raw)
    assert checked.warnings == []
    assert checked.content == (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 9 9">\n'
        '  <defs>\n    <linearGradient id="g">\n'
        '      <stop offset="0" stop-color="rgb(0, 95, 115)"/>\n    </linearGradient>\n'
        '    <clipPath id="c">\n      <circle r="4"/>\n    </clipPath>\n  </defs>\n'
        '  <rect width="9" height="9" fill="url(#g)" clip-path="url( \'#c\' )"/>\n'
        '  <use href="#c" transform="translate(1 2) rotate(45)"/>\n'
        "  <text font-family=\"'Noto Sans JP', メイリオ\">A&amp;B <tspan>&lt;C&gt;</tspan>"
        "</text>\n</svg>\n"
    ).encode()


def test_use_references_within_the_limit_and_cycles_are_published() -> None:
    lines = (LOGOS / "use-bomb.svg").read_bytes().splitlines(keepends=True)
    # Two levels fewer: about 4,700 elements drawn, defs included.
    kept = [line for line in lines if b'id="l5"' not in line and b'id="l4"' not in line]
    raw = b"".join(kept).replace(b"#l5", b"#l3")
    assert rewrite_svg("partners/x.svg", raw).content is not None
    cycle = _square('  <g id="a"><use href="#b"/></g>\n  <g id="b"><use href="#a"/></g>\n'
                    '  <rect width="1" height="1"/>\n')
    assert rewrite_svg("partners/x.svg", cycle).content == (
        _square('  <g id="a">\n    <use href="#b"/>\n  </g>\n  <g id="b">\n    <use href="#a"/>\n'
                '  </g>\n  <rect width="1" height="1"/>\n')
    )


def test_css_escapes_and_comments_are_decoded_before_checking() -> None:
    assert decode_css(r"\75rl(x)") == "url(x)"
    assert decode_css(r"@\69mport") == "@import"
    assert decode_css(r"\000075 rl(x)") == "url(x)"
    assert decode_css("u/**/rl(x)") == "url(x)"
    assert decode_css(r"\0 \D800 \110000 ") == "\ufffd\ufffd\ufffd"
    assert unsafe_value(decode_css(r"\75rl(https://x)")) == (
        "it refers outside the logo (only url(#id) is kept)"
    )
    assert unsafe_value("URL(#a)") is None
    assert unsafe_value("Url(x.svg)") == "it refers outside the logo (only url(#id) is kept)"
    assert unsafe_value("-webkit-image-set(x 1x)") == "-webkit-image-set() is not allowed"
    assert unsafe_value("var(--x)") == "var() is not allowed"
    assert unsafe_value("red !important") == "the character '!' is not allowed"
    assert unsafe_value("a:b") == "the character ':' is not allowed"
    fullwidth_at = "\uff20"
    assert unsafe_value(f"{fullwidth_at}import") == f"the character '{fullwidth_at}' is not allowed"


def test_the_rewrite_is_deterministic_and_stable() -> None:
    for fixture in sorted(DROPPED):
        raw = (LOGOS / f"{fixture}.svg").read_bytes()
        first = rewrite_svg("partners/x.svg", raw).content
        assert first is not None
        assert rewrite_svg("partners/x.svg", raw).content == first
        again = rewrite_svg("partners/x.svg", first)
        assert (again.warnings, again.content) == ([], first)


SAMPLES = sorted((ROOT / "partners").glob("*.svg"))


def _tree(raw: bytes) -> list[tuple[str, dict[str, str], str]]:
    root = ET.fromstring(raw)
    return [(e.tag, dict(e.attrib), (e.text or "").strip()) for e in root.iter()]


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_logo_is_published_as_a_viewer_saw_it(sample: Path) -> None:
    raw = sample.read_bytes()
    checked = rewrite_svg(f"partners/{sample.name}", raw)
    assert (checked.problems, checked.warnings) == ([], [])
    assert checked.content is not None
    assert _tree(checked.content) == _tree(raw)


# --- PNG ------------------------------------------------------------------------------------


def _png(**info: str) -> bytes:
    image = Image.new("RGBA", (3, 2), (0, 95, 115, 255))
    image.putpixel((1, 1), (255, 255, 255, 128))
    text = PngImagePlugin.PngInfo()
    for key, value in info.items():
        text.add_text(key, value)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=text)
    return out.getvalue()


def _load_png(partner_folder: MakeFolder, raw: bytes) -> tuple[list[str], bytes | None]:
    folder = _folder(partner_folder, "pic", ".png")
    (folder / "pic.png").write_bytes(raw)
    result = load_folder(folder)
    return [d.format() for d in result.diagnostics], result.logos.get("pic")


def test_a_png_is_re_encoded_without_its_text(partner_folder: MakeFolder) -> None:
    raw = _png(Comment="<script>alert(1)</script>")
    assert b"tEXt" in raw
    diagnostics, published = _load_png(partner_folder, raw)
    assert diagnostics == []
    assert published is not None
    assert b"tEXt" not in published and b"script" not in published
    with Image.open(io.BytesIO(published)) as new, Image.open(io.BytesIO(raw)) as old:
        assert new.mode == old.mode == "RGBA"
        assert new.tobytes() == old.tobytes()
    assert _load_png(partner_folder, raw)[1] == published


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")


def test_a_decompression_bomb_is_refused_from_its_header(partner_folder: MakeFolder) -> None:
    header = (50_000).to_bytes(4, "big") + (50_000).to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    bomb = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(1_000_000), 9)) + _chunk(b"IEND", b""))
    assert len(bomb) < 10_000
    assert _load_png(partner_folder, bomb) == ([
        "partners/pic.yml:8:7: error: logo 'pic.png' is 50,000 by 50,000 pixels; the limit is"
        " 2,048 by 2,048 pixels [logo-pixels]"
    ], None)


def test_a_broken_png_is_refused(partner_folder: MakeFolder) -> None:
    assert _load_png(partner_folder, _png()[:60]) == ([
        "partners/pic.yml:8:7: error: logo 'pic.png' is not a readable PNG image [logo-type]"
    ], None)


def test_an_svg_named_png_is_refused(partner_folder: MakeFolder) -> None:
    assert _load_png(partner_folder, _square()) == ([
        "partners/pic.yml:8:7: error: logo 'pic.png' is not a PNG image [logo-type]"
    ], None)


def test_an_animated_png_keeps_its_first_frame_with_a_warning(
    partner_folder: MakeFolder,
) -> None:
    frames = [Image.new("RGB", (2, 2), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="PNG", save_all=True, append_images=frames[1:])
    diagnostics, published = _load_png(partner_folder, out.getvalue())
    assert diagnostics == [
        "partners/pic.png:1:1: warning: dropped the animation: only the first of 2 frames is"
        " published [logo-dropped]"
    ]
    assert published is not None
    with Image.open(io.BytesIO(published)) as image:
        assert getattr(image, "n_frames", 1) == 1
        assert image.getpixel((0, 0)) == (255, 0, 0)


def test_validate_shows_what_was_dropped_and_still_passes(
    partner_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.cli import main

    folder = _folder(partner_folder, "script")
    shutil.copyfile(LOGOS / "script.svg", folder / "script.svg")
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        _warning("script", "2:3", "dropped <script>: scripts are not published"),
        _warning("script", "3:3", "dropped <script>: scripts are not published"),
        "2 files checked: no errors",
    ]


def test_a_flood_of_dropped_parts_is_counted_not_listed() -> None:
    rows = "".join(f'  <rect width="1" height="1" onclick="alert({i})"/>\n' for i in range(60))
    checked = rewrite_svg("partners/x.svg", _square(rows))
    assert len(checked.warnings) == 51
    assert checked.warnings[49].format() == (
        'partners/x.svg:51:30: warning: dropped onclick="alert(49)": event handlers are not'
        " published [logo-dropped]"
    )
    assert checked.warnings[50].format() == (
        "partners/x.svg:52:30: warning: dropped 10 more parts of the logo from here on"
        " [logo-dropped]"
    )
