"""PDF letters and results: each page's text from PDFium, or from OCR where it has none.

PDFium (through pypdfium2) reads every font type a producer writes: two-byte CID
fonts from browsers and Ghostscript, subset TrueType from LibreOffice, Type 3. It
also puts in the spaces and line breaks a reader sees, so "MARACreferral" set
without a space character still reads as two words. Pages are joined with a form
feed so a finding's offset maps back to its page.

A page with no text, or whose text is mostly symbols no font maps to letters (a
scan, a Type 3 font with no Unicode map), is rendered and read by Tesseract; the
words' boxes are kept so apply can burn redactions into the pixels. Words OCR is
unsure of, and pages where it finds little text, are recorded as unreadable so a
person checks them: nothing unread is ever passed silently.

pypdf opens the file first as a gate: it refuses encryption it cannot open and
stops a decompression bomb at its limits before PDFium inflates anything.
"""

from __future__ import annotations

import ctypes
import io
import logging
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError

from ..model import PageLayout
from .errors import IngestError

if TYPE_CHECKING:
    from .ocr import OcrPage

PAGE_BREAK = "\f"
OCR_DPI = 300
# A text layer this much made of symbols no font maps to letters is not text.
GARBLED_SHARE = 0.3
MIN_CHARS_TO_JUDGE = 20
# A gap between words wider than this share of the line height (about two spaces;
# a justified line stretches a space to about one) is a column break.
WIDE_GAP = 0.4

# pypdf reports structural oddities through logging; they are not ours to show.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# What pypdf lets escape from its parser on damaged files, besides its own errors,
# NotImplementedError and RecursionError (found by fuzzing: fuzz/run.py pdf).
DAMAGED = (ValueError, KeyError, TypeError, AttributeError, AssertionError)

# PDFium's own characters: \x02 ends a line inside a hyphenated word; the rest
# become spaces so every offset still maps to one character of the page.
_CLEAN = {0x02: "-", 0x09: " ", 0x0B: " ", 0x0C: " ", 0xA0: " ", 0x00: " "}


@dataclass(frozen=True, slots=True)
class PdfText:
    text: str
    page_starts: list[int]
    unreadable_pages: list[int]  # 1-based: no text, and OCR could not be run
    layout: list[PageLayout]
    # (start, end, reason) in `text`: what OCR could not read with confidence.
    doubtful: list[tuple[int, int, str]]


def extract_pdf(data: bytes, ocr: bool = True) -> PdfText:
    """Any bytes give the pages' text or an IngestError naming the problem."""
    if not data.strip():
        raise IngestError("file is empty")
    if b"%PDF-" not in data[:1024]:
        raise IngestError("not a PDF (no %PDF header)")
    _gate(data)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise IngestError(_pdfium_problem(str(exc))) from None
    try:
        return _read(document, ocr)
    finally:
        document.close()


def _read(document: pdfium.PdfDocument, ocr: bool) -> PdfText:
    if len(document) == 0:
        raise IngestError("PDF has no pages")
    texts: list[str] = []
    layout: list[PageLayout] = []
    unreadable: list[int] = []
    doubtful: list[tuple[int, int, str]] = []
    offset = 0
    for number in range(1, len(document) + 1):
        try:
            page = document[number - 1]
        except pdfium.PdfiumError:
            raise IngestError(f"page {number} cannot be read (damaged page tree)") from None
        text, bad = page_text(page)
        width, height = page.get_size()
        page_layout = PageLayout(width, height)
        if _needs_ocr(text, bad):
            text, page_layout = _ocr_page(page, number, ocr, garbled=bool(text.strip()))
            if page_layout.unreadable:
                unreadable.append(number)
            doubtful += [
                (offset + start, offset + end, f"page {number}: OCR is unsure of these words; check them by hand")
                for start, end in page_layout.doubtful
            ]
        page.close()
        texts.append(text)
        layout.append(page_layout)
        offset += len(text) + len(PAGE_BREAK)
    starts = [0]
    for text in texts[:-1]:
        starts.append(starts[-1] + len(text) + len(PAGE_BREAK))
    return PdfText(PAGE_BREAK.join(texts), starts, unreadable, layout, doubtful)


def page_text(page: pdfium.PdfPage) -> tuple[str, int]:
    """The page's text as a reader sees it, and how many characters no font maps to a letter."""
    textpage = page.get_textpage()
    try:
        text, indices = read_chars(textpage)
        bad = sum(
            1
            for char, i in zip(text, indices, strict=True)
            if not char.isspace() and (_unmapped(char) or pdfium_c.FPDFText_HasUnicodeMapError(textpage.raw, i) == 1)
        )
    finally:
        textpage.close()
    return text, bad


def read_chars(textpage: pdfium.PdfTextPage) -> tuple[str, list[int]]:
    """The page's text, one character per PDFium character (its index alongside)
    except "\r\n", which is one line break. A space across a wide gap on a line (a
    table's columns, a label and its value) becomes a tab, as a reader sees a column
    break: "Name: Mr A Brown<tab>Sex: M" is not a name "A Brown Sex". Ingest and apply
    both read pages through here, so their offsets agree."""
    raw = raw_text(textpage)
    chars: list[str] = []
    indices: list[int] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\r":
            char = "\n"
            if raw[i + 1 : i + 2] == "\n":
                i += 1  # one line break, indexed at its "\n"
        elif char in " \t" and 0 < i < len(raw) - 1 and _wide_gap(textpage, i - 1, i + 1, raw):
            char = "\t"
        else:
            char = _CLEAN.get(ord(char), char)
        chars.append(char)
        indices.append(i)
        i += 1
    return "".join(chars), indices


def _wide_gap(textpage: pdfium.PdfTextPage, before: int, after: int, raw: str) -> bool:
    """A gap of about two spaces or more between two words on one line. A space the
    producer wrote measures itself; a space PDFium put in is judged against the line's
    height, twice as wide for a fixed-pitch font, whose spaces are wide."""
    if raw[before].isspace() or raw[after].isspace():
        return False
    left = textpage.get_charbox(before, loose=True)
    right = textpage.get_charbox(after, loose=True)
    height = left[3] - left[1]
    if height <= 0 or min(left[3], right[3]) - max(left[1], right[1]) <= 0.5 * height:
        return False  # not one line
    if _invisible(textpage, before):
        return False  # an OCR layer over a scan: each word is placed where the scan has it
    gap = right[0] - left[2]
    space = before + 1
    if pdfium_c.FPDFText_IsGenerated(textpage.raw, space) != 1:
        box = textpage.get_charbox(space, loose=True)
        if box[2] - box[0] > 0:
            return gap > 1.5 * (box[2] - box[0])
    return gap > WIDE_GAP * height * (2 if _fixed_pitch(textpage, before) else 1)


def _invisible(textpage: pdfium.PdfTextPage, index: int) -> bool:
    item = pdfium_c.FPDFText_GetTextObject(textpage.raw, index)
    return bool(item) and pdfium_c.FPDFTextObj_GetTextRenderMode(item) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE


def _fixed_pitch(textpage: pdfium.PdfTextPage, index: int) -> bool:
    flags = ctypes.c_int(0)
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, None, 0, ctypes.byref(flags))
    return bool(flags.value & 1)  # FixedPitch in the font descriptor's flags


def raw_text(textpage: pdfium.PdfTextPage) -> str:
    count = textpage.count_chars()
    raw = textpage.get_text_range() if count > 0 else ""
    if len(raw) != count:  # characters outside the BMP: one PDFium char each
        raw = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i) or 0x20) for i in range(count))
    return raw


def _unmapped(char: str) -> bool:
    return unicodedata.category(char) in ("Co", "Cn", "Cc", "Cs") or char in "\ufffd\ufffe\uffff"


def _needs_ocr(text: str, bad: int) -> bool:
    """No text at all, or text that is mostly symbols: the page is read from its pixels."""
    letters = [c for c in text if not c.isspace()]
    if not letters:
        return True
    if len(letters) < MIN_CHARS_TO_JUDGE:
        return False
    wordlike = sum(c.isalnum() for c in letters)
    return bad / len(letters) > GARBLED_SHARE or wordlike / len(letters) < 1 - GARBLED_SHARE - 0.2


def _ocr_page(page: pdfium.PdfPage, number: int, ocr: bool, garbled: bool) -> tuple[str, PageLayout]:
    """The text of a page read from its pixels, with its words' boxes in points."""
    from . import ocr as ocr_engine

    width, height = page.get_size()
    if not garbled and pdfium_c.FPDFPage_CountObjects(page.raw) == 0:
        return "", PageLayout(width, height)  # a blank page: nothing to read
    what = "its text layer is mostly symbols no font maps to letters" if garbled else "it has no text layer"
    if not ocr or not ocr_engine.available():
        why = f"page {number}: {what} and OCR is not available (install Tesseract); check it by hand"
        return "", PageLayout(width, height, unreadable=why)
    try:
        result = read_pixels(page)
    except ocr_engine.OcrError as exc:
        return "", PageLayout(width, height, unreadable=f"page {number}: {what} and OCR failed ({exc})")
    scale = 72 / OCR_DPI
    words = tuple(
        (w.start, w.end, w.box[0] * scale, w.box[1] * scale, w.box[2] * scale, w.box[3] * scale)
        for w in result.words
    )
    why = f"page {number}: {result.unreadable}; check it by hand" if result.unreadable else None
    return result.text, PageLayout(width, height, words=words, ocr=True, doubtful=result.doubtful, unreadable=why)


def read_pixels(page: pdfium.PdfPage) -> OcrPage:
    """The page rendered at OCR_DPI and read by Tesseract (an OcrError if it cannot be),
    boxes in the rendering's pixels: how a scan is read, and a rasterised copy checked."""
    from .ocr import ocr_image

    bitmap = page.render(scale=OCR_DPI / 72, grayscale=True)
    try:
        return ocr_image(bitmap.to_pil(), OCR_DPI)
    finally:
        bitmap.close()


def _gate(data: bytes) -> None:
    """pypdf's structural checks and decompression limits, before PDFium reads anything."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("encrypted PDF: needs a password, remove it before scanning")
        pages = reader.pages
        if len(pages) == 0:
            raise IngestError("PDF has no pages")
        for page in pages:
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()  # inflated under pypdf's limits
    except IngestError:
        raise
    except NotImplementedError:  # pypdf's word for an encryption scheme or a filter it lacks
        if b"/Encrypt" in data:
            raise IngestError("encrypted PDF: cannot be decrypted without a password") from None
        raise IngestError("PDF uses a feature redactor cannot read (NotImplementedError)") from None
    except FileNotDecryptedError:
        raise IngestError("encrypted PDF: cannot be decrypted without a password") from None
    except LimitReachedError as exc:
        if "decompress" in str(exc).lower():
            raise IngestError("PDF stream too large when decompressed") from None
        raise IngestError("PDF too large or complex to read (a safety limit was reached)") from None
    except (PyPdfError, *DAMAGED) as exc:
        raise IngestError(f"corrupt or unreadable PDF ({type(exc).__name__})") from None
    except RecursionError:
        raise IngestError("corrupt or unreadable PDF (objects nested too deeply)") from None
    except Exception as exc:  # the one boundary: a parser on garbage can raise anything
        raise IngestError(f"could not read this PDF ({type(exc).__name__})") from None


def _pdfium_problem(message: str) -> str:
    if "password" in message.lower():
        return "encrypted PDF: needs a password, remove it before scanning"
    if "security" in message.lower():
        return "encrypted PDF: cannot be decrypted without a password"
    return "corrupt or unreadable PDF (PDFium could not load it)"
