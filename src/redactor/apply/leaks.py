"""Prove an output leaks nothing: look for every redacted string in everything a
reader could recover from it, with two independent PDF text extractors.

Matching ignores case, whitespace and punctuation between words but respects word
boundaries, so "Karen  JONES" and "karen-jones" count as "Karen Jones" while a
redacted "Dean" is not found inside "Deanery". Messages name where a leak was
found and the category, never the text.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace

MIN_CHARS = 3  # shorter strings ("Jo") match too much ordinary text to prove anything


@dataclass(frozen=True, slots=True)
class Secret:
    label: str
    pattern: re.Pattern[str]
    # Copies that rightly stay: a line of a hidden entry that a shown entry also has
    # ("Discussed at practice meeting.") is not a leak of the hidden one.
    allowed: int = 0


def secrets_for(
    text: str, spans: Iterable[tuple[int, int, str]], universe: str | None = None
) -> list[Secret]:
    """Patterns for the redacted strings; a whole removed entry is checked line by line.

    `universe` is all the text of the input as the leak check will read the output
    (for structured formats, every string in the file); by default `text`.
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
    removed = [(start, end) for start, end, _ in spans]
    for key, secret in found.items():
        if secret.label == "ENTRY":
            inside = sum(any(s <= m.start() < e for s, e in removed) for m in secret.pattern.finditer(text))
            total = sum(1 for _ in secret.pattern.finditer(universe if universe is not None else text))
            found[key] = replace(secret, allowed=max(0, total - inside))
    return list(found.values())


def leaks_in(text: str, secrets: list[Secret]) -> list[str]:
    return [
        s.label
        for s in secrets
        if (s.pattern.search(text) if not s.allowed else sum(1 for _ in s.pattern.finditer(text)) > s.allowed)
    ]


def check_text(output: str, secrets: list[Secret]) -> list[str]:
    return [f"text: {label}" for label in leaks_in(output, secrets)]


def check_pdf(data: bytes, secrets: list[Secret]) -> list[str]:
    problems: list[str] = []
    for place, text in pdf_places(data).items():
        problems += [f"{place}: {label}" for label in leaks_in(text, secrets)]
    return problems


def pdf_places(data: bytes) -> dict[str, str]:
    """Every place a PDF can carry text, read by pypdf and by pdfminer.six."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return {
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
