"""The command line as scripts use it: exit codes, the JSON contract, bad input."""

from __future__ import annotations

import json
import socket

import pytest
from typer.testing import CliRunner

from redactor.cli import app

runner = CliRunner()
CLEAN = "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988\n\n12-Mar-2024 10:32  Dr Anita PATEL (GP)\nBP 128/84.\n"
SENSITIVE = CLEAN + "Mum (Karen Jones) rang; MARAC referral. Email karen.jones@example.com\n"


def scan(*args: str):
    return runner.invoke(app, ["scan", *args])


def test_exit_codes(tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN)
    sensitive = tmp_path / "sensitive.txt"
    sensitive.write_text(SENSITIVE)
    assert scan(str(clean)).exit_code == 0
    assert scan(str(sensitive)).exit_code == 1
    assert scan(str(tmp_path / "missing.txt")).exit_code == 2
    assert scan(str(clean), "--policy", "no-such-policy").exit_code == 2


def test_json_report_contract_and_inputs_untouched(tmp_path):
    record = tmp_path / "record.txt"
    record.write_text(SENSITIVE)
    before = record.read_bytes()
    out = tmp_path / "report.json"
    result = scan(str(record), "--json", str(out), "-q")
    assert result.exit_code == 1
    assert record.read_bytes() == before
    report = json.loads(out.read_text())
    assert report["schema"] == 1 and report["policy"] == "patient-access"
    assert report["tool"]["name"] == "redactor"
    [doc] = report["documents"]
    assert doc["path"] == str(record) and len(doc["sha256"]) == 64 and doc["pages"] is None
    assert {e["verdict"] for e in doc["entries"]} <= {"hide", "review", "show"}
    text = record.read_text()
    for finding in doc["findings"]:
        assert text[finding["start"] : finding["end"]] == finding["text"]
        assert finding["action"] in {"redact", "review", "note", "keep"}
        assert set(finding) >= {"category", "score", "rule", "reason", "page", "entry", "evidence"}
        for evidence in finding["evidence"]:
            assert finding["start"] <= evidence["start"] < evidence["end"] <= finding["end"]
    names = {f["text"]: f["category"] for f in doc["findings"]}
    assert names["Karen Jones"] == "THIRD_PARTY_NAME"
    assert names["Daniel HARGREAVES"] == "PATIENT_IDENTIFIER"


def test_batch_goes_on_past_a_bad_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(SENSITIVE)
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 nonsense")
    out = tmp_path / "report.json"
    result = scan(str(folder), "--json", str(out), "-q")
    assert result.exit_code == 2
    report = json.loads(out.read_text())
    assert [d["path"] for d in report["documents"]] == [str(folder / "good.txt")]
    errors = {e["path"]: e["error"] for e in report["errors"]}
    assert set(errors) == {str(folder / "bad.txt"), str(folder / "broken.pdf")}
    assert "Karen" not in result.output  # record text never reaches messages


def test_patient_override_from_the_command_line(tmp_path):
    record = tmp_path / "letter.txt"
    record.write_text("Dear Dr Patel,\nI saw Daniel Hargreaves today; Daniel is well.\n")
    out = tmp_path / "report.json"
    scan(str(record), "--patient-name", "Daniel Hargreaves", "--json", str(out), "-q")
    findings = json.loads(out.read_text())["documents"][0]["findings"]
    assert {f["category"] for f in findings if "Daniel" in f["text"]} == {"PATIENT_IDENTIFIER"}


def test_no_network_during_a_scan(tmp_path, monkeypatch):
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network blocked in test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    record = tmp_path / "record.txt"
    record.write_text(SENSITIVE + "See https://www.example.co.uk/help and mail a.b@example.org.uk\n")
    result = scan(str(record), "-q")
    assert result.exit_code == 1
    assert attempts == []


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version(flag):
    assert runner.invoke(app, [flag]).exit_code == 0


def test_custom_policy_file_changes_actions_not_categories(tmp_path):
    policy = tmp_path / "lenient.yml"
    actions = {
        "THIRD_PARTY_NAME": "keep",
        "THIRD_PARTY_IDENTIFIER": "keep",
        "THIRD_PARTY_INFO": "keep",
        "SAFEGUARDING": "keep",
        "CLINICIAN_OPINION": "keep",
        "SERIOUS_HARM": "keep",
        "LEGALLY_RESTRICTED": "keep",
        "SENSITIVE_HEALTH": "keep",
        "PROFESSIONAL": "keep",
        "PATIENT_IDENTIFIER": "keep",
    }
    policy.write_text("name: lenient\nactions:\n" + "".join(f"  {k}: {v}\n" for k, v in actions.items()))
    record = tmp_path / "record.txt"
    record.write_text(SENSITIVE)
    out = tmp_path / "report.json"
    assert scan(str(record), "--policy", str(policy), "--json", str(out), "-q").exit_code == 0
    report = json.loads(out.read_text())
    assert report["policy"] == "lenient"
    findings = report["documents"][0]["findings"]
    assert "SAFEGUARDING" in {f["category"] for f in findings}
    assert {f["action"] for f in findings} == {"keep"}


def test_broken_policy_file_is_a_usage_error(tmp_path):
    policy = tmp_path / "broken.yml"
    policy.write_text("name: broken\nactions:\n  SAFEGUARDING: shred\n")
    record = tmp_path / "record.txt"
    record.write_text(CLEAN)
    result = scan(str(record), "--policy", str(policy))
    assert result.exit_code == 2
    assert "broken.yml" in result.output and "SAFEGUARDING" in result.output


def test_a_record_with_only_notes_passes_scan_and_check(tmp_path):
    record = tmp_path / "fh.txt"
    record.write_text(CLEAN + "FH: father MI at 52. Dad has gout. No smell of alcohol.\n")
    out = tmp_path / "report.json"
    assert scan(str(record), "--json", str(out), "-q").exit_code == 0
    actions = {f["action"] for f in json.loads(out.read_text())["documents"][0]["findings"]}
    assert "note" in actions and not actions & {"redact", "review"}
    assert runner.invoke(app, ["check", str(record), "--fail-on", "review"]).exit_code == 0
