"""What the sentence classifier adds over the lexicons alone, on text it never saw.

    python benchmarks/passages.py [--batches blind|dev] [--json benchmarks/results/passages.json]

Runs the same detector twice, with and without the sentence classifier
(`models/passages`), over fixture batches: `blind` (`BLIND_BATCHES`: never tuned on
and never trained on, the honest measure) or `dev` (`DEV_BATCHES`: what the rules were
tuned on and, since the models were retrained on them, what the classifier learnt
from: a check, not a measure). Records with sensitive passages and routine
consultations (no gold passage) are scored apart, with `redactor eval`'s measures: each
passage category's recall with at least half its characters flagged, entries caught
and wrongly held, clean documents with no flag, flags per 1,000 words on clean
documents; and words per second.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from build import BLIND_BATCHES, DEV_BATCHES  # noqa: E402
from people_ner import fixtures, run  # noqa: E402

from redactor.detect.pipeline import Detector  # noqa: E402
from redactor.evaluate import evaluate_report  # noqa: E402
from redactor.model import PASSAGE_CATEGORIES  # noqa: E402
from redactor.report.json_report import build_report, write_json_report  # noqa: E402

PASSAGES = sorted(str(c) for c in PASSAGE_CATEGORIES)


def scores_for(documents: list, gold: list[Path]) -> dict[str, object]:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        write_json_report(report, build_report(documents, [], "patient-access"))
        scores = evaluate_report(report, gold)
    covered = scores["recall_covered"]
    return {
        "documents": scores["documents"],
        "passage_recall_50pct": {c: covered.get(c) for c in PASSAGES if c in covered},  # type: ignore[union-attr]
        "gold_passages": {c: n for c, n in scores["gold_spans"].items() if c in PASSAGES},  # type: ignore[union-attr]
        "entries_held_when_needed": scores["entries_held_when_needed"],
        "entries_wrongly_held": scores["entries_wrongly_held"],
        "clean_documents_without_flags": scores["clean_documents_without_flags"],
        "flags_per_1k_words_on_clean_documents": scores["flags_per_1k_words_on_clean_documents"],
        "notes_per_1k_words": scores["notes_per_1k_words"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", choices=("blind", "dev"), default="blind")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    prefixes = BLIND_BATCHES if args.batches == "blind" else DEV_BATCHES
    detector = Detector()
    classifier = detector.passages.classifier
    if classifier is None:
        raise SystemExit("no sentence classifier in models/passages: run python recipes/passages/build.py")
    results: dict[str, dict[str, object]] = {}
    for label, model in (("lexicons", None), ("lexicons+classifier", classifier)):
        detector.passages.classifier = model
        documents, gold = fixtures(prefixes)
        seconds = run(detector, documents)
        sensitive = [(d, g) for d, g in zip(documents, gold, strict=True) if _has_passages(g)]
        routine = [(d, g) for d, g in zip(documents, gold, strict=True) if not _has_sensitive(g)]
        results[label] = {
            "records_with_passages": scores_for([d for d, _ in sensitive], [g for _, g in sensitive]),
            "routine_records": scores_for([d for d, _ in routine], [g for _, g in routine]),
            "words_per_second": round(sum(len(d.text.split()) for d in documents) / seconds),
        }
        print(label, json.dumps(results[label]))
    if args.json:
        args.json.write_text(json.dumps({args.batches: results}, indent=1) + "\n", encoding="utf-8")


def _spans(gold: Path) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(gold.read_text(encoding="utf-8"))["spans"]


def _has_passages(gold: Path) -> bool:
    return any(s["category"] in PASSAGES for s in _spans(gold))


def _has_sensitive(gold: Path) -> bool:
    return any(s["category"] not in ("PATIENT_IDENTIFIER", "PROFESSIONAL") for s in _spans(gold))


if __name__ == "__main__":
    main()
