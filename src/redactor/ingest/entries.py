"""Split a journal print into entries at its consultation headers.

EMIS Web and SystmOne hide whole entries from online access, never parts, so the
verdict a practice acts on is per entry. A header is a line that starts with a
date and a time ("12-Mar-2024 10:32  Dr A Patel (GP)  Face to face"); whatever
precedes the first header (the demographics block) is an entry of its own.
"""

from __future__ import annotations

import re

from ..model import Entry
from .demographics import parse_date

HEADER = re.compile(
    r"^[ \t]*(?P<date>\d{1,2}[-/ ](?:\d{1,2}|[A-Za-z]{3,9})[-/ ]\d{2,4})[ \t]+(?P<time>\d{1,2}:\d{2})\b(?P<rest>[^\n]*)$",
    re.M,
)
# The author is the first titled name on the header line.
AUTHOR = re.compile(
    r"\b(?:Dr|Doctor|Nurse|Sister|HCA|HV|SW|Pharmacist|Midwife|Physio(?:therapist)?|Paramedic|ANP|"
    r"CPN|Mr|Mrs|Ms|Miss)\.?[ \t]+[A-Z][\w'\-]*(?:[ \t]+[A-Z][\w'\-]*){0,2}"
)


def split_entries(text: str, whole_document: bool = False) -> list[Entry]:
    headers = [] if whole_document else list(HEADER.finditer(text))
    if not headers:
        return [Entry(id="e1", start=0, end=len(text))] if text else []
    entries: list[Entry] = []
    if headers[0].start() > 0 and text[: headers[0].start()].strip():
        entries.append(Entry(id="e0", start=0, end=headers[0].start()))
    for number, header in enumerate(headers, start=1):
        end = headers[number].start() if number < len(headers) else len(text)
        author = AUTHOR.search(header.group("rest"))
        entries.append(
            Entry(
                id=f"e{number}",
                start=header.start() if number > 1 or entries else 0,
                end=end,
                date=parse_date(header.group("date")),
                author=author.group(0).strip() if author else None,
            )
        )
    return entries
