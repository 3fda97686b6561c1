"""Remove redacted text from PDF content streams and cover where it stood.

A black box over text that is still in the file is the classic redaction failure.
Here the glyphs themselves are taken out of each text-showing operator (`Tj`,
`TJ`), replaced by a position adjustment of the same width so every other glyph
stays where it was, and a filled box is drawn over the gap. The page count, page
sizes and everything else on the page are unchanged.

Every released PDF is written afresh by `inert_pdf`, so no earlier revision
survives, and it holds only what draws the pages: no JavaScript or other actions,
annotations, form fields, attachments, thumbnails or XMP metadata (any of which can
run code in a viewer or quote the record), and a document information dictionary
that names redactor as the producer and nothing else (titles and authors often
name the patient).

Mapping from the extracted text (where findings live) to glyphs works by walking
each page's text operators with their fonts and aligning the decoded characters
with pypdf's extraction of the same page. Fonts whose bytes do not map one to one
onto characters (two-byte CID fonts, ligatures) are refused, never guessed: the
caller then fails loudly rather than writing a copy that might leak.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
)
from pypdf.generic._font import Font

TEXT_SHOW = {b"Tj", b"TJ"}
UNSUPPORTED_SHOW = {b"'", b'"'}
FONT_TYPES = {"Type0", "Type1", "MMType1", "Type3", "TrueType", "CIDFontType0", "CIDFontType2"}
# What a released page keeps: what it takes to draw it. Not /Annots (links, comments,
# widgets, attachments), /AA (actions on open and close), /Thumb (a picture of the
# unredacted page), /Metadata, /PieceInfo, /B (article beads) and the like.
PAGE_KEYS = {
    "/Type",
    "/Resources",
    "/Contents",
    "/MediaBox",
    "/CropBox",
    "/BleedBox",
    "/TrimBox",
    "/ArtBox",
    "/Rotate",
    "/UserUnit",
    "/Group",
}
# Taken out of every dictionary a page draws with (its resources, their fonts, images
# and forms): actions and scripts, attachments and associated files, XMP and private
# application data, external references.
ACTIVE_KEYS = {
    "/A",
    "/AA",
    "/OpenAction",
    "/JS",
    "/JavaScript",
    "/URI",
    "/AcroForm",
    "/Names",
    "/EmbeddedFiles",
    "/EF",
    "/AF",
    "/Metadata",
    "/PieceInfo",
    "/Annots",
    "/Ref",
    "/OPI",
}


class PdfRedactionError(Exception):
    """A page whose text cannot be removed safely; the message names the page, not the text."""


@dataclass
class Glyph:
    op: int  # index of the operation in the page's content stream
    element: int  # index in the TJ array (0 for Tj)
    byte: int  # index of the byte in that string
    char: str
    shift: float  # its advance in TJ units (thousandths of the font size), spacing included
    box: tuple[float, float, float, float] = (0, 0, 0, 0)  # user space x0, y0, x1, y1


@dataclass
class _State:
    ctm: list[float] = field(default_factory=lambda: [1, 0, 0, 1, 0, 0])
    tm: list[float] = field(default_factory=lambda: [1, 0, 0, 1, 0, 0])
    tlm: list[float] = field(default_factory=lambda: [1, 0, 0, 1, 0, 0])
    font: Font | None = None
    size: float = 0.0
    char_space: float = 0.0
    word_space: float = 0.0
    scale: float = 1.0
    leading: float = 0.0


def _multiply(a: list[float], b: list[float]) -> list[float]:
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _point(m: list[float], x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


def page_glyphs(page: object, operations: list) -> list[Glyph]:  # type: ignore[type-arg]
    """Every glyph a page's own content stream shows, with its place in the stream."""
    resources = page.get("/Resources") or DictionaryObject()  # type: ignore[attr-defined]
    fonts = (resources.get("/Font") or DictionaryObject()).get_object()
    cache: dict[str, Font] = {}
    state = _State()
    stack: list[_State] = []
    glyphs: list[Glyph] = []
    for index, (operands, operator) in enumerate(operations):
        if operator == b"q":
            stack.append(
                _State(**{k: (list(v) if isinstance(v, list) else v) for k, v in vars(state).items()})
            )
        elif operator == b"Q" and stack:
            state = stack.pop()
        elif operator == b"cm":
            state.ctm = _multiply([float(x) for x in operands], state.ctm)
        elif operator == b"BT":
            state.tm, state.tlm = [1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 0, 0]
        elif operator == b"Tm":
            state.tm = [float(x) for x in operands]
            state.tlm = list(state.tm)
        elif operator in (b"Td", b"TD"):
            tx, ty = float(operands[0]), float(operands[1])
            if operator == b"TD":
                state.leading = -ty
            state.tlm = _multiply([1, 0, 0, 1, tx, ty], state.tlm)
            state.tm = list(state.tlm)
        elif operator == b"T*":
            state.tlm = _multiply([1, 0, 0, 1, 0, -state.leading], state.tlm)
            state.tm = list(state.tlm)
        elif operator == b"TL":
            state.leading = float(operands[0])
        elif operator == b"Tc":
            state.char_space = float(operands[0])
        elif operator == b"Tw":
            state.word_space = float(operands[0])
        elif operator == b"Tz":
            state.scale = float(operands[0]) / 100
        elif operator == b"Tf":
            name = str(operands[0])
            if name not in cache:
                if name not in fonts:
                    raise PdfRedactionError("a font it uses is not in the page resources")
                cache[name] = Font.from_font_resource(fonts[name].get_object())
            state.font, state.size = cache[name], float(operands[1])
        elif operator in UNSUPPORTED_SHOW:
            raise PdfRedactionError("text shown with ' or \" operators is not supported")
        elif operator in TEXT_SHOW:
            elements = operands[0] if operator == b"TJ" else [operands[0]]
            for number, element in enumerate(elements):
                if isinstance(element, (NumberObject, FloatObject)):
                    shift = -float(element) / 1000 * state.size * state.scale
                    state.tm = _multiply([1, 0, 0, 1, shift, 0], state.tm)
                    continue
                glyphs += _show(state, index, number, _bytes_of(element))
    return glyphs


def _bytes_of(element: object) -> bytes:
    original = getattr(element, "original_bytes", None)
    return bytes(original) if original is not None else bytes(element)  # type: ignore[call-overload]


def _show(state: _State, op: int, element: int, data: bytes) -> list[Glyph]:
    font = state.font
    if font is None:
        raise PdfRedactionError("text shown before any font was set")
    if font.sub_type == "Type0" or not isinstance(font.encoding, dict):
        kind = font.sub_type if font.sub_type in FONT_TYPES else "unknown"  # the file's own word: not echoed
        raise PdfRedactionError(f"font type {kind} with multi-byte codes is not supported")
    out = []
    for position, code in enumerate(data):
        char = font.character_map.get(chr(code), font.encoding.get(code, chr(code)))
        if len(char) != 1:
            raise PdfRedactionError("a glyph maps to several characters (ligature); not supported")
        width = font.character_widths.get(char, font.character_widths.get("default", 500))
        matrix = _multiply(state.tm, state.ctm)
        advance = (
            width / 1000 * state.size + state.char_space + (state.word_space if char == " " else 0)
        ) * state.scale
        x0, y0 = _point(matrix, 0, -0.25 * state.size)
        x1, y1 = _point(matrix, advance, 0.95 * state.size)
        shift = advance / (state.size * state.scale) * 1000 if state.size and state.scale else width
        out.append(
            Glyph(op, element, position, char, shift, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
        )
        state.tm = _multiply([1, 0, 0, 1, advance, 0], state.tm)
    return out


def align(glyphs: list[Glyph], page_text: str) -> dict[int, Glyph]:
    """Map page-text offsets to glyphs: same characters in the same order, with the
    spaces and line breaks the extractor adds between them skipped."""
    mapping: dict[int, Glyph] = {}
    cursor = 0
    for glyph in glyphs:
        if glyph.char.isspace():
            continue
        probe = cursor
        skipped = 0  # non-space characters passed over to resynchronise, at most 3
        while probe < len(page_text) and page_text[probe] != glyph.char and skipped <= 3:
            skipped += not page_text[probe].isspace()
            probe += 1
        if probe < len(page_text) and page_text[probe] == glyph.char:
            mapping[probe] = glyph
            cursor = probe + 1
    return mapping


def redact_pdf(data: bytes, pages: dict[int, tuple[str, list[tuple[int, int]]]]) -> bytes:
    """`pages` maps a 1-based page number to (its extracted text, spans to remove)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        for number, page in enumerate(reader.pages, start=1):
            if number in pages:
                page_text, spans = pages[number]
                _redact_page(reader, page, number, page_text, spans)
        return inert_pdf(reader.pages)
    except PdfRedactionError:
        raise
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError, OSError) as exc:
        # pypdf's messages can quote the file; the type says enough
        raise PdfRedactionError(f"the PDF could not be rewritten ({type(exc).__name__})") from None


def inert_pdf(pages: Iterable[PageObject]) -> bytes:
    """The one way a released PDF is written: a new file holding the pages' drawing only.

    A fresh writer has no catalog entries of the original (open action, names tree
    of scripts and attachments, form, outline, XMP), and each page is stripped
    before it is copied, so what it no longer refers to is never copied at all."""
    writer = PdfWriter()
    for page in pages:
        _strip_page(page)
        writer.add_page(page)
    for key in ACTIVE_KEYS:  # nothing adds these to a new catalog; kept out should that change
        writer.root_object.pop(key, None)
    writer.metadata = {"/Producer": "redactor"}
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _strip_page(page: PageObject) -> None:
    """Drop every key a page does not draw with, and every active or data-carrying key
    from everything the kept ones lead to (resources, fonts, images, forms)."""
    for key in [k for k in page if k not in PAGE_KEYS]:
        del page[key]
    pending = [value for key, value in page.items() if key != "/Type"]
    seen: set[tuple[int, int]] = set()
    while pending:  # a stack, not recursion: nesting depth is the file's to choose
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # streams too
            for key in ACTIVE_KEYS & set(item):
                del item[key]
            pending += item.values()
        elif isinstance(item, ArrayObject):
            pending += item


def _redact_page(
    reader: PdfReader, page: object, number: int, page_text: str, spans: list[tuple[int, int]]
) -> None:
    contents = page.get_contents()  # type: ignore[attr-defined]
    if contents is None:
        return
    stream = ContentStream(contents, reader)
    operations = stream.operations
    try:
        glyphs = page_glyphs(page, operations)
    except PdfRedactionError as exc:
        raise PdfRedactionError(f"page {number}: {exc}") from None
    except (KeyError, ValueError, TypeError) as exc:  # pypdf's messages can quote the file
        raise PdfRedactionError(f"page {number}: its text could not be read ({type(exc).__name__})") from None
    mapping = align(glyphs, page_text)
    doomed: list[Glyph] = []
    for start, end in spans:
        wanted = [i for i in range(start, end) if not page_text[i].isspace()]
        missing = [i for i in wanted if i not in mapping]
        if missing:
            raise PdfRedactionError(
                f"page {number}: {len(missing)} redacted character(s) not found in its content stream"
            )
        doomed += [mapping[i] for i in wanted]
    by_op: dict[int, set[tuple[int, int]]] = {}
    for glyph in doomed:
        by_op.setdefault(glyph.op, set()).add((glyph.element, glyph.byte))
    shifts = {(g.op, g.element, g.byte): g.shift for g in glyphs}
    for op, removed in by_op.items():
        operands, operator = operations[op]
        elements = list(operands[0]) if operator == b"TJ" else [operands[0]]
        rebuilt = ArrayObject()
        for number_, element in enumerate(elements):
            if isinstance(element, (NumberObject, FloatObject)):
                rebuilt.append(element)
                continue
            data = _bytes_of(element)
            run = bytearray()
            for position, code in enumerate(data):
                if (number_, position) in removed:
                    if run:
                        rebuilt.append(ByteStringObject(bytes(run)))
                        run = bytearray()
                    rebuilt.append(FloatObject(-shifts[(op, number_, position)]))
                else:
                    run.append(code)
            if run:
                rebuilt.append(ByteStringObject(bytes(run)))
        operations[op] = ([rebuilt], b"TJ")
    boxes = b"".join(
        b"%.2f %.2f %.2f %.2f re f\n" % (g.box[0], g.box[1], g.box[2] - g.box[0], g.box[3] - g.box[1])
        for g in doomed
    )
    body = stream.get_data()
    new = DecodedStreamObject()
    # The original drawing runs inside q/Q so the boxes are drawn in page space.
    new.set_data(b"q\n" + body + b"\nQ\nq 0 g\n" + boxes + b"Q\n")
    page[NameObject("/Contents")] = new  # type: ignore[index]
