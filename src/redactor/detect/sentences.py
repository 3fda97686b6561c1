"""Split a record into the units a passage finding covers: sentences and journal
lines (a sentence wrapped over several lines is one unit).

GP records are not prose: a journal puts one fact per line with no full stop, a
dictated letter wraps a sentence over several lines, shorthand is full of full stops
that end nothing ("Dr.", "O/E.", "approx.") and question marks that open a word
("?NAI"). Clinical splitters that know this (PyRuSH, medspaCy's) pin spaCy below 3.8
on Python 3.11, so this is a small rule splitter with its abbreviations in
`models/patterns/sentences.yml`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

import yaml

# A full stop, "!" or "?" (or a run of them) ends a sentence when a space and then a
# capital, digit, quote, bracket or "?" follow. Not ";": a clause after it usually
# carries on the same matter ("Section 47 to proceed; police joint visit today"), and a
# passage cut short there would release the rest.
STOP = re.compile(r"(?<=[^\s?])[.!?]+(?=[ \t]+[\"'(\[A-Z0-9?])")
LINE = re.compile(r"[^\n\f]*(?:\n|\f|$)")
# A line that starts a new fact: a bullet, a date, a time or a "Heading:" label.
NEW_FACT = re.compile(
    r"[ \t]*(?:[-*•>]|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}[ -][A-Za-z]{3}[ -]\d{2,4}|\d{1,2}:\d{2}|"
    r"[A-Za-z][\w /&()'-]{0,30}:(?:\s|$)|\d+[.)] )"
)
LAST_WORD = re.compile(r"([A-Za-z][\w'-]*)[ \t]*$")


@dataclass(frozen=True, slots=True)
class SentenceRules:
    abbreviations: frozenset[str]  # lower case, no full stop: "dr", "approx", "e.g"
    joining_words: frozenset[str]  # a line ending in one of these runs on: "and", "the"
    wrap_width: int  # a line at least this long without an ending runs on
    lower_wrap_width: int  # the same, when the next line starts in lower case

    @classmethod
    def load(cls, path: Path) -> SentenceRules:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            frozenset(a.lower().rstrip(".") for a in data["abbreviations"].split()),
            frozenset(data["joining_words"].lower().split()),
            int(data["wrap_width"]),
            int(data["lower_wrap_width"]),
        )


def split(text: str, rules: SentenceRules) -> list[tuple[int, int]]:
    """(start, end) of every unit, in order, trimmed of outer white space."""
    units: list[tuple[int, int]] = []
    for start, end in _paragraph_lines(text, rules):
        position = start
        for stop in STOP.finditer(text, start, end):
            if stop.group().startswith(".") and _abbreviation(text, stop.start(), rules):
                continue
            units.append((position, stop.end()))
            position = stop.end()
        units.append((position, end))
    return [trimmed for unit in units if (trimmed := _trim(text, *unit))]


def _paragraph_lines(text: str, rules: SentenceRules) -> list[tuple[int, int]]:
    """Lines joined where a sentence wraps onto the next line."""
    lines = [(m.start(), m.end()) for m in LINE.finditer(text) if m.end() > m.start()]
    out: list[tuple[int, int]] = []
    for start, end in lines:
        if out and _runs_on(text, out[-1], start, end, rules):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _runs_on(text: str, previous: tuple[int, int], start: int, end: int, rules: SentenceRules) -> bool:
    before = text[previous[0] : previous[1]].rstrip()
    line = text[start:end]
    stripped = line.strip()
    if not before or not stripped or before[-1] in ".!?:;" or text[previous[1] - 1] == "\f":
        return False
    if NEW_FACT.match(line):
        return False
    last = LAST_WORD.search(before)
    if last and last.group(1).lower() in rules.joining_words:
        return True
    # A long line that stops mid-sentence wraps; a short one is a fact of its own
    # (a line-per-fact journal), even when the next starts in lower case.
    width = len(before) - before.rfind("\n") - 1
    if stripped[0].islower():
        return width >= rules.lower_wrap_width
    return width >= rules.wrap_width and before[-1] not in ")]"


def _abbreviation(text: str, dot: int, rules: SentenceRules) -> bool:
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "([":
        word_start -= 1
    word = text[word_start:dot].lower()
    return word in rules.abbreviations or (len(word) == 1 and word.isalpha())


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in " \t\n\f\r":
        start += 1
    while end > start and text[end - 1] in " \t\n\f\r":
        end -= 1
    return (start, end) if end > start else None


class Sentences:
    """A document's units, looked up by character offset."""

    def __init__(self, text: str, rules: SentenceRules) -> None:
        self.units = split(text, rules)
        self.starts = [start for start, _ in self.units]

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The units that hold text[start:end], joined: a passage never cuts a hit."""
        first = max(0, bisect_right(self.starts, start) - 1)
        last = max(first, bisect_right(self.starts, max(start, end - 1)) - 1)
        if not self.units or self.units[first][1] <= start:
            return start, end  # in the white space between units
        return min(self.units[first][0], start), max(self.units[last][1], end)
