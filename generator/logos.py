"""Partner logos, read once and rewritten by the project before anything is published.

A logo arrives in a merge request from outside the program team, so its bytes are never
published as committed. The file is opened once, without following links, its size checked
before it is read. An SVG is parsed with a hardened XML parser (no DTD, no entities, no
external references) and written anew from an allow-list of elements, attributes and style
properties whose values cannot fetch or run anything; what is left out gets a located warning.
A PNG is decoded and encoded again, without its metadata. The bytes returned here are the
bytes the site publishes.
"""

from __future__ import annotations

import bisect
import io
import os
import re
import stat
import warnings
import xml.sax
import xml.sax.handler
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.xmlreader import AttributesNSImpl, Locator

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.expatreader import DefusedExpatParser
from PIL import Image

from generator.diagnostics import Diagnostic, Loc, Problem
from generator.model import Partner

MAX_LOGO_BYTES = 256 * 1024
LOGO_SUFFIXES = (".svg", ".png")
#: The widest and tallest PNG accepted, checked from its header before anything is decoded.
#: A logo is shown at most a few hundred pixels wide; a larger limit only costs memory (a
#: 16-bit 4096 by 4096 image takes about 250 MB to decode).
MAX_PNG_SIDE = 2048
#: Deeper nesting than this is no logo; it also keeps the rebuild's work bounded.
MAX_SVG_DEPTH = 64
#: Elements a viewer draws once every ``<use>`` is followed: a few nested uses can otherwise
#: multiply a small file into billions of shapes and hang the visitor's browser.
MAX_SVG_EXPANSION = 20_000
#: Warnings shown for one logo; the rest are counted in one last warning.
MAX_LOGO_WARNINGS = 50
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class CheckedLogo:
    """A partner's logo after the checks: errors, warnings, and the bytes to publish."""

    problems: list[Problem | Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    content: bytes | None = None


def check_logo(partner: Partner, folder: Path, display_folder: str) -> CheckedLogo:
    """Check a partner's logo and rewrite it; SVG content problems point into the SVG itself.

    ``content`` is set only when the logo is accepted: it is what the site publishes.
    """
    if partner.logo is None:
        return CheckedLogo()
    loc: Loc = ("logo",)
    logo = partner.logo
    if "/" in logo or "\\" in logo or logo.startswith("."):
        return _refused(
            Problem(loc, "logo", f"logo '{logo}' must be a file name beside the partner file")
        )
    suffix = Path(logo).suffix.lower()
    if suffix not in LOGO_SUFFIXES:
        return _refused(Problem(loc, "logo-type", f"logo '{logo}' must be an .svg or .png file"))
    if Path(logo).stem != partner.slug:
        return _refused(
            Problem(
                loc,
                "logo",
                f"logo '{logo}' must be named after the partner file: '{partner.slug}{suffix}'",
            )
        )
    raw = read_logo(folder / logo, logo)
    if isinstance(raw, Problem):
        return _refused(raw)
    if suffix == ".png":
        return rewrite_png(raw, logo, f"{display_folder}/{logo}")
    if raw.startswith(_PNG_MAGIC):
        return _refused(
            Problem(loc, "logo-type", f"logo '{logo}' is a PNG image: rename it to .png")
        )
    return rewrite_svg(f"{display_folder}/{logo}", raw)


def _refused(problem: Problem | Diagnostic) -> CheckedLogo:
    return CheckedLogo(problems=[problem])


# --- reading the file once -----------------------------------------------------------------


def read_logo(path: Path, logo: str) -> bytes | Problem:
    """The file's bytes, read once: never through a link, never more than the limit + 1."""
    loc: Loc = ("logo",)
    try:
        before = path.lstat()
    except FileNotFoundError:
        return Problem(loc, "logo-missing", f"logo file '{logo}' does not exist beside the file")
    except OSError as exc:
        return Problem(loc, "logo-missing", f"logo '{logo}' cannot be read ({exc.strerror})")
    linked = Problem(
        loc, "logo-link", f"logo '{logo}' is a symbolic link: commit the image file itself"
    )
    if stat.S_ISLNK(before.st_mode):
        return linked
    if not stat.S_ISREG(before.st_mode):
        return _special(logo)
    # O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or a FIFO since the lstat above
    # fails to open or opens without blocking, and fstat below sees what was opened.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if stat.S_ISLNK(_lstat_mode(path)):
            return linked
        return Problem(loc, "logo-missing", f"logo '{logo}' cannot be read ({exc.strerror})")
    with os.fdopen(fd, "rb") as file:
        opened = os.fstat(file.fileno())
        if not stat.S_ISREG(opened.st_mode):
            return _special(logo)
        if opened.st_size > MAX_LOGO_BYTES:
            return _too_large(logo, opened.st_size)
        raw = file.read(MAX_LOGO_BYTES + 1)
    if len(raw) > MAX_LOGO_BYTES:  # it grew after fstat
        return _too_large(logo, len(raw))
    return raw


def _lstat_mode(path: Path) -> int:
    try:
        return path.lstat().st_mode
    except OSError:
        return 0


def _special(logo: str) -> Problem:
    return Problem(
        ("logo",), "logo-special-file",
        f"logo '{logo}' is not a regular file (a folder, a FIFO or a device)",
    )


def _too_large(logo: str, size: int) -> Problem:
    return Problem(
        ("logo",),
        "logo-size",
        f"logo '{logo}' is {size:,} bytes; the limit is {MAX_LOGO_BYTES:,} bytes",
    )


# --- PNG -----------------------------------------------------------------------------------


def rewrite_png(raw: bytes, logo: str, path: str) -> CheckedLogo:
    """Decode the PNG and encode its pixels again: no text, metadata or extra chunks survive."""
    loc: Loc = ("logo",)
    if not raw.startswith(_PNG_MAGIC):
        return _refused(Problem(loc, "logo-type", f"logo '{logo}' is not a PNG image"))
    unreadable = Problem(loc, "logo-type", f"logo '{logo}' is not a readable PNG image")
    if len(raw) < 24 or raw[12:16] != b"IHDR":
        return _refused(unreadable)
    width, height = int.from_bytes(raw[16:20], "big"), int.from_bytes(raw[20:24], "big")
    if width > MAX_PNG_SIDE or height > MAX_PNG_SIDE:
        return _refused(
            Problem(
                loc,
                "logo-pixels",
                f"logo '{logo}' is {width:,} by {height:,} pixels; the limit is "
                f"{MAX_PNG_SIDE:,} by {MAX_PNG_SIDE:,} pixels",
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with Image.open(io.BytesIO(raw), formats=["PNG"]) as image:
                image.verify()
            with Image.open(io.BytesIO(raw), formats=["PNG"]) as image:
                image.load()
                frames = int(getattr(image, "n_frames", 1))
                keep = image.mode in ("RGB", "RGBA", "L", "LA") and "transparency" not in image.info
                pixels = image if keep else image.convert("RGBA")
                # A fresh image carries no info (text, ICC, EXIF, dates) into the new file.
                clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
        out = io.BytesIO()
        clean.save(out, format="PNG", compress_level=9, optimize=False)
    except (OSError, ValueError, SyntaxError, EOFError, Warning, Image.DecompressionBombError):
        return _refused(unreadable)
    notes: list[Diagnostic] = []
    if frames > 1:
        notes.append(
            Diagnostic(
                path, 1, 1, "logo-dropped",
                f"dropped the animation: only the first of {frames} frames is published",
                severity="warning",
            )
        )
    return CheckedLogo(warnings=notes, content=out.getvalue())


# --- SVG -----------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"

#: Elements a logo may use, by what they hold. Everything else is dropped with its content.
_CONTAINERS = frozenset({"svg", "g", "defs", "symbol", "clipPath", "mask", "pattern", "marker"})
_SHAPES = frozenset({"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "use"})
_TEXTS = frozenset({"text", "tspan", "textPath", "title", "desc"})
_PAINT = frozenset({"linearGradient", "radialGradient", "stop"})
_FILTERS = frozenset({
    "filter", "feGaussianBlur", "feOffset", "feFlood", "feComposite", "feMerge", "feMergeNode",
    "feBlend", "feColorMatrix", "feDropShadow",
})
ELEMENTS = _CONTAINERS | _SHAPES | _TEXTS | _PAINT | _FILTERS
#: Where shapes are only definitions: they draw nothing by themselves.
_DEFINITIONS = frozenset({
    "defs", "symbol", "clipPath", "mask", "pattern", "marker", "linearGradient",
    "radialGradient", "filter",
})
#: Elements whose ``href`` (or ``xlink:href``) may point at ``#id`` in the same document.
_HREF_ELEMENTS = frozenset({"use", "linearGradient", "radialGradient", "pattern", "textPath"})
#: Elements whose character data is shown (or is the document's title).
_TEXT_CONTENT = _TEXTS

#: Presentation attributes, allowed both as attributes and as ``style`` properties.
PROPERTIES = frozenset({
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "color", "display", "visibility", "clip-path", "clip-rule",
    "mask", "stop-color", "stop-opacity", "font-family", "font-size", "font-weight",
    "font-style", "font-variant", "font-stretch", "text-anchor", "dominant-baseline",
    "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing", "text-decoration",
    "writing-mode", "direction", "paint-order", "vector-effect", "shape-rendering",
    "text-rendering", "color-interpolation", "color-interpolation-filters", "filter",
    "flood-color", "flood-opacity", "marker-start", "marker-mid", "marker-end", "overflow",
    "isolation", "mix-blend-mode", "transform-origin",
})
#: Geometry and structure, allowed as attributes only.
GEOMETRY = frozenset({
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "width",
    "height", "d", "points", "pathLength", "viewBox", "preserveAspectRatio", "transform",
    "gradientUnits", "gradientTransform", "spreadMethod", "offset", "clipPathUnits",
    "maskUnits", "maskContentUnits", "patternUnits", "patternContentUnits", "patternTransform",
    "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing",
    "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient", "filterUnits",
    "primitiveUnits", "in", "in2", "result", "stdDeviation", "operator", "k1", "k2", "k3", "k4",
    "mode", "type", "values", "role", "aria-hidden", "focusable",
})
#: Attributes whose value is free text, escaped when written.
_TEXT_ATTRIBUTES = frozenset({"aria-label", "lang"})
#: Left out without a word: they change nothing a viewer sees.
_SILENT_ATTRIBUTES = frozenset({"version", "baseProfile", "class", "enable-background"})
_SILENT_ELEMENTS = frozenset({"metadata"})
#: Editors' own namespaces: their elements and attributes never render.
_EDITOR_NAMESPACES = frozenset({
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/",
    "http://ns.adobe.com/Extensibility/1.0/",
    "http://ns.adobe.com/Graphs/1.0/",
    "http://ns.adobe.com/Variables/1.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
    "http://ns.adobe.com/ImageReplacement/1.0/",
    "http://www.bohemiancoding.com/sketch/ns",
    "http://www.serif.com/",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
})
#: Why a known element is not published, in the warning's words.
_DROPPED_BECAUSE = {
    "script": "scripts are not published",
    "style": "style sheets are not published: use presentation attributes such as fill",
    "image": "images inside the logo are not published",
    "foreignObject": "embedded documents are not published",
    "iframe": "embedded documents are not published",
    "animate": "animation is not published",
    "animateMotion": "animation is not published",
    "animateTransform": "animation is not published",
    "animateColor": "animation is not published",
    "set": "animation is not published",
    "discard": "animation is not published",
    "feImage": "images inside the logo are not published",
}

_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_LOCAL_REF = re.compile(r"#([A-Za-z_][A-Za-z0-9_.-]*)")
#: Functions a value may call: colours and transforms. ``url()`` is checked on its own.
_FUNCTIONS = frozenset({
    "rgb", "rgba", "hsl", "hsla", "matrix", "translate", "scale", "rotate", "skewx", "skewy",
})
_FUNCTION = re.compile(r"([^\s(),'\"]*)\s*\(")
_URL = re.compile(r"""url\(\s*(['"]?)#([A-Za-z_][A-Za-z0-9_.-]*)\1\s*\)""", re.IGNORECASE)
_SAFE_PUNCTUATION = frozenset(" \t\n#.,%+-()'\"/_")
_CSS_ESCAPE = re.compile(r"\\(?:([0-9A-Fa-f]{1,6})(?:\r\n|[ \t\n\r\f])?|(\r\n|[\n\r\f])|(.))", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_TAG = re.compile(r"<[^\s/>]+")
_ATTRIBUTE = re.compile(r"""\s+([^\s=/>]+)\s*=\s*(?:"[^"]*"|'[^']*')""")
_ENCODING = re.compile(r"""^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")


def decode_css(text: str) -> str:
    """A CSS value with its comments removed and its escapes decoded (``\\75rl`` is ``url``)."""

    def one(match: re.Match[str]) -> str:
        if match[1] is not None:
            code = int(match[1], 16)
            valid = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
            return chr(code) if valid else "\ufffd"
        return "" if match[2] is not None else match[3]

    return _CSS_ESCAPE.sub(one, _CSS_COMMENT.sub("", text))


def unsafe_value(value: str) -> str | None:
    """Why a decoded value may not be published, or None when it is safe.

    A safe value is made of letters, digits, spaces and ``#.,%+-()'"/_``, calls only colour and
    transform functions, and refers to nothing but ``url(#id)`` in the same document.
    """
    rest = _URL.sub("", value)
    for match in _FUNCTION.finditer(rest):
        name = match[1].lower()
        if name == "url":
            return "it refers outside the logo (only url(#id) is kept)"
        if name not in _FUNCTIONS:
            return f"{match[1] or 'a bare'}() is not allowed"
    for char in rest:
        # Letters and digits of any script (font names), and a few ASCII signs.
        if not char.isalnum() and char not in _SAFE_PUNCTUATION:
            return f"the character '{char}' is not allowed"
    return None


@dataclass
class _Node:
    name: str
    attributes: list[tuple[str, str]]
    children: list[_Node | str]


class _SvgError(Exception):
    def __init__(self, line: int, column: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.code, self.message = line, column, code, message


class _Rebuilder(xml.sax.handler.ContentHandler):
    """Builds the allowed tree while the parser reads, noting what it leaves out."""

    def __init__(self, path: str, text: str) -> None:
        super().__init__()
        self.path = path
        self.text = text
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.locator: Locator | None = None
        self.root: _Node | None = None
        self.stack: list[_Node | None] = []  # None: inside a dropped element
        self.warnings: list[Diagnostic] = []
        self.dropped = 0
        self.first_hidden: tuple[int, int] | None = None

    # positions

    def here(self) -> tuple[int, int]:
        if self.locator is None:
            return 1, 1
        return (self.locator.getLineNumber() or 1), (self.locator.getColumnNumber() or 0) + 1

    def offset(self, line: int, column: int) -> int:
        return self.line_starts[min(line, len(self.line_starts)) - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def attribute_offsets(self, line: int, column: int) -> dict[str, int]:
        """Where each attribute of the tag starting at (line, column) is written."""
        start = self.offset(line, column)
        found: dict[str, int] = {}
        tag = _TAG.match(self.text, start)
        cursor = tag.end() if tag else start
        while (match := _ATTRIBUTE.match(self.text, cursor)) is not None:
            found.setdefault(match[1], match.start(1))
            cursor = match.end()
        return found

    def warn(self, at: tuple[int, int], message: str) -> None:
        self.dropped += 1
        if len(self.warnings) >= MAX_LOGO_WARNINGS:
            self.first_hidden = self.first_hidden or at
            return
        self.warnings.append(
            Diagnostic(self.path, at[0], at[1], "logo-dropped", message, severity="warning")
        )

    # events

    def setDocumentLocator(self, locator: Locator) -> None:  # noqa: N802 - SAX's name
        self.locator = locator

    def processingInstruction(self, target: str, data: str) -> None:  # noqa: N802
        self.warn(self.here(), f"dropped the processing instruction <?{target}?>")

    def startElementNS(  # noqa: N802
        self, name: tuple[str | None, str], qname: str | None, attrs: AttributesNSImpl
    ) -> None:
        at = self.here()
        namespace, local = name
        if len(self.stack) >= MAX_SVG_DEPTH:
            raise _SvgError(*at, "svg-malformed",
                            f"SVG logo nests elements more than {MAX_SVG_DEPTH} levels deep")
        if not self.stack and (local != "svg" or namespace != SVG_NS):
            raise _SvgError(
                *at, "svg-malformed",
                f"the root element must be <svg> in the SVG namespace, not <{local}>",
            )
        parent = self.stack[-1] if self.stack else _Node("", [], [])
        if parent is None:
            self.stack.append(None)
            return
        node = self.element(at, namespace, local)
        if node is not None:
            node.attributes = self.attributes(at, node.name, attrs)
            if self.root is None:
                self.root = node
            else:
                parent.children.append(node)
        self.stack.append(node)

    def element(self, at: tuple[int, int], namespace: str | None, local: str) -> _Node | None:
        if namespace in _EDITOR_NAMESPACES or (namespace == SVG_NS and local in _SILENT_ELEMENTS):
            return None
        if namespace != SVG_NS:
            where = f"namespace '{namespace}'" if namespace else "no namespace"
            self.warn(at, f"dropped <{local}> ({where}): only SVG elements are published")
            return None
        if local == "a":
            self.warn(at, "dropped the link <a>: its content is kept, without the link")
            return _Node("g", [], [])
        if local not in ELEMENTS:
            why = _DROPPED_BECAUSE.get(local, "it is not an element logos may use")
            self.warn(at, f"dropped <{local}>: {why}")
            return None
        return _Node(local, [], [])

    def attributes(
        self, at: tuple[int, int], element: str, attrs: AttributesNSImpl
    ) -> list[tuple[str, str]]:
        written = self.attribute_offsets(*at)
        prefixed: dict[str, str] = {}  # local part -> the prefixed name as written
        for name in written:
            if ":" in name:
                prefixed.setdefault(name.rpartition(":")[2], name)
        kept: dict[str, str] = {}
        for (namespace, local), value in attrs.items():
            shown = local if namespace is None else prefixed.get(local, local)
            where = self.position(written[shown]) if shown in written else at
            outcome = self.attribute(where, element, namespace, local, value)
            if isinstance(outcome, tuple):
                key, kept_value = outcome
                if (key == "href" and namespace is None) or key not in kept:
                    kept[key] = kept_value  # SVG 2: href wins over xlink:href
            elif outcome is not None:
                self.warn(where, f"dropped {shown}={_quoted(value)}: {outcome}")
        return list(kept.items())

    def attribute(
        self, where: tuple[int, int], element: str, namespace: str | None, local: str, value: str
    ) -> tuple[str, str] | str | None:
        """The attribute as published, or why it is dropped (None: dropped without a word)."""
        if namespace in _EDITOR_NAMESPACES:
            return None
        if local == "href" and namespace in (None, _XLINK_NS):
            if element not in _HREF_ELEMENTS:
                return "links are not published"
            ref = _LOCAL_REF.fullmatch(value.strip())
            if ref is None:
                return "only references to '#id' in the same document are kept"
            return "href", f"#{ref[1]}"
        if namespace == _XML_NS:
            if local == "space" and value in ("default", "preserve"):
                return "xml:space", value
            if local == "lang" and unsafe_value(value) is None:
                return "xml:lang", value
            return "it changes how the document is read"
        if namespace is not None:
            return f"attributes in namespace '{namespace}' are not published"
        if local in _SILENT_ATTRIBUTES or local.startswith("data-"):
            return None
        if local.lower().startswith("on"):
            return "event handlers are not published"
        if local == "id":
            return ("id", value) if _ID.fullmatch(value) else "not a plain id"
        if local in _TEXT_ATTRIBUTES:
            return local, value
        if local == "style":
            return self.style(where, value)
        if local not in PROPERTIES and local not in GEOMETRY:
            return "it is not an attribute logos may use"
        clean = decode_css(value).strip()
        why = unsafe_value(clean)
        return (local, clean) if why is None else why

    def style(self, at: tuple[int, int], value: str) -> tuple[str, str] | str | None:
        """The style attribute rebuilt from allowed properties with safe values."""
        kept: list[str] = []
        for declaration in decode_css(value).split(";"):
            if not declaration.strip():
                continue
            prop, colon, raw = declaration.partition(":")
            prop = prop.strip().lower()
            clean = raw.strip()
            if prop.startswith("-inkscape-"):
                continue
            if not colon or prop not in PROPERTIES:
                why: str | None = "it is not a property logos may use"
            else:
                why = unsafe_value(clean)
            if why is not None:
                self.warn(at, f"dropped style {_quoted(declaration.strip())}: {why}")
                continue
            kept.append(f"{prop}:{clean}")
        return ("style", ";".join(kept)) if kept else None

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:  # noqa: N802
        self.stack.pop()

    def characters(self, content: str) -> None:
        node = self.stack[-1] if self.stack else None
        if node is not None and node.name in _TEXT_CONTENT:
            if node.children and isinstance(node.children[-1], str):
                node.children[-1] += content
            else:
                node.children.append(content)


def _quoted(value: str) -> str:
    shown = value if len(value) <= 60 else value[:57] + "..."
    return '"' + shown + '"'


def rewrite_svg(path: str, raw: bytes) -> CheckedLogo:
    """Parse an SVG with a hardened parser and write it anew from the allow-lists.

    Errors (``svg-malformed``, ``svg-unsafe``, ``logo-encoding``, ``svg-empty``) refuse the
    logo; what the rebuild leaves out is a ``logo-dropped`` warning at its line and column.
    """
    def refuse(line: int, column: int, code: str, message: str) -> CheckedLogo:
        return _refused(Diagnostic(path, line, column, code, message))

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:2] in (b"<\x00", b"\x00<"):
        return refuse(1, 1, "logo-encoding", "SVG logo is UTF-16 text: save it as UTF-8")
    body = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = body[: exc.start].decode("utf-8", errors="replace")
        lines = _NEWLINE.split(before)
        return refuse(
            len(lines), len(lines[-1]) + 1, "logo-encoding",
            f"SVG logo is not UTF-8 (byte 0x{body[exc.start]:02x}): save it as UTF-8",
        )
    declared = _ENCODING.match(text)
    if declared is not None and declared[1].lower().replace("_", "-") not in ("utf-8", "utf8"):
        return refuse(
            1, declared.start(1) + 1, "logo-encoding",
            f"SVG logo declares the encoding '{declared[1]}': save it as UTF-8",
        )
    rebuilder = _Rebuilder(path, text)
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setContentHandler(rebuilder)
    try:
        parser.parse(io.BytesIO(body))
    except _SvgError as exc:
        return refuse(exc.line, exc.column, exc.code, exc.message)
    except xml.sax.SAXParseException as exc:
        return refuse(
            exc.getLineNumber() or 1, (exc.getColumnNumber() or 0) + 1, "svg-malformed",
            f"SVG logo is not well-formed XML: {exc.getMessage()}",
        )
    except DefusedXmlException as exc:
        line, column = rebuilder.here()
        if isinstance(exc, DTDForbidden):
            start = text.rfind("<!DOCTYPE", 0, rebuilder.offset(line, column) + 1)
            if start >= 0:
                line, column = rebuilder.position(start)
        return refuse(
            line, column, "svg-unsafe", "SVG logo must not declare a DOCTYPE or entities"
        )
    if rebuilder.first_hidden is not None:
        rebuilder.warnings.append(Diagnostic(
            path, *rebuilder.first_hidden, "logo-dropped",
            f"dropped {rebuilder.dropped - len(rebuilder.warnings):,} more parts of the logo"
            " from here on", severity="warning",
        ))
    root = rebuilder.root
    if root is not None and _expanded_size(root) > MAX_SVG_EXPANSION:
        return refuse(
            1, 1, "svg-expansion",
            f"SVG logo draws more than {MAX_SVG_EXPANSION:,} elements once its <use> "
            "references are followed",
        )
    if root is None or not _draws(root):
        return CheckedLogo(
            problems=[Diagnostic(
                path, 1, 1, "svg-empty",
                "SVG logo draws nothing a viewer would see: no shapes or text are left",
            )],
            warnings=rebuilder.warnings,
        )
    return CheckedLogo(warnings=rebuilder.warnings, content=serialize(root).encode("utf-8"))


def _expanded_size(root: _Node) -> int:
    """How many elements the tree draws with every ``<use>`` replaced by its target (capped
    just past the limit; a reference cycle, which viewers refuse to draw, counts once)."""
    ids: dict[str, _Node] = {}
    stack: list[_Node] = [root]
    while stack:
        node = stack.pop()
        ids.update((v, node) for k, v in node.attributes if k == "id" and v not in ids)
        stack.extend(c for c in node.children if isinstance(c, _Node))

    def edges(node: _Node) -> list[_Node]:
        found = [c for c in node.children if isinstance(c, _Node)]
        href = dict(node.attributes).get("href")
        if node.name == "use" and href is not None and href[1:] in ids:
            found.append(ids[href[1:]])
        return found

    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    work: list[tuple[_Node, bool]] = [(root, False)]
    while work:  # post-order without recursion: reference chains may be long
        node, finished = work.pop()
        key = id(node)
        if finished:
            total = 1 + sum(sizes.get(id(e), 1) for e in edges(node))
            sizes[key] = min(total, MAX_SVG_EXPANSION + 1)
            visiting.discard(key)
        elif key not in sizes and key not in visiting:
            visiting.add(key)
            work.append((node, True))
            work.extend((e, False) for e in edges(node) if id(e) not in sizes)
    return sizes[id(root)]


def _draws(node: _Node) -> bool:
    """True when the tree draws a shape or text outside of definitions."""
    if node.name in _DEFINITIONS:
        return False
    if node.name in _SHAPES:
        return True
    if node.name in ("text", "tspan", "textPath"):
        return any(isinstance(c, str) and c.strip() for c in node.children) or any(
            isinstance(c, _Node) and _draws(c) for c in node.children
        )
    return any(isinstance(c, _Node) and _draws(c) for c in node.children)


def _escape(text: str, quote: bool) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
        text = text.replace("\r", "&#13;")
    return text


def serialize(root: _Node) -> str:
    """The rebuilt tree as SVG text: one namespace, attributes as read, a fixed layout."""
    out: list[str] = []

    def write(node: _Node, depth: int, inline: bool) -> None:
        attributes = "".join(f' {k}="{_escape(v, quote=True)}"' for k, v in node.attributes)
        if depth == 0:
            attributes = f' xmlns="{SVG_NS}"' + attributes
        pad = "" if inline else "\n" + "  " * depth if depth else ""
        if not node.children:
            out.append(f"{pad}<{node.name}{attributes}/>")
            return
        out.append(f"{pad}<{node.name}{attributes}>")
        text_like = inline or node.name in _TEXT_CONTENT
        for child in node.children:
            if isinstance(child, str):
                out.append(_escape(child, quote=False))
            else:
                write(child, depth + 1, text_like)
        out.append(f"</{node.name}>" if text_like else "\n" + "  " * depth + f"</{node.name}>")

    write(root, 0, inline=False)
    return "".join(out) + "\n"


__all__ = [
    "ELEMENTS",
    "GEOMETRY",
    "LOGO_SUFFIXES",
    "MAX_LOGO_BYTES",
    "MAX_PNG_SIDE",
    "PROPERTIES",
    "CheckedLogo",
    "check_logo",
    "decode_css",
    "read_logo",
    "rewrite_png",
    "rewrite_svg",
    "serialize",
    "unsafe_value",
]

