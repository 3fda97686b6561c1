"""Text context around a match: its sentence and its line (negation and family
history are read by negspacy in `passages.py`).

Kept to plain string work on purpose: it runs for every hit and needs no parser.
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n|\f")


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


def line_of(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start : line_end if line_end != -1 else len(text)]
