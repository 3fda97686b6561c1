"""Decisions, the review loop driven by scripted keys, the gate, and the audit trail."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from redactor.cli import app
from redactor.decide.decisions import Decisions, load_key
from redactor.review.session import ReviewSession
from redactor.review.terminal import run

from .conftest import ROOT

RECORD = (
    "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988\n\n"
    "12-Mar-2024 10:32  Dr Anita PATEL (GP)  Face to face\n"
    "Mum (Karen Jones) rang worried. MARAC referral made today.\n\n"
    "20-Mar-2024 11:00  Dr Anita PATEL (GP)  Telephone\n"
    "Smelt of alcohol. BP 128/84.\n"
)
runner = CliRunner()


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv("REDACTOR_KEY_FILE", str(tmp_path / "key" / "practice.key"))
    record = tmp_path / "records" / "record.txt"
    record.parent.mkdir()
    record.write_text(RECORD)
    return tmp_path, record, tmp_path / "decisions.json"


def scan_json(record, decisions):
    out = record.parent.parent / "report.json"
    runner.invoke(app, ["scan", str(record), "--decisions", str(decisions), "--json", str(out), "-q"])
    return json.loads(out.read_text())["documents"][0]


def check(record, decisions, *extra):
    return runner.invoke(app, ["check", str(record), "--decisions", str(decisions), *extra])


def session_for(record, decisions, detector, policy, by="flag"):
    from redactor.decide.decisions import apply_decisions
    from redactor.ingest import InputFile
    from redactor.scan import scan

    book = Decisions.load(decisions)
    key = load_key()
    result = scan(
        [InputFile(record, str(record))], detector, policy, reviewed=lambda d: apply_decisions(d, book, key)
    )
    return ReviewSession(result.documents, book, key, reviewer="dr.test", by=by)


def drive(session, keys):
    script = iter(keys)
    quiet = Console(file=io.StringIO())
    run(session, quiet, read_key=lambda _: next(script), read_line=lambda _: next(script))


def test_review_decides_quits_resumes_and_finishes(workspace, detector, policy):
    _, record, decisions = workspace
    first = session_for(record, decisions, detector, policy)
    total = len(first.items)
    assert total >= 3
    drive(first, ["t", "discussed with safeguarding lead", "r", "k", "q"])
    assert first.progress() == f"2 of {total} flags settled"
    assert check(record, decisions).exit_code == 1

    second = session_for(record, decisions, detector, policy)
    assert second.undecided() == total - 2  # decided ones are not asked again
    assert second.progress() == f"2 of {total} flags settled"  # counted over the whole record
    drive(second, ["r"] * second.undecided())
    assert check(record, decisions).exit_code == 0

    stored = json.loads(decisions.read_text())
    noted = [d for d in stored["decisions"] if d.get("note_encrypted")]
    assert len(noted) == 1 and "note" not in noted[0]  # sealed, never in plain text
    book, key = Decisions.load(decisions), load_key()
    assert book.note(key, noted[0]["fingerprint"]) == "discussed with safeguarding lead"
    assert "safeguarding lead" not in decisions.read_text()
    assert list(stored) == ["schema", "tool", "decisions"]  # no churning timestamp
    fingerprints = [d["fingerprint"] for d in stored["decisions"]]
    assert fingerprints == sorted(fingerprints)
    assert "Karen" not in decisions.read_text() and "MARAC" not in decisions.read_text()
    audit = decisions.with_name(decisions.name + ".audit.jsonl").read_text().splitlines()
    assert len(audit) == total and all(json.loads(line)["reviewer"] == "dr.test" for line in audit)
    assert "Karen" not in "".join(audit) and "safeguarding lead" not in "".join(audit)


def test_decisions_survive_an_unrelated_edit_and_reopen_on_a_changed_sentence(workspace, detector, policy):
    _, record, decisions = workspace
    drive(session_for(record, decisions, detector, policy), ["k"] * 10)
    decided = {
        f["text"]: f.get("decision")
        for f in scan_json(record, decisions)["findings"]
        if f["action"] != "keep" or f.get("decision")
    }
    assert decided and all(decided.values())

    record.write_text(RECORD + "\n02-Apr-2024 09:00  Nurse Claire DOWNING  Face to face\nAsthma review.\n")
    after_edit = scan_json(record, decisions)["findings"]
    assert all(f.get("decision") for f in after_edit if f["text"] in decided)

    record.write_text(
        RECORD.replace("Mum (Karen Jones) rang worried.", "Mum (Karen Jones) rang, very angry.")
    )
    changed = {f["text"]: f.get("decision") for f in scan_json(record, decisions)["findings"]}
    assert changed.get("Karen Jones") is None  # its sentence changed: asked again
    assert changed.get("MARAC referral made today.") == "keep"  # the untouched sentence keeps its decision


def test_widen_narrow_manual_and_entry_decisions(workspace, detector, policy):
    _, record, decisions = workspace
    session = session_for(record, decisions, detector, policy, by="entry")
    session.handle("m", "worried")
    session.handle("h")
    session.handle("q")
    document = scan_json(record, decisions)
    assert any(f["text"] == "worried" and f.get("decision") == "redact" for f in document["findings"])
    assert any(e.get("decision") == "hide" and e["verdict"] == "hide" for e in document["entries"])


def test_gate_exit_codes_and_json(workspace):
    _, record, decisions = workspace
    result = check(record, decisions, "--format", "json")
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["undecided"][0]["path"] == str(record) and body["undecided"][0]["findings"] > 0
    assert check(record, decisions, "--exit-zero").exit_code == 0
    assert check(record.parent / "missing.txt", decisions, "--exit-zero").exit_code == 2
    bad = record.parent / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00")
    assert check(record.parent, decisions, "--exit-zero").exit_code == 2
    decisions.write_text("{not json")
    assert check(record, decisions).exit_code == 2


def test_widen_and_narrow_snap_to_word_boundaries(tmp_path):
    from redactor.model import Action, Category, Document, Entry, Finding

    text = "Seen with stepdad's brother-in-law today."
    doc = Document(path="x.txt", sha256="0", text=text, entries=[Entry("e1", 0, len(text))])
    start = text.index("tepdad")
    doc.findings = [
        Finding(
            start, start + 6, "tepdad", Category.THIRD_PARTY_INFO, 0.8, "t", "r", Action.REVIEW, entry="e1"
        )
    ]
    session = ReviewSession([doc], Decisions(tmp_path / "d.json"), b"k" * 32, "dr.test", by="flag")
    session.handle("w")
    assert session.current().finding.text == "stepdad's"
    inner = text.index("dad's brother-in-law to")
    session.current().finding = Finding(
        inner,
        inner + len("dad's brother-in-law to"),
        "dad's brother-in-law to",
        Category.THIRD_PARTY_INFO,
        0.8,
        "t",
        "r",
    )
    session.handle("n")
    assert session.current().finding.text == "brother-in-law"


def test_review_shows_where_a_structured_finding_came_from(tmp_path, detector, policy):
    """Provenance in review: the field, entry, date and author of each flag."""
    from redactor.ingest import InputFile
    from redactor.scan import scan

    record = tmp_path / "record.json"
    record.write_bytes((ROOT / "fixtures" / "records" / "fhir4_01.json").read_bytes())
    result = scan([InputFile(record, str(record))], detector, policy)
    session = ReviewSession(
        result.documents, Decisions.load(tmp_path / "d.json"), b"k" * 32, reviewer="dr.test", by="flag"
    )
    shown = io.StringIO()
    script = iter(["q"])
    run(session, Console(file=shown, width=200), read_key=lambda _: next(script), read_line=lambda _: "")
    first = session.items[0].finding
    source = result.documents[0].source_of(first)
    assert source["where"] and source["where"] in shown.getvalue()
    assert f"entry {source['entry']}" in shown.getvalue()
