"""Structured record formats: read each into one text with its provenance, and
write redacted copies back in the same format with the structure untouched.

Each module reads a file into a `Parsed` (the `Document` plus, for every piece of
text, how to write a redacted version back) and lists every piece of text a reader
could recover from an output, for the leak check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from ..model import Document, PageLayout

# (start, end, replacement) in a field's own offsets, sorted, not overlapping.
Replacement = tuple[int, int, str]


@dataclass
class Field:
    """How to write one piece of text back into the parsed file."""

    write: Callable[[list[Replacement]], None]
    # A PDF attachment is redacted as a PDF (its text is the PDF's page text).
    pdf: bytes | None = None
    page_starts: list[int] = field(default_factory=list)
    write_bytes: Callable[[bytes], None] | None = None
    layout: list[PageLayout] = field(default_factory=list)  # OCR words of its scanned pages


@dataclass
class Parsed:
    document: Document
    fields: list[Field]
    dump: Callable[[], bytes]


def splice(value: str, replacements: list[Replacement]) -> str:
    parts, cursor = [], 0
    for start, end, text in replacements:
        parts.append(value[cursor:start])
        parts.append(text)
        cursor = end
    parts.append(value[cursor:])
    return "".join(parts)


def module_for(suffix: str) -> ModuleType | None:
    """The format module that reads files with this suffix, if any."""
    from . import csv_journal, docx_letter, fhir, gp2gp

    return {".json": fhir, ".xml": gp2gp, ".csv": csv_journal, ".docx": docx_letter}.get(suffix.lower())


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP CSV
# injection): a patient named =HYPERLINK(...) must stay a name. Tab and carriage
# return are on the list because some spreadsheets skip them before the formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def inert_cell(value: str) -> str:
    """Text that a spreadsheet would run gets a leading quote; text that is only a
    number ("-3") is left as it is. For every CSV redactor writes."""
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value
