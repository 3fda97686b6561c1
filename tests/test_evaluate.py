from __future__ import annotations

import json

from redactor.evaluate import evaluate_report

from .conftest import FIXTURES


def _report_from_gold(policy_actions: dict[str, str], drop: str | None = None) -> dict:
    documents = []
    for path in sorted((FIXTURES / "gold").glob("*.json")):
        gold = json.loads(path.read_text())
        findings = [
            {
                **span,
                "action": policy_actions[span["category"]],
                "score": 1.0,
                "rule": "gold",
                "reason": "gold",
            }
            for span in gold["spans"]
            if span["category"] != drop
        ]
        documents.append({"path": gold["record"], "entries": [], "findings": findings})
    return {"schema": 1, "policy": "patient-access", "documents": documents, "errors": []}


def test_gold_scores_perfectly_and_a_dropped_category_scores_zero(tmp_path, policy):
    actions = {str(c): str(a) for c, a in policy.actions.items()}
    report = tmp_path / "r.json"
    report.write_text(json.dumps(_report_from_gold(actions)))
    scores = evaluate_report(report, [FIXTURES / "gold"])
    assert set(scores["recall"].values()) == {1.0}
    assert scores["flag_precision"] == 1.0
    assert scores["keep_mentions_wrongly_flagged"] == 0.0
    report.write_text(json.dumps(_report_from_gold(actions, drop="SAFEGUARDING")))
    scores = evaluate_report(report, [FIXTURES / "gold"])
    assert scores["recall"]["SAFEGUARDING"] == 0.0
