"""Remove redacted text from PDF pages, glyph by glyph where that is exact, else in pixels.

A black box over text that is still in the file is the classic redaction failure.
Each page with something to remove is done one of two ways, chosen per page and
reported in the manifest:

- **glyphs**: the glyphs are taken out of each text-showing operator (`Tj`, `TJ`),
  replaced by a position adjustment of the same width, and a box is drawn where
  they stood. Used only where it is proved exact: the page is read again by PDFium
  and must show every other character where it was, and none of the removed ones.
- **raster**: the page is rendered by PDFium, opaque boxes are burnt into the
  pixels, and the page becomes that image plus an OCR text layer (Tesseract) of
  what is left, so the copy stays searchable. Used for scanned pages, pages where
  a picture lies under the words, fonts the glyph editor cannot map (two-byte CID
  fonts, ligatures), and whenever the glyph proof fails.

A page that could not be read and that no reviewer cleared is **withheld**: replaced
by a page of the same size that says so.

Every released PDF is written afresh by `inert_pdf`, so no earlier revision
survives, and it holds only what draws the pages: no JavaScript or other actions,
annotations, form fields, attachments, thumbnails or XMP metadata (any of which can
run code in a viewer or quote the record), and a document information dictionary
that names redactor as the producer and nothing else (titles and authors often
name the patient).
"""

from __future__ import annotations

import ctypes
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
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

from ..ingest.pdf import DAMAGED, read_chars
from ..model import Box, PageLayout

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
    widths: dict[int, float] = field(default_factory=dict)  # by code, from the font's /Widths
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
    cache: dict[str, tuple[Font, dict[int, float]]] = {}
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
                resource = fonts[name].get_object()
                cache[name] = (Font.from_font_resource(resource), _code_widths(resource))
            (state.font, state.widths), state.size = cache[name], float(operands[1])
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


def _code_widths(font: DictionaryObject) -> dict[int, float]:
    first, widths = font.get("/FirstChar"), font.get("/Widths")
    if first is None or widths is None:
        return {}
    return {int(first) + i: float(w) for i, w in enumerate(widths.get_object())}


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
        # A simple font's widths are by code: a subset font's codes are not its characters.
        width = state.widths.get(code) or font.character_widths.get(char, font.character_widths.get("default", 500))
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


RASTER_DPI = 200  # a text page's fallback: sharp enough to read, a few hundred KB a page
SCAN_DPI = 300  # a scanned page keeps the resolution it was read at
PAD = 1.0  # points around each box: anti-aliased edges of a glyph are ink too
MOVED = 0.5  # points a kept character may shift before the glyph edit counts as inexact
WITHHELD_TEXT = "Page withheld: it could not be read reliably and no reviewer has cleared it."


@dataclass(frozen=True, slots=True)
class PageResult:
    page: int
    method: str  # "glyphs", "raster" or "withheld"
    boxes: list[Box]  # points from the page's top-left, as it is shown
    note: str | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "page": self.page,
            "method": self.method,
            "boxes": [[round(v, 1) for v in box] for box in self.boxes],
        }
        return out | ({"note": self.note} if self.note else {})


def redact_pdf(
    data: bytes,
    pages: dict[int, tuple[str, list[tuple[int, int]]]],
    layout: list[PageLayout] | None = None,
    withheld: Iterable[int] = (),
) -> tuple[bytes, list[PageResult]]:
    """`pages` maps a 1-based page number to (its text as ingest read it, spans to
    remove in that text); `layout` is ingest's (OCR words for scanned pages); pages in
    `withheld` are replaced whole. Returns the new file and what was done to each page."""
    withheld = set(withheld)
    try:
        reader = PdfReader(io.BytesIO(data))
        document = pdfium.PdfDocument(data)
    except (PyPdfError, pdfium.PdfiumError, *DAMAGED) as exc:
        raise PdfRedactionError(f"the PDF could not be read again ({type(exc).__name__})") from None
    try:
        out_pages: list[PageObject] = list(reader.pages)
        results = []
        for number in sorted(set(pages) | withheld):
            if not 1 <= number <= len(out_pages):
                raise PdfRedactionError(f"page {number} is not in the file")
            page = document[number - 1]
            width, height = page.get_size()
            if number in withheld:
                out_pages[number - 1] = _withheld_page(width, height)
                results.append(PageResult(number, "withheld", [(0, 0, width, height)]))
                continue
            page_text, spans = pages[number]
            ocr_page = layout[number - 1] if layout and len(layout) >= number and layout[number - 1].ocr else None
            if ocr_page is not None:
                boxes = [box for start, end in spans for box in ocr_page.boxes(start, end)]
                out_pages[number - 1], note = _raster(page, boxes, SCAN_DPI)
                results.append(PageResult(number, "raster", boxes, note))
                continue
            chars = _chars(page)
            if clean_text(chars) != page_text:
                raise PdfRedactionError(f"page {number}: the file changed since it was scanned; scan it again")
            doomed = {i for start, end in spans for i in range(start, end) if not page_text[i].isspace()}
            shown = [(_shown(page, box), i) for i, box in ((i, chars[i][1]) for i in sorted(doomed))]
            boxes = _lines([box for box, _ in shown])
            edited = None if _pictures_under(page, boxes) else _glyphs(reader, number, page_text, spans, chars, doomed)
            if edited is not None:
                out_pages[number - 1] = edited
                results.append(PageResult(number, "glyphs", boxes))
            else:
                out_pages[number - 1], note = _raster(page, boxes, RASTER_DPI)
                results.append(PageResult(number, "raster", boxes, note))
        return inert_pdf(out_pages), results
    except PdfRedactionError:
        raise
    except (PyPdfError, pdfium.PdfiumError, KeyError, ValueError, TypeError, AttributeError, OSError) as exc:
        # the libraries' messages can quote the file; the type says enough
        raise PdfRedactionError(f"the PDF could not be rewritten ({type(exc).__name__})") from None
    finally:
        document.close()


Char = tuple[str, Box]  # PDFium's character and its box in PDF user space (x0, y0, x1, y1)


def _chars(page: pdfium.PdfPage) -> list[Char]:
    """The page's characters as ingest cleaned them, each with its box (empty for a
    character PDFium generated, such as a space between words)."""
    textpage = page.get_textpage()
    try:
        text, indices = read_chars(textpage)
        out = []
        for char, index in zip(text, indices, strict=True):
            generated = pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1
            # The loose box spans the font's ascent and descent, so a bar covers every glyph.
            out.append((char, (0.0, 0.0, 0.0, 0.0) if generated else textpage.get_charbox(index, loose=True)))
        return out
    finally:
        textpage.close()


def clean_text(chars: list[Char]) -> str:
    return "".join(char for char, _ in chars)


def _shown(page: pdfium.PdfPage, box: Box) -> Box:
    """A user-space box as points from the top-left of the page as shown (rotation applied)."""
    width, height = page.get_size()
    corners = []
    for x, y in ((box[0], box[1]), (box[2], box[3]), (box[0], box[3]), (box[2], box[1])):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        # Device space at 100x, so rounding to whole device units costs 0.01 pt.
        pdfium_c.FPDF_PageToDevice(
            page.raw, 0, 0, int(width * 100), int(height * 100), 0, x, y, ctypes.byref(dx), ctypes.byref(dy)
        )
        corners.append((dx.value / 100, dy.value / 100))
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def _lines(boxes: list[Box]) -> list[Box]:
    """Character boxes joined into one bar per run along a line, across or (on a
    turned page) down it."""
    out: list[Box] = []
    for box in boxes:
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        if out and (_next_along(out[-1], box, 0) or _next_along(out[-1], box, 1)):
            last = out[-1]
            out[-1] = (min(last[0], box[0]), min(last[1], box[1]), max(last[2], box[2]), max(last[3], box[3]))
        else:
            out.append(box)
    return out


def _next_along(last: Box, box: Box, axis: int) -> bool:
    """`box` follows `last` along the axis (0: x, 1: y): level with it across, and no
    further on than two character heights."""
    across = 1 - axis
    overlap = min(box[across + 2], last[across + 2]) - max(box[across], last[across])
    size = min(box[across + 2] - box[across], last[across + 2] - last[across])
    return overlap > 0.5 * size and -1 <= box[axis] - last[axis + 2] < 2 * (box[across + 2] - box[across])


def _pictures_under(page: pdfium.PdfPage, boxes: list[Box]) -> bool:
    """An image under (or over) the words: removing the glyphs would leave the picture
    of them, as in a scan with an OCR text layer. Only pixels can be redacted there."""
    for item in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = item.get_bounds()
        x0, y0, x1, y1 = _shown(page, (left, bottom, right, top))
        if any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes):
            return True
    return False


def _glyphs(
    reader: PdfReader, number: int, page_text: str, spans: list[tuple[int, int]], chars: list[Char], doomed: set[int]
) -> PageObject | None:
    """The page with the glyphs removed, or None where that cannot be proved exact."""
    page = reader.pages[number - 1]
    original = page.get(NameObject("/Contents"))
    try:
        _redact_page(reader, page, number, page_text, spans, _lines([chars[i][1] for i in sorted(doomed)]))
    except PdfRedactionError:
        return _restore(page, original)
    single = inert_pdf([page])
    check = pdfium.PdfDocument(single)
    try:
        after = [c for c in _chars(check[0]) if not c[0].isspace() and c[1][2] > c[1][0]]
    finally:
        check.close()
    kept = [c for i, c in enumerate(chars) if i not in doomed and not c[0].isspace() and c[1][2] > c[1][0]]
    exact = len(after) == len(kept) and all(
        a[0] == k[0] and all(abs(x - y) <= MOVED for x, y in zip(a[1], k[1], strict=True))
        for a, k in zip(after, kept, strict=True)
    )
    return page if exact else _restore(page, original)


def _restore(page: PageObject, original: object) -> None:
    if original is not None:
        page[NameObject("/Contents")] = original  # type: ignore[assignment]
    return None


def _raster(page: pdfium.PdfPage, boxes: list[Box], dpi: int) -> tuple[PageObject, str | None]:
    """The page as an image with the boxes burnt into its pixels, plus an OCR text
    layer of what remains; the note says when no text layer could be made."""
    from PIL import ImageDraw

    from ..ingest import ocr
    from .image import burn

    width, height = page.get_size()
    scale = dpi / 72
    bitmap = page.render(scale=scale, grayscale=False)
    try:
        image = bitmap.to_pil().convert("RGB")
    finally:
        bitmap.close()
    scaled = [(x0 * scale, y0 * scale, x1 * scale, y1 * scale) for x0, y0, x1, y1 in boxes]
    buffer = io.BytesIO()
    burn(image, scaled, pad=PAD * scale).save(buffer, "PDF", resolution=dpi)
    new = PdfWriter(clone_from=PdfReader(buffer)).pages[0]
    note = "no text layer: Tesseract is not installed"
    if ocr.available():
        # Read with the boxes blank rather than black: beside a black bar Tesseract
        # drops the rest of the line. The blank copy is only read, never released.
        draw = ImageDraw.Draw(image)
        for x0, y0, x1, y1 in scaled:
            draw.rectangle((x0 - PAD * scale, y0 - PAD * scale, x1 + PAD * scale, y1 + PAD * scale), fill="white")
        try:
            layer = PdfReader(io.BytesIO(ocr.text_layer_pdf(image, dpi, text_only=True))).pages[0]
            new.merge_page(layer)
            note = None
        except ocr.OcrError as exc:
            note = f"no text layer: {exc}"
    if abs(float(new.mediabox.width) - width) > 0.5 or abs(float(new.mediabox.height) - height) > 0.5:
        new.scale_to(width, height)  # whole pixels: the image is a fraction of a point off
    return new, note


def _withheld_page(width: float, height: float) -> PageObject:
    """A page of the same size that says it was withheld, in a font every reader has."""
    page = PageObject.create_blank_page(width=width, height=height)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    stream = DecodedStreamObject()
    text = WITHHELD_TEXT.replace("(", "").replace(")", "")
    stream.set_data(b"BT /F1 11 Tf %.1f %.1f Td (%s) Tj ET\n" % (36.0, height - 60, text.encode("latin-1")))
    page[NameObject("/Contents")] = stream
    return page


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
    reader: PdfReader,
    page: object,
    number: int,
    page_text: str,
    spans: list[tuple[int, int]],
    draw: list[Box],
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
    # Drawn where PDFium saw each glyph, with the same padding as a burnt box.
    boxes = b"".join(
        b"%.2f %.2f %.2f %.2f re f\n" % (x0 - PAD, y0 - PAD, x1 - x0 + 2 * PAD, y1 - y0 + 2 * PAD)
        for x0, y0, x1, y1 in draw
        if x1 > x0
    )
    body = stream.get_data()
    new = DecodedStreamObject()
    # The original drawing runs inside q/Q so the boxes are drawn in page space.
    new.set_data(b"q\n" + body + b"\nQ\nq 0 g\n" + boxes + b"Q\n")
    page[NameObject("/Contents")] = new  # type: ignore[index]
