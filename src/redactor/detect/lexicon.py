"""Match every lexicon rule in one pass: two PhraseMatchers and one combined regex.

Compiling all phrases into one spaCy PhraseMatcher (and all patterns into one
alternation) keeps the cost flat as the word lists grow, unlike a regex per term.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from spacy.attrs import IDX, IS_SPACE, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .resources import LexiconRule

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    rule: LexiconRule


class LexiconMatcher:
    def __init__(self, nlp: Language, rules: tuple[LexiconRule, ...]) -> None:
        self.rules = {rule.name: rule for rule in rules}
        self.any_case = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.as_written = PhraseMatcher(nlp.vocab, attr="ORTH")
        for rule in rules:
            if rule.phrases:
                self.any_case.add(rule.name, list(nlp.tokenizer.pipe(rule.phrases)))
            if rule.exact:
                self.as_written.add(rule.name, list(nlp.tokenizer.pipe(rule.exact)))
        self.patterns = FirstMatch([(pattern, rule) for rule in rules for pattern in rule.patterns])

    def match(self, doc: Doc, offset: int = 0, text: str | None = None) -> list[Hit]:
        """Hits in `doc`, with character offsets shifted by `offset` (for chunked text).
        `text` is the record as written when the doc is a truecased view of the same
        length: acronyms ("CP", "MARAC") and patterns are matched on what was written."""
        text = doc.text if text is None else text
        hits: list[Hit] = []
        vocab = doc.vocab.strings
        # Exports wrap lines mid-phrase ("strategy\n    meeting"). spaCy keeps the
        # line break as a token, which a PhraseMatcher cannot skip, so phrases are
        # matched on a copy of the doc without whitespace tokens, mapped back after.
        columns = doc.to_array([ORTH, IDX, IS_SPACE])
        kept = columns[columns[:, 2] == 0]  # one array pass, no Token objects
        starts = kept[:, 1].tolist()
        lengths = [len(vocab[int(orth)]) for orth in kept[:, 0]]
        words = [text[start : start + length] for start, length in zip(starts, lengths, strict=True)]
        compact = Doc(doc.vocab, words=words) if len(words) < len(doc) else doc
        for matcher in (self.any_case, self.as_written):
            for match_id, start, end in matcher(compact):
                hits.append(
                    Hit(
                        offset + starts[start],
                        offset + starts[end - 1] + len(words[end - 1]),
                        self.rules[vocab[match_id]],
                    )
                )
        for found, rule in self.patterns.finditer(text):
            hits.append(Hit(offset + found.start(), offset + found.end(), rule))
        return hits


class FirstMatch(Generic[T]):
    """Patterns, each with a value, scanned as one alternation without capture groups
    (a group per pattern slows every position of every record); each non-empty hit is
    given the value of the first pattern that matches where it starts, as the
    alternation itself would. The lexicon's patterns and the place cues use it."""

    def __init__(self, patterns: list[tuple[str, T]], flags: int = re.IGNORECASE) -> None:
        self.each = [(re.compile(pattern, flags), value) for pattern, value in patterns]
        self.regex = re.compile(_alternation([pattern for pattern, _ in patterns]), flags) if patterns else None

    def finditer(self, text: str) -> Iterator[tuple[re.Match[str], T]]:
        if self.regex is None:
            return
        for found in self.regex.finditer(text):
            if found.start() < found.end():
                yield found, next(value for pattern, value in self.each if pattern.match(text, found.start()))


def _alternation(patterns: list[str]) -> str:
    """One alternation of `patterns`, in order, with each run of patterns that open on a
    word boundary sharing one: `\\b(?:a|b)|c|\\b(?:d)`. The same matches, but a position
    inside a word fails once instead of once per pattern (most positions are)."""
    pieces: list[str] = []
    run: list[str] = []
    for pattern in patterns:
        if pattern.startswith(r"\b"):
            run.append(f"(?:{pattern[2:]})")
            continue
        if run:
            pieces.append(rf"\b(?:{'|'.join(run)})")
            run = []
        pieces.append(f"(?:{pattern})")
    if run:
        pieces.append(rf"\b(?:{'|'.join(run)})")
    return "|".join(pieces)
