"""Passage findings: the sentence or journal line that carries sensitive
content, not the keyword that found it.

A subject-access copy keeps what a finding does not cover, so a keyword finding
("MARAC referral") would release the rest of its sentence. Every finding in a
passage category is widened to its unit (`sentences.py`), keeps the words that
triggered it as `evidence`, and is read in context: negated (negspacy's NegEx with
`models/context/negation.yml`) or family history told by the patient (the same
algorithm with `models/context/family.yml`, ConText's experiencer axis). Those, with
nothing else sensitive in the passage, are the quiet tier. The sentence classifier
(`classifier.py`) adds passages no word list holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import spacy
import yaml
from negspacy.negation import Negex  # noqa: F401  (registers the "negex" factory)
from negspacy.termsets import termset

from ..model import PASSAGE_CATEGORIES, Category, Finding, union_spans
from .classifier import Scores, SentenceClassifier
from .sentences import SentenceRules, Sentences

NEGATED_FACTOR = 0.4
# Found word-exact, never widened: a refuge's address, a coded entry's term.
WORD_EXACT_RULES = ("identifiers/", "codes/")
THIRD_PARTY = frozenset({Category.THIRD_PARTY_NAME, Category.THIRD_PARTY_IDENTIFIER})
# A relative's news as the patient told it; what a third party told the practice, or
# their convictions, always wait for a person.
QUIET_RULES = frozenset({"THIRD_PARTY_INFO/about-a-relative"})
PARENT_RULES = QUIET_RULES | {"THIRD_PARTY_INFO/reported-by-third-party"}
AXES = ("negation", "family")
# Negation changes these. Not serious harm, whose cues are negations ("not yet told",
# "do not discuss"), nor sensitive health or legally restricted: a negative HIV test or
# chlamydia screen is as sensitive as a positive one.
NEGATABLE = frozenset({Category.SAFEGUARDING, Category.CLINICIAN_OPINION, Category.THIRD_PARTY_INFO})
WORDS = re.compile(r"[A-Za-z]+")
MIN_WORDS = 5


class Context:
    """Whether evidence is negated or experienced by the patient's family, by NegEx."""

    def __init__(self, folder: Path) -> None:
        self.nlp = spacy.blank("en")
        family = yaml.safe_load((folder / "family.yml").read_text(encoding="utf-8"))
        self.told_us = _words(family["told_us"])
        self.parents = _words(family["parents"])
        self.never_quiet = _words(family["never_quiet"])
        self.young_child_years = int(family["young_child_years"])
        self.routine_below = float(family["routine_below"])
        self.scopes: dict[str, tuple[int, int]] = {}
        for axis in AXES:
            data = yaml.safe_load((folder / f"{axis}.yml").read_text(encoding="utf-8"))
            self.scopes[axis] = (int(data["scope_before"]), int(data["scope_after"]))
            terms = termset(data["base"]).get_patterns() if data["base"] != "none" else {}
            dropped = {term.lower() for term in data["exclude"]}
            merged = {
                key: sorted({t for t in terms.get(key, ()) if t.lower() not in dropped} | set(data[key]))
                for key in ("pseudo_negations", "preceding_negations", "following_negations", "termination")
            }
            self.nlp.add_pipe(
                "negex",
                name=axis,
                config={
                    "neg_termset": merged,
                    "span_keys": ["evidence"],
                    "extension_name": f"redactor_{axis}",
                },
            )

    def read(self, axis: str, text: str, start: int, end: int, evidence: tuple[tuple[int, int], ...]) -> bool:
        """For the passage text[start:end]: is all its evidence negated ("negation"), or
        all about the patient's family ("family")? Each piece of evidence is read only
        within the axis's scope around it (ConText's max scope), as one sentence."""
        return bool(evidence) and all(self._read_one(axis, text, start, end, s, e) for s, e in evidence)

    def _read_one(self, axis: str, text: str, start: int, end: int, s: int, e: int) -> bool:
        before, after = self.scopes[axis]
        left, right = max(start, s - before), min(end, e + after)
        doc = self.nlp.make_doc(text[left:right])
        span = doc.char_span(max(0, s - left), min(right, e) - left, alignment_mode="expand")
        if span is None:
            return False
        for token in doc:
            token.is_sent_start = token.i == 0
        doc.spans["evidence"] = [span]
        doc = self.nlp.get_pipe(axis)(doc)
        return bool(doc.spans["evidence"][0]._.get(f"redactor_{axis}"))


def _words(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


class Passages:
    def __init__(self, models_root: Path) -> None:
        self.rules = SentenceRules.load(models_root / "patterns" / "sentences.yml")
        self.context = Context(models_root / "context")
        self.classifier = SentenceClassifier.load(models_root / "passages")

    def sentences(self, text: str) -> Sentences:
        return Sentences(text, self.rules)

    def scores(self, units: list[list[tuple[tuple[int, int], str]]]) -> list[Scores]:
        """The classifier's probabilities for each document's units, in one pass."""
        if self.classifier is None:
            return [{} for _ in units]
        flat = self.classifier.scores([((i, span), text) for i, doc_units in enumerate(units) for span, text in doc_units])
        out: list[Scores] = [{} for _ in units]
        for (document, span), categories in flat.items():
            out[document][span] = categories
        return out

    def build(
        self,
        text: str,
        findings: list[Finding],
        sentences: Sentences,
        scores: Scores,
        age_at: Callable[[int], int | None] = lambda _: None,
    ) -> list[Finding]:
        """Widen passage findings to their units, add the classifier's, mark the quiet tier.

        `scores` maps a unit (start, end) to the classifier's {category: probability};
        `age_at` gives the patient's age in years at a position of the text, if known."""
        out: list[Finding] = []
        by_unit: dict[tuple[int, int, Category], Finding] = {}
        for finding in findings:
            if finding.category not in PASSAGE_CATEGORIES or finding.rule.startswith(WORD_EXACT_RULES):
                out.append(finding)
                continue
            start, end = sentences.around(finding.start, finding.end)
            evidence = union_spans(finding.evidence or ((finding.start, finding.end),))
            key = (start, end, finding.category)
            if (same := by_unit.get(key)) is not None:  # one finding per passage and category
                best = same if same.score >= finding.score else finding
                evidence = union_spans((*same.evidence, *evidence))
                by_unit[key] = best.with_(start=start, end=end, text=text[start:end], evidence=evidence)
            else:
                by_unit[key] = finding.with_(start=start, end=end, text=text[start:end], evidence=evidence)
        confident = self.classifier.confident if self.classifier else lambda _: {}
        for (start, end), probabilities in scores.items():
            for category, probability in confident(probabilities).items():
                key = (start, end, category)
                if (same := by_unit.get(key)) is not None:
                    by_unit[key] = same.with_(
                        reason=f"{same.reason} (sentence classifier {probability:.2f} agrees)"
                    )
                else:
                    by_unit[key] = Finding(
                        start,
                        end,
                        text[start:end],
                        category,
                        round(probability, 3),
                        "passages/sentence-classifier",
                        f"sentence classifier {probability:.2f}: {category.lower().replace('_', ' ')}",
                        evidence=((start, end),),
                    )
        people = [f for f in out if f.category in THIRD_PARTY]
        passages = list(by_unit.values())
        return out + [self._in_context(text, p, passages, people, scores, age_at) for p in passages]

    def _in_context(
        self,
        text: str,
        passage: Finding,
        passages: list[Finding],
        people: list[Finding],
        scores: Scores,
        age_at: Callable[[int], int | None],
    ) -> Finding:
        if passage.rule == "passages/sentence-classifier":
            return passage
        if passage.category not in NEGATABLE:
            return passage
        if self.context.read("negation", text, passage.start, passage.end, passage.evidence):
            if passage.category is Category.SAFEGUARDING:  # never dropped: a low-score look
                return passage.with_(
                    score=round(passage.score * NEGATED_FACTOR, 3),
                    reason=passage.reason + " (negated or closed here, so a lower score: check the wording)",
                )
            return passage.with_(quiet=True, reason=passage.reason + " (negated here: a note, holds nothing)")
        if passage.category is not Category.THIRD_PARTY_INFO:
            return passage
        age = age_at(passage.start)
        parent_of_child = (
            age is not None
            and age < self.context.young_child_years
            and passage.rule in PARENT_RULES
            and any(self.context.parents.search(text, s, e) for s, e in passage.evidence)
        )
        family = self.context.read("family", text, passage.start, passage.end, passage.evidence)
        if not (family or passage.rule in QUIET_RULES or parent_of_child):
            return passage
        if self.context.never_quiet.search(text, passage.start, passage.end):
            return passage  # a relative's private business, not family history
        probabilities = scores.get((passage.start, passage.end), {})
        told_us = any(self.context.told_us.search(text, s, e) for s, e in passage.evidence)
        routine = probabilities.get(Category.THIRD_PARTY_INFO, 1.0) < self.context.routine_below
        if told_us and not (parent_of_child or routine):
            return passage  # a relative told the practice something that may be theirs to tell
        confident = self.classifier.confident(probabilities) if self.classifier else {}
        alone = (
            not any(p.start < passage.end and passage.start < p.end for p in people)
            and not any(
                other.category is not Category.THIRD_PARTY_INFO
                and other.start < passage.end
                and passage.start < other.end
                for other in passages
            )
            and Category.THIRD_PARTY_INFO not in confident
        )
        if not alone:
            return passage
        why = (
            "a parent giving a young child's history"
            if parent_of_child
            else f"a relative's routine part in the patient's care (sentence classifier "
            f"{probabilities[Category.THIRD_PARTY_INFO]:.2f} for third-party information)"
            if told_us
            else "family history"
            if family
            else "the patient's own account of a relative"
        )
        return passage.with_(
            quiet=True, reason=f"{passage.reason} ({why}, with nothing else sensitive: a note)"
        )


def unit_texts(text: str, sentences: Sentences) -> list[tuple[tuple[int, int], str]]:
    """The units worth classifying: five words at least. Headings, bare values and
    dosage lines ("Two puffs when required") are not passages, and a classifier of
    this size guesses wildly on them; short cues ("?NAI") are the lexicons' job."""
    return [((s, e), text[s:e]) for s, e in sentences.units if len(WORDS.findall(text, s, e)) >= MIN_WORDS]
