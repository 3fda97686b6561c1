"""Rebuild redactor's sentence classifier from scratch: corpus, training, thresholds.

    python recipes/passages/build.py [--steps 3000] [--out models/passages]

1. Corpus. Every record written for this purpose (`training/passages/*.txt`: helpers'
   records in six voices, most of their lines hard negatives) and the text and PDF
   fixtures of every batch redactor's rules were already tuned on (`fixtures/src`, the
   development batches included). Never the blind batches (`BLIND_BATCHES`): they
   measure the whole detector. Each record is split into units by redactor's own
   splitter (`detect/sentences.py`), so training sees what scanning sees; a unit
   belongs to a category when a gold passage of it covers half the unit, or the unit
   holds half the gold passage (keyword-sized gold in the older fixtures).
2. Split by record, never by sentence: a stable hash of the file name puts one record
   in ten into dev (early stopping, thresholds) and one in ten into test (scored once,
   in `SOURCE.md`). Training units get an ALL-CAPS copy one time in five.
3. Thresholds per category, chosen on the dev split: the lowest whose precision is at
   least 0.7, never below 0.5; written to `thresholds.yml`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import spacy
import yaml
from spacy.tokens import DocBin

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT / "recipes"))
sys.path.insert(0, str(ROOT / "src"))

from build import parse_markup  # noqa: E402  (the fixtures' markup reader)
from shared import fixture_sources, size_mb, train_and_install  # noqa: E402

from redactor.detect.passages import unit_texts  # noqa: E402
from redactor.detect.sentences import SentenceRules, Sentences  # noqa: E402
from redactor.model import PASSAGE_CATEGORIES  # noqa: E402

LABELS = sorted(str(c) for c in PASSAGE_CATEGORIES)
MIN_PRECISION = 0.7
LOWEST = 0.5


def records() -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "training" / "passages").glob("*.txt")):
        yield path.name, path.read_text(encoding="utf-8")
    yield from fixture_sources()


def labelled_units(name: str, marked: str, rules: SentenceRules) -> list[tuple[str, dict[str, float]]]:
    text, spans = parse_markup(marked, name)
    passages = [s for s in spans if s["category"] in LABELS]
    out = []
    for (start, end), unit in unit_texts(text, Sentences(text, rules)):
        cats = dict.fromkeys(LABELS, 0.0)
        for span in passages:
            overlap = min(end, span["end"]) - max(start, span["start"])
            if overlap > 0 and (overlap * 2 >= end - start or overlap * 2 >= span["end"] - span["start"]):
                cats[span["category"]] = 1.0
        out.append((unit, cats))
    return out


def split(name: str) -> str:
    bucket = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10
    return {0: "test", 1: "dev"}.get(bucket, "train")


def thresholds(nlp: spacy.Language, units: list[tuple[str, dict[str, float]]]) -> dict[str, float]:
    """Per category, the lowest threshold whose precision on `units` is at least MIN_PRECISION."""
    predicted = [doc.cats for doc in nlp.pipe(text for text, _ in units)]
    out = {}
    for label in LABELS:
        pairs = sorted(((p[label], gold[label]) for p, (_, gold) in zip(predicted, units, strict=True)), reverse=True)
        chosen = 0.9
        for threshold in [x / 100 for x in range(90, int(LOWEST * 100) - 1, -5)]:
            above = [g for p, g in pairs if p >= threshold]
            if above and sum(above) / len(above) >= MIN_PRECISION:
                chosen = threshold
        out[label] = chosen
    return out


def score(nlp: spacy.Language, units: list[tuple[str, dict[str, float]]], cut: dict[str, float]) -> dict:
    predicted = [doc.cats for doc in nlp.pipe(text for text, _ in units)]
    out = {}
    for label in LABELS:
        tp = sum(p[label] >= cut[label] and g[label] for p, (_, g) in zip(predicted, units, strict=True))
        fp = sum(p[label] >= cut[label] and not g[label] for p, (_, g) in zip(predicted, units, strict=True))
        fn = sum(p[label] < cut[label] and g[label] for p, (_, g) in zip(predicted, units, strict=True))
        out[label] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "positives": int(tp + fn),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "passages")
    parser.add_argument("--work", type=Path, default=ROOT / "out" / "passages")
    parser.add_argument("--config", type=Path, default=HERE / "config.cfg")
    args = parser.parse_args()
    random.seed(7)
    rules = SentenceRules.load(ROOT / "models" / "patterns" / "sentences.yml")
    nlp = spacy.blank("en")
    parts: dict[str, list[tuple[str, dict[str, float]]]] = {"train": [], "dev": [], "test": []}
    record_counts = dict.fromkeys(parts, 0)
    for name, marked in records():
        part = split(name)
        record_counts[part] += 1
        units = labelled_units(name, marked, rules)
        parts[part].extend(units)
        if part == "train":
            parts[part].extend((text.upper(), cats) for text, cats in units if random.random() < 0.2)
    args.work.mkdir(parents=True, exist_ok=True)
    for part in ("train", "dev"):
        docbin = DocBin()
        for text, cats in parts[part]:
            doc = nlp.make_doc(text)
            doc.cats = cats
            docbin.add(doc)
        docbin.to_disk(args.work / f"{part}.spacy")
    summary = {
        part: {"records": record_counts[part], "units": len(units), "positive": {
            label: int(sum(c[label] for _, c in units)) for label in LABELS
        }}
        for part, units in parts.items()
    }
    print(json.dumps(summary))
    best = spacy.load(train_and_install(args.config, args.work, args.steps, args.out))
    cut = thresholds(best, parts["dev"])
    test = score(best, parts["test"], cut)
    (args.out / "thresholds.yml").write_text(
        "# Per-category thresholds chosen on the dev split by recipes/passages/build.py:\n"
        f"# the lowest whose precision is at least {MIN_PRECISION}, never below {LOWEST}.\n"
        + yaml.safe_dump({"thresholds": cut}, sort_keys=True),
        encoding="utf-8",
    )
    (args.out / "SOURCE.md").write_text(
        "# redactor sentence classifier\n\n"
        "Built by `python recipes/passages/build.py` from `recipes/passages/config.cfg`.\n"
        "Corpus: `training/passages/*.txt` and the text/PDF fixtures of every batch the rules\n"
        "were tuned on in `fixtures/src` (never a blind batch, never an external corpus),\n"
        "split into units by redactor's own splitter; split by record (1 in 10 dev, 1 in 10\n"
        "test); an ALL-CAPS copy of one training unit in five.\n\n"
        f"Corpus: {json.dumps(summary)}\n\n"
        f"Thresholds (dev): {json.dumps(cut)}\n\n"
        f"Test split, per unit: {json.dumps(test)}\n",
        encoding="utf-8",
    )
    print(f"model in {args.out}: {size_mb(args.out):.1f} MB; test {json.dumps(test)}")


if __name__ == "__main__":
    main()
