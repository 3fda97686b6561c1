"""The annotated fixtures: built files in sync, and accuracy held at its measured level.

Two kinds of floor. On the batches redactor was tuned on, the issues' targets or the
scores measured when this was written less a small margin. On the blind batches
(`BLIND_BATCHES` in fixtures/build.py: scored blind, never tuned on), the scores
measured at the end of the work that added them, less a margin: these are regression
guards, not targets, and the README reports the first looks. A change that loses
recall fails here, and the known misses stay listed in `redactor eval --json` output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.cli import app

from .conftest import FIXTURES, ROOT

sys.path.insert(0, str(FIXTURES))
from build import BLIND_BATCHES, DEV_BATCHES

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
# Passages with half their characters flagged (issue 11), on the tuned fixtures.
COVERED_FLOORS = {
    "THIRD_PARTY_INFO": 0.92,
    "SAFEGUARDING": 0.97,
    "CLINICIAN_OPINION": 0.95,
    "SERIOUS_HARM": 0.94,
    "LEGALLY_RESTRICTED": 0.94,
    "SENSITIVE_HEALTH": 0.94,
}
CEILING_KEEP_FLAGGED = 0.03
# Blind batches: measured at the end of issue 10's second round (scores below), less a
# margin. They hold what was reached on text nobody tuned on; they are not targets.
BLIND_STYLES = ("caps_", "lower_", "dict_", "ooh_", "nurse_", "disch_")
BLIND_FLOORS = {  # names + identifiers at 90%, entries held: 0.964/0.98, 0.930/1.0, 0.894/0.978, 0.862/1.0
    BLIND_STYLES: {"third_party_names_and_identifiers_recall_covered": 0.95, "entries_held_when_needed": 0.98},
    ("fresh_",): {"third_party_names_and_identifiers_recall_covered": 0.91, "entries_held_when_needed": 0.97},
    ("cold_",): {"third_party_names_and_identifiers_recall_covered": 0.87, "entries_held_when_needed": 0.97},
    ("late_",): {"third_party_names_and_identifiers_recall_covered": 0.84, "entries_held_when_needed": 0.97},
    ("ebb_",): {"third_party_names_and_identifiers_recall_covered": 0.95, "entries_held_when_needed": 0.97},
    # issue 13's session: fog_ (first look 0.883 / 1.0, tuned on since), dusk_ (final check, 0.873 / 1.0)
    ("fog_",): {"third_party_names_and_identifiers_recall_covered": 0.86, "entries_held_when_needed": 0.97},
    ("dusk_",): {"third_party_names_and_identifiers_recall_covered": 0.85, "entries_held_when_needed": 0.97},
    # the next session: moor_ (final check 0.842 / 1.0, tuned on since), crag_ (first look 0.827 / 0.985)
    ("moor_",): {"third_party_names_and_identifiers_recall_covered": 0.86, "entries_held_when_needed": 0.97},
    ("crag_",): {"third_party_names_and_identifiers_recall_covered": 0.80, "entries_held_when_needed": 0.96},
    ("fell_",): {"third_party_names_and_identifiers_recall_covered": 0.76, "entries_held_when_needed": 0.97},  # 0.784 / 1.0
    ("pike_",): {"third_party_names_and_identifiers_recall_covered": 0.82, "entries_held_when_needed": 0.97},  # 0.837 / 1.0
    ("tarn_",): {"third_party_names_and_identifiers_recall_covered": 0.93, "entries_held_when_needed": 0.97},  # 0.950 / 1.0
    ("beck_",): {"third_party_names_and_identifiers_recall_covered": 0.87, "entries_held_when_needed": 0.97},  # 0.896 / 0.986
    ("sike_",): {"third_party_names_and_identifiers_recall_covered": 0.87, "entries_held_when_needed": 0.97},  # 0.896 / 0.983
}
# Passages at 50% on issue 11's final blind check, ebb_ (first look, less a margin):
# 0.818, 0.875, 0.867, 0.719, 0.750 (4 passages), 0.821. The sentence classifier retrained
# on the development batches finds one of its 15 opinions fewer (0.800) and more serious
# harm across the blind batches; the opinion floor followed it down.
BLIND_COVERED_FLOORS = {
    ("ebb_",): {
        "THIRD_PARTY_INFO": 0.78,
        "SAFEGUARDING": 0.83,
        "CLINICIAN_OPINION": 0.78,
        "SERIOUS_HARM": 0.68,
        "SENSITIVE_HEALTH": 0.78,
    },
}
BLIND_CEILINGS = {  # keep flagged 0.033, 0.065, 0.067, 0.044; routine flags/1k and false names/10k:
    # routine_ 3.92 and 9.8, plain_ 1.20 and 6.0, quiet_ 1.16 and 2.3
    BLIND_STYLES: {"keep_mentions_wrongly_flagged": 0.045},
    ("fresh_",): {"keep_mentions_wrongly_flagged": 0.08},
    ("cold_",): {"keep_mentions_wrongly_flagged": 0.08},
    ("late_",): {"keep_mentions_wrongly_flagged": 0.06},
    ("routine_",): {"flags_per_1k_words_on_clean_documents": 4.5, "false_names_per_10k_words": 12.0},
    ("plain_",): {"flags_per_1k_words_on_clean_documents": 2.0, "false_names_per_10k_words": 9.0},
    ("quiet_",): {"flags_per_1k_words_on_clean_documents": 2.0, "false_names_per_10k_words": 4.5},
    # issue 11's routine check: 0.70 flags per 1,000 words, 0.062 of entries held
    ("hush_",): {"flags_per_1k_words_on_clean_documents": 1.2, "entries_wrongly_held": 0.09},
    # issue 13's session, routine: lull_ 1.42 flags per 1,000 words and 0.081 of entries held
    # (first look), idle_ 0.47 and 0.027 (final check)
    ("lull_",): {"flags_per_1k_words_on_clean_documents": 1.8, "entries_wrongly_held": 0.11},
    ("idle_",): {"flags_per_1k_words_on_clean_documents": 0.9, "entries_wrongly_held": 0.06},
    # the next session's routine batches: rest_ 1.01 and 0.046 (final check), nook_ 1.07 and 0.097
    ("rest_",): {"flags_per_1k_words_on_clean_documents": 1.4, "entries_wrongly_held": 0.07},
    ("nook_",): {"flags_per_1k_words_on_clean_documents": 1.4, "entries_wrongly_held": 0.12},
    ("glen_",): {"flags_per_1k_words_on_clean_documents": 6.5, "entries_wrongly_held": 0.23},  # 5.36 and 0.193
    ("mere_",): {"flags_per_1k_words_on_clean_documents": 2.5, "entries_wrongly_held": 0.16},  # 2.10 and 0.141
    ("wold_",): {"flags_per_1k_words_on_clean_documents": 3.0, "entries_wrongly_held": 0.10},  # 2.46 and 0.075
    ("dale_",): {"flags_per_1k_words_on_clean_documents": 2.3, "entries_wrongly_held": 0.11},  # 1.82 and 0.083
    ("holm_",): {"flags_per_1k_words_on_clean_documents": 4.0, "entries_wrongly_held": 0.21},  # 3.29 and 0.175
}


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


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory) -> Path:
    report = tmp_path_factory.mktemp("scan") / "report.json"
    patients = str(FIXTURES / "patients.csv")
    CliRunner().invoke(
        app, ["scan", str(FIXTURES / "records"), "--patients", patients, "--json", str(report), "-q"]
    )
    return report


def scores_on(report: Path, prefixes: tuple[str, ...] | None, tmp_path: Path) -> dict:
    """`redactor eval` over the gold files of these batches (None: the tuned ones)."""
    blind = BLIND_BATCHES + DEV_BATCHES
    gold = [
        str(p)
        for p in sorted((FIXTURES / "gold").glob("*.json"))
        if (p.name.startswith(prefixes) if prefixes else not p.name.startswith(blind))
    ]
    scores_path = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["eval", str(report), *gold, "--json", str(scores_path)])
    assert result.exit_code == 0, result.output
    return json.loads(scores_path.read_text())


def test_accuracy_on_fixtures(fixture_report, tmp_path):
    scores = scores_on(fixture_report, None, tmp_path)
    for key, floor in FLOORS.items():
        assert scores[key] >= floor, (key, scores[key])
    for category, floor in RECALL_FLOORS.items():
        assert scores["recall"][category] >= floor, (category, scores["recall"][category])
    for category, floor in COVERED_FLOORS.items():
        assert scores["recall_covered"][category] >= floor, (category, scores["recall_covered"][category])
    assert scores["keep_mentions_wrongly_flagged"] <= CEILING_KEEP_FLAGGED


def test_accuracy_on_blind_batches_holds(fixture_report, tmp_path):
    for prefixes in {*BLIND_FLOORS, *BLIND_CEILINGS, *BLIND_COVERED_FLOORS}:
        scores = scores_on(fixture_report, prefixes, tmp_path)
        for category, floor in BLIND_COVERED_FLOORS.get(prefixes, {}).items():
            assert scores["recall_covered"][category] >= floor, (prefixes, category, scores["recall_covered"])
        for key, floor in BLIND_FLOORS.get(prefixes, {}).items():
            assert scores[key] >= floor, (prefixes, key, scores[key])
        for key, ceiling in BLIND_CEILINGS.get(prefixes, {}).items():
            assert scores[key] <= ceiling, (prefixes, key, scores[key])
