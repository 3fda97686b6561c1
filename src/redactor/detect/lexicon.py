"""Match every lexicon rule in one pass: two PhraseMatchers and one combined regex.

Compiling all phrases into one spaCy PhraseMatcher (and all patterns into one
alternation) keeps the cost flat as the word lists grow, unlike a regex per term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.attrs import IDX, IS_SPACE, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .resources import LexiconRule


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
        # Patterns are scanned as one alternation without capture groups (capturing
        # slows every position); the few places that match are then attributed to
        # the first pattern that matches there, as the alternation itself would.
        self.patterns: list[tuple[re.Pattern[str], LexiconRule]] = []
        for rule in rules:
            if rule.phrases:
                self.any_case.add(rule.name, list(nlp.tokenizer.pipe(rule.phrases)))
            if rule.exact:
                self.as_written.add(rule.name, list(nlp.tokenizer.pipe(rule.exact)))
            self.patterns.extend((re.compile(pattern, re.IGNORECASE), rule) for pattern in rule.patterns)
        self.regex = re.compile(_alternation([p.pattern for p, _ in self.patterns]), re.IGNORECASE) if self.patterns else None

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
        if self.regex is not None:
            for found in self.regex.finditer(text):
                if found.start() == found.end():
                    continue
                rule = next(rule for pattern, rule in self.patterns if pattern.match(text, found.start()))
                hits.append(Hit(offset + found.start(), offset + found.end(), rule))
        return hits


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
