"""Rebuild redactor's people NER from scratch: corpus, training, and the shipped model.

    python recipes/people_ner/build.py [--steps 8000] [--out models/ner/people]

1. Corpus. Every annotated record written for this purpose (`training/people/*.txt`,
   helpers' notes in many voices and layouts) and the text and PDF fixtures of every
   batch redactor's rules were already tuned on (`fixtures/src`, the development
   batches included: once tuned on they measure nothing unseen), with every person's
   name (third party, professional or patient: who they are is the rules' job) as a
   NAME entity, without the title, role or relation word an annotation may carry
   ("Dr Anita PATEL" -> "Anita PATEL"). The blind batches (`BLIND_BATCHES` in
   fixtures/build.py) and all external corpora are never read: they are the test.
2. Split by record, never by sentence: a stable hash of the file name puts one record
   in seven into dev.
3. Training: spaCy's NER over a small hash-embedding CNN (`config.cfg`), with a case
   augmenter that adds ALL-CAPS and all-lower-case copies of records (level 0.4), so
   capital letters stop being the evidence.
4. The best model on dev is copied to `models/ner/people` (a few MB) with a
   `SOURCE.md` that records the corpus and the scores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT / "recipes"))

from build import parse_markup  # noqa: E402  (the fixtures' own markup reader)
from shared import fixture_sources, size_mb, train_and_install  # noqa: E402

NAME_CODES = {"THIRD_PARTY_NAME", "PROFESSIONAL", "PATIENT_IDENTIFIER"}


def _lead_words() -> frozenset[str]:
    """Courtesy titles, role words and relation words (from redactor's own lists) that a
    fixture annotation may carry before the name ("Dr Anita PATEL", "SW Helen Brooks",
    "mum Karen"): never part of the NAME entity. Only these: a forename is not a title."""
    words = {"mr", "mrs", "ms", "miss", "mx", "master", "the", "my", "his", "her", "their"}
    for name in ("professionals.txt", "relations.txt"):
        for line in (ROOT / "models" / "people" / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                words.update(w.strip(".").lower() for w in line.split())
    return frozenset(words)


LEAD_WORDS = _lead_words()
LEAD = re.compile(r"\S+[ \t]+")


@spacy.registry.augmenters("redactor.case_augmenter.v1")
def create_case_augmenter(level: float) -> Callable[[Language, Example], Iterator[Example]]:
    """Yield each example, and with probability `level` an ALL-CAPS or all-lower copy."""

    def augment(nlp: Language, example: Example) -> Iterator[Example]:
        yield example
        if random.random() >= level:
            return
        upper = random.random() < 0.5
        data = example.to_dict()
        data["token_annotation"]["ORTH"] = [t.text.upper() if upper else t.lower_ for t in example.reference]
        text = example.text.upper() if upper else example.text.lower()
        yield example.from_dict(nlp.make_doc(text), data)

    return augment


def records() -> Iterator[tuple[str, str]]:
    """(name, marked text) of every record the model may learn from."""
    for path in sorted((ROOT / "training" / "people").glob("*.txt")):
        yield path.name, path.read_text(encoding="utf-8")
    yield from fixture_sources()


def name_span(text: str, span: dict) -> tuple[int, int] | None:  # type: ignore[type-arg]
    """A span's name part: titles and role words dropped (annotators put them inside
    professionals' spans); identifiers, lists and names broken over a line skipped."""
    start, end = int(span["start"]), int(span["end"])
    value = text[start:end]
    if any(c.isdigit() for c in value) or "," in value or "\n" in value.strip():
        return None
    while (lead := LEAD.match(text, start, end)) and lead.group().strip().strip(".:,").lower() in LEAD_WORDS:
        start = lead.end()
    if not text[start:end][:1].isalpha():
        return None
    while start < end and not text[end - 1].isalpha():
        end -= 1
    return (start, end) if end > start else None


def to_doc(nlp: Language, name: str, marked: str) -> Doc:
    text, spans = parse_markup(marked, name)
    doc = nlp.make_doc(text)
    entities = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        if span["category"] not in NAME_CODES:
            continue
        bounds = name_span(text, span)
        if bounds is None:
            continue
        entity = doc.char_span(*bounds, label="NAME", alignment_mode="contract")
        if entity is None or taken & set(range(entity.start, entity.end)):
            continue
        taken.update(range(entity.start, entity.end))
        entities.append(entity)
    doc.ents = entities
    return doc


def split(name: str) -> str:
    return "dev" if int(hashlib.sha256(name.encode()).hexdigest(), 16) % 7 == 0 else "train"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=8000)
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "ner" / "people")
    parser.add_argument("--work", type=Path, default=ROOT / "out" / "people_ner")
    args = parser.parse_args()
    random.seed(7)
    nlp = spacy.blank("en")
    bins = {"train": DocBin(), "dev": DocBin()}
    counts = {"train": [0, 0, 0], "dev": [0, 0, 0]}  # records, words, names
    for name, marked in records():
        doc = to_doc(nlp, name, marked)
        part = split(name)
        bins[part].add(doc)
        counts[part][0] += 1
        counts[part][1] += sum(not t.is_space and not t.is_punct for t in doc)
        counts[part][2] += len(doc.ents)
    args.work.mkdir(parents=True, exist_ok=True)
    for part, docbin in bins.items():
        docbin.to_disk(args.work / f"{part}.spacy")
        print(f"{part}: {counts[part][0]} records, {counts[part][1]} words, {counts[part][2]} names")
    train_and_install(HERE / "config.cfg", args.work, args.steps, args.out)
    scores = json.loads((args.out / "meta.json").read_text())["performance"]
    (args.out / "SOURCE.md").write_text(
        "# redactor people NER\n\n"
        "Built by `python recipes/people_ner/build.py` from `recipes/people_ner/config.cfg`.\n"
        "Corpus: `training/people/*.txt` and the text/PDF fixtures of every batch the rules\n"
        "were tuned on in `fixtures/src`, development batches included (never a blind batch,\n"
        "never an external corpus), every person's name as NAME; split by record (one in\n"
        "seven to dev); case augmentation.\n\n"
        f"Records/words/names: train {counts['train']}, dev {counts['dev']}.\n"
        f"Dev scores: precision {scores['ents_p']:.3f}, recall {scores['ents_r']:.3f}, F {scores['ents_f']:.3f}.\n",
        encoding="utf-8",
    )
    print(f"model in {args.out}: {size_mb(args.out):.1f} MB; dev P {scores['ents_p']:.3f} R {scores['ents_r']:.3f}")


if __name__ == "__main__":
    main()
