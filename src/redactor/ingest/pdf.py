"""PDF letters and results: text per page through pypdf, page boundaries kept.

Pages are joined with a form feed so a finding's offset maps back to its page,
and a page with no text layer (a scan) is recorded so it can never pass silently.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

from .errors import IngestError

PAGE_BREAK = "\f"

# pypdf reports structural oddities through logging; they are not ours to show.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True, slots=True)
class PdfText:
    text: str
    page_starts: list[int]
    unreadable_pages: list[int]  # 1-based page numbers with no text layer


def extract_pdf(data: bytes) -> PdfText:
    if not data.strip():
        raise IngestError("file is empty")
    if b"%PDF-" not in data[:1024]:
        raise IngestError("not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("encrypted PDF: needs a password, remove it before scanning")
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (FileNotDecryptedError, NotImplementedError):
        raise IngestError("encrypted PDF: cannot be decrypted without a password") from None
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"corrupt or unreadable PDF ({type(exc).__name__})") from None
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
