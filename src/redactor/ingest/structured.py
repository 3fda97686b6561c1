"""Lay a structured record's free-text fields out as one text, remembering where
each came from.

The detector works on one text per document; structured formats (FHIR, GP2GP,
CSV, DOCX) are read field by field into that text, one field per line and a blank
line between entries, so a finding's offsets lead back to its field, its entry and
its code, and apply can write each redacted field back where it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..formats import Field, Replacement
from ..model import CodedItem, Document, Entry, Segment

FIELD_SEPARATOR = "\n"
ENTRY_SEPARATOR = "\n\n"
JOIN_EVERY = 4096


@dataclass
class TextBuilder:
    parts: list[str] = field(default_factory=list)  # the latest pieces of text
    chunks: list[str] = field(default_factory=list)  # earlier pieces, joined a few thousand at a time
    length: int = 0
    segments: list[Segment] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    coded: list[CodedItem] = field(default_factory=list)
    _entry: tuple[str, str | None, str | None, int] | None = None

    def begin_entry(self, entry_id: str, date: str | None = None, author: str | None = None) -> None:
        self.end_entry()
        self._entry = (entry_id, date, author, len(self.segments))

    @property
    def current_entry(self) -> str | None:
        return self._entry[0] if self._entry else None

    def end_entry(self) -> None:
        if self._entry is None:
            return
        entry_id, date, author, first = self._entry
        self._entry = None
        if len(self.segments) > first:
            start, end = self.segments[first].start, self.segments[-1].end
            self.entries.append(Entry(entry_id, start, end, date=date, author=author))

    def add(
        self,
        value: str,
        where: str,
        write: Callable[[list[Replacement]], None] | None,
        code: str | None = None,
        kind: str = "text",
    ) -> Segment | None:
        """Add one field's text; blank fields are passed over. Without `write` (a read
        for the scan alone) no writer is kept."""
        if not value.strip():
            return None
        if self.segments:
            in_entry = self._entry is not None and len(self.segments) > self._entry[3]
            self._append(FIELD_SEPARATOR if in_entry else ENTRY_SEPARATOR)
        start = self.length
        self._append(value)
        segment = Segment(start, self.length, where, self.current_entry, code, kind)
        self.segments.append(segment)
        if write is not None:
            self.fields.append(Field(write))
        return segment

    def add_code(self, code: str, where: str, shown_by: Segment | None) -> None:
        """A coded item; its finding goes on the text that shows it, else on its entry."""
        start, end = (shown_by.start, shown_by.end) if shown_by is not None else (-1, -1)
        self.coded.append(CodedItem(code, start, end, where, self.current_entry))

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        if len(self.parts) >= JOIN_EVERY:  # let each field's own string go as the text grows
            self.chunks.append("".join(self.parts))
            self.parts = []

    def fill(self, document: Document) -> None:
        self.end_entry()
        document.text = "".join([*self.chunks, *self.parts])
        document.segments = self.segments
        document.entries = self.entries
        # A code with no text of its own is shown by its entry's first field.
        first_of = {}
        for segment in self.segments:
            first_of.setdefault(segment.entry, segment)
        document.coded = []
        for item in self.coded:
            if item.start >= 0:
                document.coded.append(item)
            elif (segment := first_of.get(item.entry)) is not None:
                document.coded.append(
                    CodedItem(item.code, segment.start, segment.end, item.where, item.entry)
                )


def place_unreadable(document: Document, notes: list[tuple[str | None, str]]) -> list[tuple[int, int, str]]:
    """Something unreadable (an attachment) is flagged on its entry's first line."""
    entries = {e.id: e for e in document.entries}
    out = []
    for entry_id, reason in notes:
        entry = entries.get(entry_id or "")
        out.append((*(document.first_line(entry) if entry else (0, 0)), reason))
    return out
