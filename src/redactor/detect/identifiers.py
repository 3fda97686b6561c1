"""UK identifiers through one Presidio AnalyzerEngine fed the shared spaCy doc.

Presidio brings checked recognisers (NHS number with its Modulus 11 check, email)
and the context-word enhancer; our UK patterns come from models/patterns. The
engine never runs NLP itself: each call gets NlpArtifacts built from the doc the
pipeline already made, so tokenisation and NER happen once per document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import EmailRecognizer, NhsRecognizer
from spacy.attrs import IDX, IS_PUNCT, IS_STOP, LOWER
from spacy.language import Language
from spacy.tokens import Doc

from ..offline import use_bundled_suffix_list
from .resources import ModelDataError

BUILTINS = {"EmailRecognizer": EmailRecognizer, "NhsRecognizer": NhsRecognizer}


@dataclass(frozen=True, slots=True)
class IdentifierHit:
    start: int
    end: int
    entity: str
    score: float
    pattern: str


class _SharedDocEngine(SpacyNlpEngine):
    """An NLP engine wrapping the pipeline we already loaded (no second model)."""

    def __init__(self, nlp: Language) -> None:
        super().__init__(models=[{"lang_code": "en", "model_name": nlp.meta.get("name", "shared")}])
        self.nlp = {"en": nlp}

    def artifacts(self, doc: Doc) -> NlpArtifacts:
        """Artifacts from one array pass over the doc (Presidio's own walks every
        token several times and keeps its context keywords in a list)."""
        columns = doc.to_array([IDX, LOWER, IS_STOP, IS_PUNCT])
        strings = doc.vocab.strings
        lemmas = [strings[int(lower)] for lower in columns[:, 1]]
        artifacts = NlpArtifacts(
            entities=[],  # people are ours to judge, not Presidio's
            tokens=doc,
            tokens_indices=columns[:, 0].tolist(),
            lemmas=lemmas,
            nlp_engine=None,  # skips Presidio's keyword pass; ours follows
            language="en",
        )
        artifacts.nlp_engine = self
        # Same keywords as Presidio's (not stop words, not punctuation), as a set.
        artifacts.keywords = frozenset(  # type: ignore[assignment]
            part
            for lemma, stop, punct in zip(lemmas, columns[:, 2], columns[:, 3], strict=True)
            if not stop and not punct
            for part in lemma.split(":")
        )
        return artifacts


class _ContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's enhancer, finding a match's token by bisection rather than a walk
    over every token, and never putting record text in an error message."""

    @staticmethod
    def _find_index_of_match_token(word: str, start: int, tokens: Doc, tokens_indices: list[int]) -> int:
        index = max(0, bisect_right(tokens_indices, start) - 1)
        while index < len(tokens) and tokens_indices[index] + len(tokens[index]) <= start:
            index += 1
        if index >= len(tokens):
            raise ValueError("identifier match lies outside the document's tokens")
        return index


def build_analyzer(nlp: Language, config: dict[str, object]) -> tuple[AnalyzerEngine, _SharedDocEngine]:
    use_bundled_suffix_list()
    recognizers = []
    for spec in config.get("recognizers") or []:  # type: ignore[union-attr]
        entity = spec["entity"]
        if "builtin" in spec:
            cls = BUILTINS.get(spec["builtin"])
            if cls is None:
                raise ModelDataError(f"identifiers.yml: unknown builtin {spec['builtin']!r}")
            recognizers.append(cls(supported_entity=entity))
            continue
        patterns = [Pattern(p["name"], p["regex"], float(p["score"])) for p in spec["patterns"]]
        flags = re.MULTILINE if spec.get("case_sensitive") else re.MULTILINE | re.IGNORECASE
        recognizers.append(
            PatternRecognizer(
                supported_entity=entity,
                patterns=patterns,
                context=spec.get("context") or None,
                name=f"{entity.lower()}-recogniser",
                global_regex_flags=flags,
            )
        )
    engine = _SharedDocEngine(nlp)
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
    analyzer = AnalyzerEngine(
        registry=registry,
        nlp_engine=engine,
        supported_languages=["en"],
        context_aware_enhancer=_ContextEnhancer(),
    )
    return analyzer, engine


class IdentifierFinder:
    def __init__(self, nlp: Language, config: dict[str, object]) -> None:
        self.analyzer, self.engine = build_analyzer(nlp, config)

    def find(self, doc: Doc, offset: int = 0, text: str | None = None) -> list[IdentifierHit]:
        """Hits in `text` (the doc's own text unless a same-length original is given:
        the doc may be a truecased view, and patterns read the record as written)."""
        results = self.analyzer.analyze(
            text=doc.text if text is None else text,
            language="en",
            nlp_artifacts=self.engine.artifacts(doc),
            return_decision_process=True,
        )
        hits = []
        for result in results:
            explanation = result.analysis_explanation
            pattern = (explanation.pattern_name if explanation else None) or result.entity_type
            hits.append(
                IdentifierHit(
                    offset + result.start, offset + result.end, result.entity_type, result.score, pattern
                )
            )
        return hits
