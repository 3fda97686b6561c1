"""The annotated fixtures: built files in sync, and accuracy held at its measured level.

The floors are the issue's targets, or the scores measured when this was written
less a small margin where those are higher: a change that loses recall fails
here, and the known misses stay listed in `redactor eval --json` output.
"""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from redactor.cli import app

from .conftest import FIXTURES, ROOT

FLOORS = {
    "third_party_names_and_identifiers_recall": 0.97,
    "flag_precision": 0.80,
    "documents_needing_review_flagged": 1.0,
    "clean_documents_without_flags": 0.85,
    "entries_correctly_triaged": 0.90,
}
RECALL_FLOORS = {
    "THIRD_PARTY_NAME": 0.975,
    "THIRD_PARTY_IDENTIFIER": 0.90,
    "THIRD_PARTY_INFO": 0.90,
    "SAFEGUARDING": 0.97,
    "CLINICIAN_OPINION": 0.95,
    "SERIOUS_HARM": 0.94,
    "LEGALLY_RESTRICTED": 0.94,
    "SENSITIVE_HEALTH": 0.94,
}
CEILING_KEEP_FLAGGED = 0.03


def test_built_fixtures_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(FIXTURES / "build.py"), "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr


def test_fixture_set_shape():
    golds = [json.loads(p.read_text()) for p in (FIXTURES / "gold").glob("*.json")]
    assert len(golds) >= 30
    assert len({g["style"] for g in golds}) >= 6
    assert sum(g["record"].endswith(".pdf") for g in golds) >= 3
    assert sum(not g["sensitive"] for g in golds) >= len(golds) / 4


def test_accuracy_on_fixtures(tmp_path):
    runner = CliRunner()
    report = tmp_path / "report.json"
    scores_path = tmp_path / "scores.json"
    patients = str(FIXTURES / "patients.csv")
    runner.invoke(
        app, ["scan", str(FIXTURES / "records"), "--patients", patients, "--json", str(report), "-q"]
    )
    result = runner.invoke(app, ["eval", str(report), str(FIXTURES / "gold"), "--json", str(scores_path)])
    assert result.exit_code == 0, result.output
    scores = json.loads(scores_path.read_text())
    for key, floor in FLOORS.items():
        assert scores[key] >= floor, (key, scores[key])
    for category, floor in RECALL_FLOORS.items():
        assert scores["recall"][category] >= floor, (category, scores["recall"][category])
    assert scores["keep_mentions_wrongly_flagged"] <= CEILING_KEEP_FLAGGED
