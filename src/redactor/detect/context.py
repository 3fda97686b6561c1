"""Text context around a match: sentence bounds, negation, family-history lines.

Kept to plain string work on purpose: it runs for every hit and needs no parser.
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n|\f")
NEGATION = re.compile(
    r"\b(?:no|not|nil|none|denies|denied|never|without|negative for|no evidence of|no signs? of|"
    r"no concerns?(?: re| regarding| about)?|no current|no longer|ruled out|unlikely|"
    r"not (?:currently|known to|subject to|on)|closed)\b[^.;\n]*$",
    re.IGNORECASE,
)
NEGATION_AFTER = re.compile(
    r"^[^.;\n]{0,25}?\b(?:not (?:indicated|required|needed|present|raised)|negative|ruled out|"
    r"closed|ceased|ended|stepped down|removed|no longer)\b",
    re.IGNORECASE,
)
FAMILY_HISTORY_LINE = re.compile(
    r"^[ \t]*(?:FH|F/H|Family history|Family hx)\b", re.IGNORECASE | re.MULTILINE
)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) holding text[start:end]."""
    left = 0
    for match in SENTENCE_END.finditer(text, max(0, start - 300), start):
        left = match.end()
    right_match = SENTENCE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    if right_match and text[right_match.start()] in ".!?":
        right += 1
    while left < start and text[left].isspace():
        left += 1
    return left, right


def negated(text: str, start: int, end: int) -> bool:
    """A cue like "no", "denies" or "closed" close before the match in the same clause."""
    sentence_start, sentence_end = sentence_bounds(text, start, end)
    window_start = max(sentence_start, start - 45)
    before = text[window_start:start]
    if NEGATION.search(before):
        return True
    return NEGATION_AFTER.match(text[end:sentence_end]) is not None


def in_family_history(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return FAMILY_HISTORY_LINE.match(text, line_start) is not None


def line_of(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start : line_end if line_end != -1 else len(text)]
