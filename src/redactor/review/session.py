"""The review loop's logic, apart from any terminal, so tests drive it with scripted
keys (detect-secrets keeps audit logic and audit I/O apart the same way).

Review goes entry by entry, as EMIS Web and SystmOne show or hide a record: one key
hides an entry and settles every flag in it, one shows it with every flag kept, and
one opens its flags one by one (for a subject-access copy that keeps the rest of the
entry). Every decision is written to the decisions file at once, so quitting loses
nothing and the next session resumes at the first entry still open.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..decide.decisions import (
    ENTRY,
    MANUAL_RULE,
    Decisions,
    entry_fingerprint,
    fingerprint,
    reviewer_span,
    span_scope,
)
from ..decide.verdicts import DECIDED, set_verdicts, why
from ..model import HOLDS, Action, Category, Document, Entry, Finding
from ..vocabulary import LABELS, ORDER, counted, parse_category

ENTRY_KEYS = {
    "h": "hide the whole entry",
    "k": "show it, keeping every flag",
    "f": "its flags one by one",
    "s": "skip",
    "b": "back",
    "m": "mark more words",
    "t": "note",
    "/": "filter by category",
    "d": "filter by document",
    "q": "quit (saved)",
}
FLAG_KEYS = {
    "r": "redact",
    "k": "keep",
    "s": "skip",
    "b": "back",
    "c": "change category",
    "w": "widen to words",
    "n": "narrow to words",
    "m": "mark more words",
    "t": "note",
    "e": "back to the entry",
    "/": "filter by category",
    "d": "filter by document",
    "q": "quit (saved)",
}
# Categories a reviewer can give a span, numbered in this order at the prompt.
CATEGORIES = [c for c in ORDER if c is not Category.UNREADABLE]
DECISION_ACTIONS = {"redact": Action.REDACT, "keep": Action.KEEP}


@dataclass
class Item:
    """One flag a person must settle (or has settled, when met again by going back)."""

    document: Document
    finding: Finding
    decided: bool = False


@dataclass
class Unit:
    """What entry review shows at once: an entry and its flags (flags in no entry form
    one unit per document, settled flag by flag or all at once)."""

    document: Document
    entry_id: str | None
    items: list[Item] = field(default_factory=list)

    @property
    def entry(self) -> Entry | None:
        """The entry as it stands now (a decision replaces it in the document)."""
        return next((e for e in self.document.entries if e.id == self.entry_id), None)

    @property
    def settled(self) -> bool:
        entry = self.entry
        return (entry is not None and entry.decision is not None) or all(i.decided for i in self.items)

    def why(self) -> str:
        """The entry's one line, as in every report; for flags in no entry, the same form."""
        if (entry := self.entry) is not None:
            return why(self.document, entry)
        held = Counter(i.finding.category for i in self.items if i.finding.action in HOLDS)
        if not held:
            return "SHOW: every flag settled"
        verdict = "HIDE" if any(i.finding.action is Action.REDACT for i in self.items) else "REVIEW"
        return f"{verdict}: {counted(held)}"


class ReviewSession:
    """Entry review by default (`by="entry"`); `by="flag"` walks every flag of every
    document in turn, as a subject-access reviewer may prefer."""

    def __init__(
        self, documents: list[Document], decisions: Decisions, key: bytes, reviewer: str, by: str = "entry"
    ) -> None:
        self.documents = documents
        self.decisions = decisions
        self.key = key
        self.reviewer = reviewer
        self.category_filter: Category | None = None
        self.document_filter: str | None = None
        self.note = ""  # attached to the next decision, then cleared
        self.finished = False
        self.units: list[Unit] = []
        for document in documents:
            by_entry: dict[str | None, Unit] = {}
            for finding in document.findings:
                if finding.action in HOLDS or finding.decision:
                    unit = by_entry.setdefault(finding.entry, Unit(document, finding.entry))
                    unit.items.append(Item(document, finding, decided=finding.decision is not None))
            self.units += by_entry.values()
        self.items = [item for unit in self.units for item in unit.items]
        self.by_flag = by == "flag"
        # Flag review walks `flags`: the open unit's items, or every item with by="flag".
        self.unit_index = 0
        self.in_flags = self.by_flag
        self.flags: list[Item] = self.items if self.by_flag else []
        self.index = 0
        if self.by_flag:
            self.index = self._next_flag(0, 1, undecided=True)
        else:
            self.unit_index = self._next_unit(0, 1, unsettled=True)

    # --- what the front end shows ---------------------------------------

    @property
    def mode(self) -> str:
        return "flags" if self.in_flags else "entry"

    def unit(self) -> Unit | None:
        if self.finished or self.by_flag or not 0 <= self.unit_index < len(self.units):
            return None
        return self.units[self.unit_index]

    def current(self) -> Item | None:
        if self.finished or not self.in_flags or not 0 <= self.index < len(self.flags):
            return None
        return self.flags[self.index]

    def undecided(self) -> int:
        return sum(not item.decided for item in self.items)

    def progress(self) -> str:
        """What remains, counted over the whole record, previous sessions included."""
        settled = sum(item.decided for item in self.items)
        if self.by_flag:
            return f"{settled} of {len(self.items)} flags settled"
        shown = [u for u in self.units if self._visible(u)]
        here = self.units[self.unit_index] if self.unit_index < len(self.units) else None
        place = shown.index(here) + 1 if here in shown else len(shown)
        return f"entry {place} of {len(shown)}, {settled} of {len(self.items)} flags settled"

    def context(self, item: Item, width: int = 90) -> tuple[str, str, str]:
        """The sentence around the span, split into before / span / after, cut at words."""
        text = item.document.text
        start, end = item.finding.start, item.finding.end
        left = max(text.rfind(".", 0, start) + 1, text.rfind("\n\n", 0, start) + 1, start - width)
        if left > 0 and not text[left - 1].isspace() and text[left - 1] != ".":
            gap = re.compile(r"\s").search(text, left, start)
            left = gap.end() if gap else start
        right_candidates = [p + 1 for p in (text.find(".", end), text.find("\n\n", end)) if p != -1]
        right = min([*right_candidates, end + width, len(text)])
        if right < len(text) and not text[right].isspace() and text[right - 1] != ".":
            right = max(end, text.rfind(" ", end, right))
        return text[left:start].lstrip(), text[start:end], text[end:right].rstrip()

    # --- commands ---------------------------------------------------------

    def handle(self, key: str, argument: str | None = None, category: str | None = None) -> str:
        """One key press (with what was typed after it, where it asks for something)."""
        if key == "q":
            self.finished = True
            return f"stopped: {self.progress()}; run review again to resume"
        if key == "t":
            self.note = (argument or "").strip()
            return "note kept for the next decision (stored encrypted with the practice key)"
        if key in ("/", "d"):
            return self._filter(key, argument)
        if self.in_flags:
            return self._flag_key(key, argument, category)
        return self._entry_key(key, argument, category)

    def _entry_key(self, key: str, argument: str | None, category: str | None) -> str:
        unit = self.unit()
        if unit is None:
            return "nothing left to review"
        if key in ("h", "k"):
            self._settle(unit, "hide" if key == "h" else "show")
            return self._next_entry(f"{'hidden' if key == 'h' else 'shown, flags kept'}; {self.progress()}")
        if key == "f":
            self.in_flags, self.flags = True, unit.items
            self.index = self._next_flag(0, 1, undecided=True)
            if self.index >= len(self.flags):
                self.index = 0  # every flag settled already: show them again from the first
            return f"flags of this entry: {len(unit.items)}"
        if key == "s":
            return self._next_entry("skipped")
        if key == "b":
            self.unit_index = self._next_unit(self.unit_index - 1, -1, unsettled=False)
            return "back"
        if key == "m":
            anchor = unit.items[0]
            return self._manual(anchor, argument, category)
        return self._unknown(key, ENTRY_KEYS)

    def _flag_key(self, key: str, argument: str | None, category: str | None) -> str:
        item = self.current()
        if key == "e" and not self.by_flag:
            return self._leave_flags("back to the entry")
        if item is None:
            return "nothing left to review"
        if key in ("r", "k"):
            self._decide(item, "redact" if key == "r" else "keep")
            return self._next_flag_or_entry(f"{'redacted' if key == 'r' else 'kept'}; {self.progress()}")
        if key == "s":
            return self._next_flag_or_entry("skipped")
        if key == "b":
            self.index = self._next_flag(self.index - 1, -1, undecided=False)
            if self.index < 0:
                self.index = 0
            return "back"
        if key == "c":
            return self._change_category(item, argument)
        if key in ("w", "n"):
            return self._resize(item, widen=key == "w")
        if key == "m":
            return self._manual(item, argument, category)
        return self._unknown(key, FLAG_KEYS)

    @staticmethod
    def _unknown(key: str, keys: dict[str, str]) -> str:
        return f"unknown key {key!r}; keys: " + ", ".join(f"{k} {v}" for k, v in keys.items())

    # --- moving -----------------------------------------------------------

    def _next_unit(self, start: int, step: int, unsettled: bool) -> int:
        """The first visible unit from `start` (itself included) in direction `step`;
        with `unsettled`, only one still open. Past the end is len(units)."""
        index = start
        while 0 <= index < len(self.units):
            unit = self.units[index]
            if self._visible(unit) and not (unsettled and unit.settled):
                return index
            index += step
        return len(self.units) if step > 0 else max(0, self._next_unit(0, 1, unsettled=False))

    def _next_flag(self, start: int, step: int, undecided: bool) -> int:
        index = start
        while 0 <= index < len(self.flags):
            item = self.flags[index]
            if (not self.by_flag or self._visible_item(item)) and not (undecided and item.decided):
                return index
            index += step
        return len(self.flags) if step > 0 else -1

    def _next_entry(self, message: str) -> str:
        self.unit_index = self._next_unit(self.unit_index + 1, 1, unsettled=True)
        if self.unit() is None:
            open_ = sum(not u.settled for u in self.units if self._visible(u))
            self.finished = True
            left = f"; {open_} entr{'y' if open_ == 1 else 'ies'} skipped, still open" if open_ else ""
            return f"{message}; end of the record: {self.progress()}{left}"
        return message

    def _next_flag_or_entry(self, message: str) -> str:
        self.index = self._next_flag(self.index + 1, 1, undecided=True)
        if self.index < len(self.flags):
            return message
        if self.by_flag:
            self.finished = True
            return f"{message}; all done: {self.progress()}"
        return self._leave_flags(message)

    def _leave_flags(self, message: str) -> str:
        """Back to entry review: on to the next open entry once this one is settled."""
        self.in_flags, self.flags, self.index = False, [], 0
        unit = self.unit()
        if unit is not None and unit.settled:
            return self._next_entry(message)
        return message

    def _visible(self, unit: Unit) -> bool:
        return any(self._visible_item(item) for item in unit.items)

    def _visible_item(self, item: Item) -> bool:
        if self.category_filter is not None and item.finding.category is not self.category_filter:
            return False
        return self.document_filter is None or self.document_filter in item.document.path

    def _filter(self, key: str, argument: str | None) -> str:
        """Narrow the walk; a filter that would leave nothing is refused, never the end."""
        before = self.category_filter, self.document_filter
        if key == "/":
            try:
                self.category_filter = parse_category(argument, CATEGORIES) if argument else None
            except ValueError as exc:
                return str(exc)
        else:
            self.document_filter = argument or None
        pool = self.items if self.by_flag else [i for u in self.units for i in u.items]
        if not any(self._visible_item(i) and not i.decided for i in pool):
            self.category_filter, self.document_filter = before
            return "nothing open matches that filter; filter unchanged"
        if self.by_flag:
            self.index = self._next_flag(0, 1, undecided=True)
        else:
            self.in_flags, self.flags = False, []
            self.unit_index = self._next_unit(0, 1, unsettled=True)
        shown = LABELS[self.category_filter] if self.category_filter else "any category"
        return f"filter: {shown}, document {self.document_filter or 'any'}"

    # --- deciding ---------------------------------------------------------

    def _decide(self, item: Item, decision: str) -> None:
        self._record(item, decision)
        self.decisions.save(self.key)

    def _record(self, item: Item, decision: str) -> None:
        finding = item.finding
        print_ = fingerprint(self.key, item.document, finding)
        drawn = (finding.start, finding.end) if finding.rule == MANUAL_RULE else None
        scope = span_scope(self.key, item.document, finding.start) if drawn else None
        self.decisions.record(
            print_, finding.category, decision, self.reviewer, note=self.note, span=drawn, key=self.key, scope=scope
        )
        self.note = ""
        self._settled(item, decision)

    @staticmethod
    def _settled(item: Item, decision: str) -> None:
        """The flag as a re-scan would now find it, in the item and in its document, so
        the entry's verdict and why line follow each decision."""
        old = item.finding
        item.finding = replace(old, decision=decision, action=DECISION_ACTIONS[decision])
        item.decided = True
        document = item.document
        document.findings = [item.finding if f is old else f for f in document.findings]
        set_verdicts(document)

    def _settle(self, unit: Unit, decision: str) -> None:
        """Hide or show a whole entry: one decision for the entry settles every flag in
        it (a re-scan gives them the entry's decision); flags in no entry are decided
        one by one, all the same way."""
        settled = "redact" if decision == "hide" else "keep"
        entry = unit.entry
        if entry is None:
            for item in unit.items:
                if not item.decided:
                    self._record(item, settled)
        else:
            print_ = entry_fingerprint(self.key, unit.document, entry)
            self.decisions.record(print_, ENTRY, decision, self.reviewer, note=self.note, key=self.key)
            self.note = ""
            decided = replace(entry, decision=decision, verdict=DECIDED[decision])
            unit.document.entries = [decided if e.id == entry.id else e for e in unit.document.entries]
            for item in unit.items:
                if item.finding.action in HOLDS or item.decided:
                    self._settled(item, settled)
        self.decisions.save(self.key)

    def recorded(self, item: Item) -> tuple[str, str] | None:
        """What was decided for an item (met again by going back), and its note in plain text."""
        print_ = fingerprint(self.key, item.document, item.finding)
        record = self.decisions.records.get(print_)
        if record is None:
            return (item.finding.decision, "") if item.finding.decision else None
        return record.decision, self.decisions.note(self.key, print_)

    def _change_category(self, item: Item, argument: str | None) -> str:
        if argument:
            try:
                category = parse_category(argument, CATEGORIES)
            except ValueError as exc:
                return str(exc)
        else:  # cycle, for a single key press
            now = item.finding.category
            category = (
                CATEGORIES[(CATEGORIES.index(now) + 1) % len(CATEGORIES)]
                if now in CATEGORIES
                else CATEGORIES[0]
            )
        item.finding = replace(
            item.finding, category=category, rule=MANUAL_RULE, reason="re-categorised by a reviewer"
        )
        return f"category now {LABELS[category]}"

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
        if (start, end) == (finding.start, finding.end):
            return f"nothing to {'widen' if widen else 'narrow'}: the flag already ends at words"
        item.finding = reviewer_span(item.document, start, end, finding.category)
        return f"span now {end - start} characters"

    def _manual(self, item: Item, argument: str | None, category: str | None) -> str:
        """Mark words the detector missed in the same entry, in the category the reviewer
        names (third-party name when left blank): the first match after the flag, else
        the first in the entry."""
        if not argument:
            return "type the words to mark"
        try:
            chosen = parse_category(category, CATEGORIES) if category else Category.THIRD_PARTY_NAME
        except ValueError as exc:
            return str(exc)
        text = item.document.text
        entry = item.document.entry_of(item.finding.start)
        lower, upper = (entry.start, entry.end) if entry else (0, len(text))
        where = text.find(argument, item.finding.end, upper)
        if where == -1:
            where = text.find(argument, lower, upper)
        if where == -1:
            return "those words are not in this entry"
        span = reviewer_span(item.document, where, where + len(argument), chosen)
        marked = Item(item.document, span)
        self.items.append(marked)
        self._decide(marked, "redact")
        return f"marked for redaction as {LABELS[chosen]}"
