"""Prove an output leaks nothing: look for every redacted string in everything a
reader could recover from it, with independent PDF text extractors (PDFium,
pdfminer.six, pypdf) and, for pages that are pictures (scans, rasterised pages,
image files), by reading the released pixels again with OCR.

What is looked for is what should have been removed, not only what was: every
redacted string, and each word of a removed third party's name on its own, so a
surname the detector missed elsewhere is found. Such a word may remain only inside
findings that stay (the patient's name, a professional's, a reviewer's keep).

Matching ignores case, whitespace and punctuation between words but respects word
boundaries, so "Karen  JONES" and "karen-jones" count as "Karen Jones" while a
redacted "Dean" is not found inside "Deanery". Messages name where a leak was
found and the category, never the text.
"""

from __future__ import annotations

import io
import re
import zlib
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..model import union_spans

MIN_CHARS = 3  # shorter strings ("Jo") match too much ordinary text to prove anything


@dataclass(frozen=True, slots=True)
class Secret:
    label: str
    pattern: re.Pattern[str]
    # Copies that rightly stay: a line of a hidden entry that a shown entry also has
    # ("Discussed at practice meeting.") is not a leak of the hidden one.
    allowed: int = 0
    word: bool = False  # one word of a redacted name, looked for on its own


# Words inside names that prove nothing on their own.
NAME_GLUE = frozenset({"and", "the", "van", "von", "der", "den", "del", "della", "mrs", "miss", "mr", "ms", "dr"})


def secrets_for(
    text: str,
    spans: Iterable[tuple[int, int, str]],
    universe: str | None = None,
    kept: Iterable[tuple[int, int]] = (),
    names: Iterable[tuple[int, int]] = (),
    ordinary: frozenset[str] = frozenset(),
) -> list[Secret]:
    """Patterns for the redacted strings; a whole removed entry is checked line by line,
    and each word of a redacted name on its own.

    `universe` is all the text of the input as the leak check will read the output
    (for structured formats, every string in the file); by default `text`. `kept` are
    the spans of findings that stay (the patient, professionals, what a reviewer kept).
    `names` are the removed third parties' names: each of their words may remain
    inside what stays and nowhere else in `text`, so a surname the detector missed on
    the next line fails the copy. Words in `ordinary` (English words such as "will" or
    "walker", the patient's own names) and short acronyms are not looked for alone.
    """
    spans = list(spans)
    found: dict[str, Secret] = {}
    for start, end, label in spans:
        pieces = text[start:end].splitlines() if label == "ENTRY" else [text[start:end]]
        for piece in pieces:
            words = re.findall(r"\w+", piece.lower())
            if sum(len(w) for w in words) < MIN_CHARS or (label == "ENTRY" and len(words) < 3):
                continue
            key = " ".join(words)
            if key not in found:
                pattern = r"(?<!\w)" + r"\W*".join(re.escape(w) for w in words) + r"(?!\w)"
                found[key] = Secret(label, re.compile(pattern, re.IGNORECASE))
    for start, end in names:
        for word in re.findall(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*(?![\w'’-])", text[start:end]):
            key = word.lower()
            acronym = word.isupper() and len(word) <= 4
            if len(key) >= MIN_CHARS and key not in found and key not in NAME_GLUE | ordinary and not acronym:
                pattern = r"(?<![\w'’-])" + re.escape(key) + r"(?![\w'’-])"
                found[key] = Secret("THIRD_PARTY_NAME", re.compile(pattern, re.IGNORECASE), word=True)
    removed = union_spans((start, end) for start, end, _ in spans)
    staying = union_spans(kept)
    for key, secret in found.items():
        if secret.label != "ENTRY" and not secret.word:
            continue
        starts = [m.start() for m in secret.pattern.finditer(text)]
        total = len(starts) if universe is None else sum(1 for _ in secret.pattern.finditer(universe))
        if secret.word:  # inside what stays, and in the file's structure beyond the text
            allowed = _inside(starts, staying) + total - len(starts)
        else:
            allowed = total - _inside(starts, removed)
        found[key] = replace(secret, allowed=max(0, allowed))
    return list(found.values())


def _inside(offsets: list[int], spans: tuple[tuple[int, int], ...]) -> int:
    """How many offsets fall in the (sorted, disjoint) spans."""
    ends = [end for _, end in spans]
    count = 0
    for offset in offsets:
        index = bisect_right(ends, offset)
        count += index < len(spans) and spans[index][0] <= offset
    return count


def leaks_in(text: str, secrets: list[Secret]) -> list[str]:
    return [
        s.label
        for s in secrets
        if (s.pattern.search(text) if not s.allowed else sum(1 for _ in s.pattern.finditer(text)) > s.allowed)
    ]


def check_text(output: str, secrets: list[Secret]) -> list[str]:
    return [f"text: {label}" for label in leaks_in(output, secrets)]


def check_pdf(data: bytes, secrets: list[Secret], ocr_pages: Iterable[int] = ()) -> list[str]:
    """`ocr_pages` (1-based) are pictures in the output: their pixels are read too."""
    problems: list[str] = []
    for place, text in pdf_places(data).items():
        # Single words are looked for in text only: in the raw bytes of a compressed
        # image any three letters turn up by chance.
        looked_for = [s for s in secrets if not s.word] if place == "file bytes" else secrets
        problems += [f"{place}: {label}" for label in leaks_in(text, looked_for)]
    pages = sorted(set(ocr_pages))
    if pages:
        text = _ocr_pdf_pages(data, pages)
        problems += [f"page pixels (OCR): {label}" for label in leaks_in(text, secrets)]
    return problems


def check_image(data: bytes, secrets: list[Secret]) -> list[str]:
    """An image output read again by OCR, every frame."""
    from ..ingest.image import read_image

    text = read_image(data).text
    return [f"image pixels (OCR): {label}" for label in leaks_in(text, secrets)]


def _ocr_pdf_pages(data: bytes, numbers: list[int]) -> str:
    import pypdfium2 as pdfium

    from ..ingest import ocr
    from ..ingest.pdf import read_pixels

    if not ocr.available():
        return ""
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(read_pixels(document[number - 1]).text for number in numbers)
    finally:
        document.close()


def pdf_places(data: bytes) -> dict[str, str]:
    """Every place a PDF can carry text, read by pypdf and by pdfminer.six."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return {
        "page text (PDFium)": _pdfium_text(data),
        "page text (pypdf)": "\n".join(page.extract_text() or "" for page in reader.pages),
        "page text (pdfminer)": _pdfminer_text(data),
        "metadata": " ".join(str(v) for v in (reader.metadata or {}).values()),
        "outline": " ".join(_outline_titles(reader.outline)),
        "annotations": " ".join(_annotation_text(reader)),
        "form fields": " ".join(f"{k} {v.get('/V', '')}" for k, v in (reader.get_fields() or {}).items()),
        "embedded files": " ".join(_embedded(reader)),
        # Earlier revisions left by incremental updates are not in the newest
        # xref, so the raw bytes (with every deflated stream inflated) are read too.
        "file bytes": _raw_text(data),
    }


def _pdfium_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    from ..ingest.pdf import read_chars

    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(read_chars(textpage)[0])
            textpage.close()
        return "\n".join(texts)
    finally:
        document.close()


def _pdfminer_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def _outline_titles(outline: object) -> list[str]:
    titles: list[str] = []
    for item in outline if isinstance(outline, list) else []:
        if isinstance(item, list):
            titles += _outline_titles(item)
        else:
            titles.append(str(getattr(item, "title", "") or ""))
    return titles


def _annotation_text(reader: object) -> list[str]:
    texts = []
    for page in reader.pages:  # type: ignore[attr-defined]
        for annotation in page.get("/Annots") or []:
            obj = annotation.get_object()
            texts += [str(obj.get(key, "")) for key in ("/Contents", "/T", "/Subj", "/RC")]
    return texts


def _embedded(reader: object) -> list[str]:
    out = []
    for name, contents in (getattr(reader, "attachments", None) or {}).items():
        out.append(str(name))
        out += [c.decode("utf-8", "replace") for c in contents]
    return out


def _raw_text(data: bytes) -> str:
    chunks = [data.decode("latin-1")]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            continue
    # PDF strings escape parentheses and may be split into kerned pieces; the
    # word-tolerant patterns cover spacing, and literal strings are joined here.
    return "\n".join(chunks)
