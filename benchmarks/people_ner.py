"""What the trained people NER adds, on text it never saw.

    python benchmarks/people_ner.py [--json benchmarks/results/people-ner.json]

Runs the same detector with each name model (`load_pipeline`'s choices: redactor's
own people NER, spaCy's en_core_web_sm NER, both, and rules alone with no model) over:

- the blind fixture batches (`BLIND_BATCHES` in fixtures/build.py: never tuned on,
  never trained on), scored with `redactor eval`'s measures: third-party names and
  identifiers with 90% of their characters flagged, patient/professional mentions
  flagged, false names per 10,000 words;
- the PhysioNet development half when `../shared` is present (relatives flagged,
  clinicians kept, false names), as benchmarks/external_physionet.py scores it;

and the words per second of each in one process over the same fixture text.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import external_physionet  # noqa: E402
from build import BLIND_BATCHES  # noqa: E402

from redactor.decide import decide_document, load_policy  # noqa: E402
from redactor.detect.pipeline import NER_CHOICES, Detector, load_pipeline  # noqa: E402
from redactor.detect.resources import load_models  # noqa: E402
from redactor.evaluate import evaluate_report  # noqa: E402
from redactor.ingest import InputFile, load_document  # noqa: E402
from redactor.ingest.patients import load_patient_list  # noqa: E402
from redactor.report.json_report import build_report, write_json_report  # noqa: E402


def run(detector: Detector, documents: list) -> float:  # type: ignore[type-arg]
    policy = load_policy()
    began = time.perf_counter()
    for start in range(0, len(documents), 16):
        chunk = documents[start : start + 16]
        detector.detect(chunk)
        for document in chunk:
            decide_document(document, policy)
    return time.perf_counter() - began


def fixtures(prefixes: tuple[str, ...]) -> tuple[list, list[Path]]:  # type: ignore[type-arg]
    patients = load_patient_list(ROOT / "fixtures" / "patients.csv")
    gold = sorted(p for p in (ROOT / "fixtures" / "gold").glob("*.json") if p.name.startswith(prefixes))
    documents = []
    for path in gold:
        record = ROOT / "fixtures" / json.loads(path.read_text())["record"]
        document = load_document(InputFile(record, str(record)))
        if (listed := patients.find(document)) is not None:
            document.patient = listed.merged(document.patient)
        documents.append(document)
    return documents, gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    models = load_models()
    corpus = external_physionet.CORPUS
    results: dict[str, dict[str, object]] = {}
    for choice in NER_CHOICES:
        detector = Detector(models, nlp=load_pipeline(models.root, choice))
        row: dict[str, object] = {}
        documents, gold = fixtures(BLIND_BATCHES)
        seconds = run(detector, documents)
        words = sum(len(d.text.split()) for d in documents)
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.json"
            write_json_report(report, build_report(documents, [], "patient-access"))
            scores = evaluate_report(report, gold)
        row["blind_batches"] = {
            "documents": len(documents),
            "names_and_identifiers_90pct": scores["third_party_names_and_identifiers_recall_covered"],
            "THIRD_PARTY_NAME_90pct": scores["recall_covered"].get("THIRD_PARTY_NAME"),
            "patient_professional_flagged": scores["keep_mentions_wrongly_flagged"],
            "false_names_per_10k_words": scores["false_names_per_10k_words"],
            "words_per_second": round(words / seconds),
        }
        if (corpus / "gold.jsonl").is_file():
            paths, gold_notes = external_physionet.load_corpus(corpus)
            notes = [load_document(InputFile(p, p.name)) for p in paths]
            run(detector, notes)
            flags = {
                p.name: [
                    {"start": f.start, "end": f.end, "category": str(f.category)}
                    for f in doc.findings
                    if str(f.action) in ("redact", "review")
                ]
                for p, doc in zip(paths, notes, strict=True)
            }
            physionet = external_physionet.score(paths, gold_notes, flags)
            row["physionet_dev"] = {
                k: physionet[k]
                for k in ("relatives_flagged", "clinicians_kept", "patient_names_flagged", "false_names_per_10k_words")
            }
        results[choice] = row
        print(choice, json.dumps(row))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
