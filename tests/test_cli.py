"""The command line as scripts use it: exit codes, the JSON contract, bad input,
the conventions every command keeps, one count for check and apply, and records
that name no patient."""

from __future__ import annotations

import inspect
import json
import re
import shutil
import socket

import pytest
from typer.testing import CliRunner

from redactor.cli import ScanOptions, _scan_paths, app
from redactor.ingest import READERS
from redactor.ingest.demographics import read_demographics

from .conftest import FIXTURES

runner = CliRunner()
COMMANDS = ["scan", "check", "review", "triage", "apply", "eval"]
SCANNING = ["scan", "check", "review", "triage", "apply"]
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


@pytest.mark.parametrize("flag", ["--help", "-h", "--version", "-V"])
def test_help_and_version(flag):
    assert runner.invoke(app, [flag]).exit_code == 0


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_keeps_the_conventions(command):
    for flag in ("-h", "--help"):
        shown = runner.invoke(app, [command, flag], env={"COLUMNS": "200"})
        assert shown.exit_code == 0, shown.output
        for option in ("--quiet", "-q", "--verbose", "-v", "--version", "-V", "--help", "-h"):
            assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", shown.output), (command, option)
        for noise in ("<bool>", "<list", "<str>", "<path>", "<int", "{paths}", "{path}", "TEXT "):
            assert noise not in shown.output, (command, noise)
    version = runner.invoke(app, [command, "-V"])
    assert version.exit_code == 0 and version.output.startswith("redactor ")


@pytest.mark.parametrize("command", SCANNING)
def test_help_names_every_type_redactor_reads(command):
    shown = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output
    for suffix in READERS:  # from the readers themselves, never typed by hand
        assert suffix in shown, (command, suffix)
    for shared in ("--policy", "--patients", "--patient-name", "--decisions", "--workers", "--no-cache"):
        assert shared in shown, (command, shared)


def test_the_scanning_commands_pass_one_options_object():
    assert list(inspect.signature(_scan_paths).parameters)[:2] == ["paths", "options"]
    assert {"policy", "patients", "override", "workers", "quiet", "verbose"} <= set(
        ScanOptions.__dataclass_fields__
    )


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


def test_quiet_silences_the_summary(tmp_path):
    record = tmp_path / "record.txt"
    record.write_text(SENSITIVE)
    loud = runner.invoke(app, ["check", str(record)])
    assert "document(s) checked" in loud.stderr
    quiet = runner.invoke(app, ["check", str(record), "-q"])
    assert quiet.exit_code == 1 and "document(s) checked" not in quiet.stderr
    assert "finding(s) await a decision" in quiet.stdout  # the report itself stays
    assert runner.invoke(app, ["scan", str(record), "-q"]).stdout == ""


def test_the_summary_speaks_the_vocabulary(tmp_path):
    record = tmp_path / "record.txt"
    record.write_text(SENSITIVE)
    shown = runner.invoke(app, ["scan", str(record)], env={"COLUMNS": "200"}).stdout
    assert "SAF" in shown and "TPN" in shown and "SAF safeguarding" in shown
    for own_spelling in ("3P name", "safeguard ", "3P id"):
        assert own_spelling not in shown


def test_details_are_one_line_a_flag_like_ruff_without_record_text(tmp_path):
    record = tmp_path / "record.txt"
    record.write_text(SENSITIVE)
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["scan", str(record), "--details", "-q", "--json", str(out)])
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(record))]
    findings = [f for f in json.loads(out.read_text())["documents"][0]["findings"] if f["action"] != "keep"]
    assert len(lines) == len(findings) > 0
    text = record.read_text()
    pattern = re.compile(
        rf"^{re.escape(str(record))}:(\d+):(\d+): ([A-Z]{{3}}) ([A-Z_]+) (redact|review|note) (\S+) .+$"
    )
    for line, finding in zip(lines, findings, strict=True):
        match = pattern.match(line)
        assert match, line
        row, column = int(match.group(1)), int(match.group(2))
        assert text.splitlines()[row - 1][column - 1 :].startswith(finding["text"])  # 1-based, in the text
        assert match.group(4) == finding["category"] and match.group(6) == "_".join(finding["rule"].split())
    for secret in ("Karen", "Jones", "karen.jones", "example.com"):  # "MARAC" is also a rule's own word
        assert not any(secret in line for line in lines), secret


def test_a_pdf_is_reported_as_pdf(tmp_path):
    pdf = tmp_path / "letter.pdf"
    shutil.copy(FIXTURES / "records" / "blind_05.pdf", pdf)
    out, html = tmp_path / "report.json", tmp_path / "report.html"
    runner.invoke(app, ["scan", str(pdf), "--json", str(out), "--html", str(html), "-q"])
    [doc] = json.loads(out.read_text())["documents"]
    assert doc["format"] == "pdf"
    assert {f["source"]["format"] for f in doc["findings"]} == {"pdf"}
    assert "read as pdf" in html.read_text()


# --- one count: check and apply say the same number in the same words --------------


def test_check_and_apply_count_what_awaits_a_decision_the_same_way(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "record.txt").write_text(SENSITIVE + "He may be drinking again, ?depressed.\n")
    checked = runner.invoke(app, ["check", str(folder)])
    counted = re.search(r"(\d+) finding\(s\) await a decision \((\d+) review, (\d+) redact\)", checked.stdout)
    assert checked.exit_code == 1 and counted, checked.output
    total, review, redact = map(int, counted.groups())
    assert total == review + redact and review and redact
    applied = runner.invoke(app, ["apply", str(folder), "--out", str(tmp_path / "out")])
    assert applied.exit_code == 2
    assert f"{total} finding(s) await a decision ({review} review, {redact} redact)" in applied.stderr
    manifest = json.loads((tmp_path / "out" / "redactor-manifest.json").read_text())
    assert f"{total} finding(s) await a decision" in manifest["errors"][0]["error"]
    as_json = runner.invoke(app, ["check", str(folder), "--format", "json"])
    [pending] = json.loads(as_json.stdout)["undecided"]
    assert (pending["findings"], pending["review"], pending["redact"]) == (total, review, redact)
    only_redact = runner.invoke(app, ["check", str(folder), "--fail-on", "redact"])
    assert f"{total} finding(s) await a decision ({review} review, {redact} redact)" in only_redact.stdout


# --- records that name no patient ----------------------------------------------------


def test_a_record_without_a_patient_name_is_warned_of_and_never_has_its_own_name_redacted(tmp_path):
    extract = tmp_path / "extract.xml"
    shutil.copy(FIXTURES / "records" / "gp2gp_01.xml", extract)  # GP2GP: NHS number, no name
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["scan", str(extract), "--json", str(out), "-q"])
    warnings = [line for line in result.stderr.splitlines() if "no patient identity" in line]
    assert len(warnings) == 1 and str(extract) in warnings[0] and "--patients" in warnings[0]
    findings = json.loads(out.read_text())["documents"][0]["findings"]
    own = [f for f in findings if f["text"] == "Riley"]  # the patient's first name (fixtures/patients.csv)
    assert own and all(f["action"] != "redact" for f in own)
    relatives = [f for f in findings if f["category"] == "THIRD_PARTY_NAME" and "relation-name" in f["rule"]]
    assert relatives and all(f["action"] == "redact" for f in relatives)  # a relation word still redacts
    named = runner.invoke(
        app, ["scan", str(extract), "--patient-name", "Riley Thornbury", "--json", str(out), "-q"]
    )
    assert "no patient identity" not in named.stderr
    assert all(
        f["category"] == "PATIENT_IDENTIFIER"
        for f in json.loads(out.read_text())["documents"][0]["findings"]
        if f["text"] == "Riley"
    )


def test_a_letter_naming_no_patient_holds_a_name_for_review(tmp_path):
    record = tmp_path / "letter.txt"
    record.write_text(
        "Dear Dr Patel,\nI saw Daniel Hargreaves today; Daniel is well. His mum Karen Jones came too.\n"
    )
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["scan", str(record), "--json", str(out), "-q"])
    assert "no patient identity (name or NHS number)" in result.stderr
    findings = json.loads(out.read_text())["documents"][0]["findings"]
    assert {f["action"] for f in findings if "Daniel" in f["text"]} <= {"review", "keep", "note"}
    assert {f["action"] for f in findings if f["text"] == "Karen Jones"} == {"redact"}


@pytest.mark.parametrize(
    ("header", "forenames", "surname"),
    [
        ("Mrs Parveen AKHTAR   F   DOB 08 Mar 1962   NHS 999 028 4776", ("Parveen",), "Akhtar"),
        (
            "Mr Franciszek (Frank) NOWICKI   Born 30 Oct 1955   NHS 999 772 9382",
            ("Franciszek", "Frank"),
            "Nowicki",
        ),
        ('Mr William DUNN ("Bill")   M   DOB 23 Apr 1956   NHS 999 579 6872', ("William", "Bill"), "Dunn"),
        ("Keith LOMAX   14/05/1969   NHS 999 767 4308", ("Keith",), "Lomax"),
        ("Tomasz Wrobel  (14 Jun 1995)  NHS 999 392 8488", ("Tomasz",), "Wrobel"),
        ("Connor James DEACON  Male  DOB 03/08/2001  NHS 999 345 9550", ("Connor", "James"), "Deacon"),
        ("Mr Ryan SUTCLIFFE, 30-Jul-1995, NHS 999 470 5458", ("Ryan",), "Sutcliffe"),
    ],
)
def test_a_journal_prints_unlabelled_patient_line_names_the_patient(header, forenames, surname):
    patient, _ = read_demographics(f"SystmOne - Journal\n{header}\n14 Mayfield Grove, Burnside, BB12 6RU\n\n")
    assert patient.forenames == forenames and patient.surname == surname
    assert patient.nhs_number and patient.address


def test_a_relatives_line_is_never_taken_for_the_patient():
    text = "SystmOne - Journal\n\n12 Mar 2024 10:32 - Dr A Patel\nMum Karen JONES rang about her son.\n"
    patient, _ = read_demographics(text)
    assert not patient.name_words()
