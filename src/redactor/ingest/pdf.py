"""PDF letters and results: text per page through pypdf, page boundaries kept.

Pages are joined with a form feed so a finding's offset maps back to its page,
and a page with no text layer (a scan) is recorded so it can never pass silently.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError

from .errors import IngestError

PAGE_BREAK = "\f"

# pypdf reports structural oddities through logging; they are not ours to show.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# What pypdf lets escape from its parser on damaged files, besides its own errors,
# NotImplementedError and RecursionError (found by fuzzing: fuzz/run.py pdf).
DAMAGED = (ValueError, KeyError, TypeError, AttributeError, AssertionError)


@dataclass(frozen=True, slots=True)
class PdfText:
    text: str
    page_starts: list[int]
    unreadable_pages: list[int]  # 1-based page numbers with no text layer


def extract_pdf(data: bytes) -> PdfText:
    """Any bytes give the pages' text or an IngestError naming the problem."""
    if not data.strip():
        raise IngestError("file is empty")
    if b"%PDF-" not in data[:1024]:
        raise IngestError("not a PDF (no %PDF header)")
    try:
        pages = _pages(data)
    except IngestError:
        raise
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
    if not pages:
        raise IngestError("PDF has no pages")
    starts: list[int] = []
    unreadable: list[int] = []
    offset = 0
    for number, page_text in enumerate(pages, start=1):
        starts.append(offset)
        if not page_text.strip():
            unreadable.append(number)
        offset += len(page_text) + len(PAGE_BREAK)
    return PdfText(PAGE_BREAK.join(pages), starts, unreadable)


def _pages(data: bytes) -> list[str]:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("encrypted PDF: needs a password, remove it before scanning")
        return [page.extract_text() or "" for page in reader.pages]
    except NotImplementedError:  # pypdf's word for an encryption scheme or a filter it lacks
        if b"/Encrypt" in data:
            raise IngestError("encrypted PDF: cannot be decrypted without a password") from None
        raise IngestError("PDF uses a feature redactor cannot read (NotImplementedError)") from None
