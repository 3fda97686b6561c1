"""The review loop's logic, apart from any terminal, so tests can drive it with
scripted keys (detect-secrets keeps audit logic and audit I/O apart the same way).

A session walks the findings that still need a person: flagged (redact or review)
and not yet decided. Every decision is written to the decisions file at once, so
quitting at any point loses nothing and the next session resumes where this one
stopped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..decide.decisions import Decisions, entry_fingerprint, fingerprint, reviewer_span
from ..model import HOLDS, Category, Document, Finding

KEYS = {
    "r": "redact",
    "k": "keep",
    "s": "skip",
    "b": "back",
    "c": "change category",
    "w": "widen to word boundaries",
    "n": "narrow to word boundaries",
    "m": "mark text for redaction",
    "h": "hide the whole entry",
    "o": "show the whole entry",
    "t": "add a note to the next decision",
    "f": "filter by category",
    "d": "filter by document",
    "q": "quit (decisions so far are saved)",
}
CATEGORIES = [c for c in Category if c is not Category.UNREADABLE]


@dataclass
class Item:
    document: Document
    finding: Finding
    decided: bool = False


class ReviewSession:
    def __init__(self, documents: list[Document], decisions: Decisions, key: bytes, reviewer: str) -> None:
        self.documents = documents
        self.decisions = decisions
        self.key = key
        self.reviewer = reviewer
        self.category_filter: Category | None = None
        self.document_filter: str | None = None
        self.items = [
            Item(doc, f) for doc in documents for f in doc.findings if f.action in HOLDS and not f.decision
        ]
        self.index = 0
        self.finished = False
        self.note = ""  # attached to the next decision, then cleared
        self._skip_filtered(step=1)

    # --- what the front end shows ---------------------------------------

    def current(self) -> Item | None:
        if self.finished or not 0 <= self.index < len(self.items):
            return None
        return self.items[self.index]

    def undecided(self) -> int:
        return sum(not item.decided for item in self.items)

    def progress(self) -> str:
        return f"{sum(item.decided for item in self.items)} of {len(self.items)} decided"

    def context(self, item: Item, width: int = 90) -> tuple[str, str, str]:
        """The sentence around the span, split into before / span / after."""
        text = item.document.text
        start, end = item.finding.start, item.finding.end
        left = max(text.rfind(".", 0, start) + 1, text.rfind("\n\n", 0, start) + 1, start - width)
        right_candidates = [p for p in (text.find(".", end), text.find("\n\n", end)) if p != -1]
        right = min([*right_candidates, end + width]) + 1
        return text[left:start].lstrip(), text[start:end], text[end:right].rstrip()

    # --- commands ---------------------------------------------------------

    def handle(self, key: str, argument: str | None = None) -> str:
        item = self.current()
        if key == "q":
            self.finished = True
            return f"stopped: {self.progress()}; run review again to resume"
        if key in ("f", "d"):
            return self._filter(key, argument)
        if key == "t":
            self.note = (argument or "").strip()
            return "note kept for the next decision (stored encrypted with the practice key)"
        if item is None:
            return "nothing left to review"
        if key in ("r", "k"):
            self._decide(item, "redact" if key == "r" else "keep")
            return self._advance(f"{'redacted' if key == 'r' else 'kept'}; {self.progress()}")
        if key == "s":
            return self._advance("skipped")
        if key == "b":
            self._step(-1)
            return "back"
        if key == "c":
            return self._change_category(item, argument)
        if key in ("w", "n"):
            return self._resize(item, widen=key == "w")
        if key == "m":
            return self._manual(item, argument)
        if key in ("h", "o"):
            return self._entry(item, "hide" if key == "h" else "show")
        return f"unknown key {key!r}; keys: " + ", ".join(f"{k} {v}" for k, v in KEYS.items())

    def _decide(self, item: Item, decision: str) -> None:
        finding = item.finding
        print_ = fingerprint(self.key, item.document, finding)
        drawn = (finding.start, finding.end) if finding.rule == "review/manual" else None
        self.decisions.record(
            print_, finding.category, decision, self.reviewer, note=self.note, span=drawn, key=self.key
        )
        self.decisions.save(self.key)
        self.note = ""
        item.decided = True

    def recorded(self, item: Item) -> tuple[str, str] | None:
        """What was decided for an item (met again by going back), and its note in plain text."""
        print_ = fingerprint(self.key, item.document, item.finding)
        record = self.decisions.records.get(print_)
        return None if record is None else (record.decision, self.decisions.note(self.key, print_))

    def _advance(self, message: str) -> str:
        self._step(1)
        if self.current() is None:
            self.finished = True
            return f"{message}; all done: {self.progress()}"
        return message

    def _step(self, step: int) -> None:
        self.index = max(0, min(len(self.items), self.index + step))
        self._skip_filtered(step)

    def _skip_filtered(self, step: int) -> None:
        while 0 <= self.index < len(self.items) and not self._visible(self.items[self.index]):
            self.index += step
        self.index = max(0, min(len(self.items), self.index))

    def _visible(self, item: Item) -> bool:
        if self.category_filter is not None and item.finding.category is not self.category_filter:
            return False
        return self.document_filter is None or self.document_filter in item.document.path

    def _filter(self, key: str, argument: str | None) -> str:
        if key == "f":
            try:
                self.category_filter = Category(argument.upper()) if argument else None
            except ValueError:
                return f"no category {argument!r}"
        else:
            self.document_filter = argument or None
        self.index = 0
        self._skip_filtered(1)
        return f"filter: category {self.category_filter or 'any'}, document {self.document_filter or 'any'}"

    def _change_category(self, item: Item, argument: str | None) -> str:
        if argument:
            try:
                category = Category(argument.upper())
            except ValueError:
                return f"no category {argument!r}"
        else:  # cycle, for a single key press
            category = CATEGORIES[(CATEGORIES.index(item.finding.category) + 1) % len(CATEGORIES)]
        item.finding = replace(
            item.finding, category=category, rule="review/manual", reason="re-categorised by a reviewer"
        )
        return f"category now {category}"

    def _resize(self, item: Item, widen: bool) -> str:
        text, finding = item.document.text, item.finding
        start, end = finding.start, finding.end
        if widen:
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and not text[end].isspace() and text[end] not in ".,;:":
                end += 1
        else:
            inner = list(re.finditer(r"\S+", text[start:end]))
            if len(inner) > 1:
                if start > 0 and not text[start - 1].isspace():
                    inner = inner[1:]
                if end < len(text) and not text[end].isspace():
                    inner = inner[:-1]
            if not inner:
                return "cannot narrow further"
            start, end = finding.start + inner[0].start(), finding.start + inner[-1].end()
        item.finding = reviewer_span(item.document, start, end, finding.category)
        return f"span now {end - start} characters"

    def _manual(self, item: Item, argument: str | None) -> str:
        """Mark more text in the same entry: the first match of `argument` after the span."""
        if not argument:
            return "type the words to mark"
        text = item.document.text
        entry = item.document.entry_of(item.finding.start)
        lower, upper = (entry.start, entry.end) if entry else (0, len(text))
        where = text.find(argument, lower, upper)
        if where == -1:
            return "those words are not in this entry"
        span = reviewer_span(item.document, where, where + len(argument), item.finding.category)
        marked = Item(item.document, span)
        self.items.insert(self.index + 1, marked)
        self._decide(marked, "redact")
        return f"marked for redaction; {self.progress()}"

    def _entry(self, item: Item, decision: str) -> str:
        entry = item.document.entry_of(item.finding.start)
        if entry is None:
            return "this finding is in no entry"
        print_ = entry_fingerprint(self.key, item.document, entry)
        self.decisions.record(print_, "ENTRY", decision, self.reviewer, note=self.note, key=self.key)
        self.decisions.save(self.key)
        self.note = ""
        return f"entry {entry.id} will be {'hidden' if decision == 'hide' else 'shown'}"
