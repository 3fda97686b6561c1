"""The practice triage list: ordered by what must be held back, not by how long a
record is; "needs enhanced review" as a practice would code it; no record text on
the terminal, full identifiers only in the files that say they hold patient data."""

from __future__ import annotations

import csv
import io
import json

from rich.console import Console
from typer.testing import CliRunner

from redactor.cli import app
from redactor.model import Action, Category, Document, Entry, Finding, Patient, Verdict
from redactor.report.json_report import NOTICE
from redactor.report.triage import masked, print_triage, triage, triage_csv, triage_json

runner = CliRunner()


def record(
    path: str,
    flags: list[tuple[Category, Action]],
    hide: int = 0,
    review: int = 0,
    entries: int = 1,
    nhs: str | None = None,
    name: str = "",
    coded: bool | None = None,
) -> Document:
    """A judged document built by hand: `flags` findings, and entries with these verdicts."""
    text = "x" * max(1, len(flags))
    verdicts = [Verdict.HIDE] * hide + [Verdict.REVIEW] * review
    verdicts += [Verdict.SHOW] * (max(entries, len(verdicts)) - len(verdicts))
    doc = Document(path=path, sha256="0", text=text)
    doc.entries = [Entry(f"e{n}", 0, 1, verdict=v) for n, v in enumerate(verdicts)]
    doc.findings = [Finding(i, i + 1, "x", c, 0.9, "t", "r", a) for i, (c, a) in enumerate(flags)]
    first, _, surname = name.partition(" ")
    doc.patient = Patient(forenames=(first,) if first else (), surname=surname or None, nhs_number=nhs)
    doc.enhanced_review = coded
    return doc


REDACT, REVIEW = Action.REDACT, Action.REVIEW


def test_a_long_record_of_third_party_names_comes_after_a_short_safeguarding_one():
    long = record("long.txt", [(Category.THIRD_PARTY_NAME, REDACT)] * 80, hide=25, entries=40)
    short = record("short.txt", [(Category.SAFEGUARDING, REVIEW)], review=1)
    harm = record("harm.txt", [(Category.SERIOUS_HARM, REDACT)], hide=1)
    legal = record("legal.txt", [(Category.LEGALLY_RESTRICTED, REVIEW)], review=1)
    rows = triage([long, short, harm, legal])
    assert [r.record for r in rows] == ["harm.txt", "short.txt", "legal.txt", "long.txt"]
    assert [r.needs_enhanced_review for r in rows] == [True, True, True, False]


def test_within_a_category_entries_to_hide_then_entries_to_review_decide():
    a = record("a.txt", [(Category.SAFEGUARDING, REVIEW)], hide=1, review=5)
    b = record("b.txt", [(Category.SAFEGUARDING, REVIEW)] * 30, hide=2)
    c = record("c.txt", [(Category.SAFEGUARDING, REVIEW)], hide=1, review=6)
    assert [r.record for r in triage([a, b, c])] == ["b.txt", "c.txt", "a.txt"]


def test_enhanced_review_is_what_a_practice_codes_for():
    third_party = record("tp.txt", [(Category.THIRD_PARTY_NAME, REDACT)], hide=1)
    opinion = record("op.txt", [(Category.CLINICIAN_OPINION, REVIEW)], review=1)
    coded = record("coded.txt", [], coded=True)
    cleared = record("cleared.txt", [], coded=False)
    decided = record("decided.txt", [(Category.SAFEGUARDING, Action.KEEP)])  # a reviewer kept it
    rows = {r.record: r for r in triage([third_party, opinion, coded, cleared, decided])}
    assert rows["coded.txt"].needs_enhanced_review and rows["coded.txt"].coded == "indicated"
    for path in ("tp.txt", "op.txt", "cleared.txt", "decided.txt"):
        assert not rows[path].needs_enhanced_review, path
    assert next(iter(rows)) == "coded.txt"


def test_one_row_per_nhs_number_and_the_most_serious_category_of_all_its_documents():
    a = record("a.txt", [(Category.THIRD_PARTY_NAME, REDACT)], nhs="9434765919", name="Daniel Hargreaves")
    b = record("b.txt", [(Category.SERIOUS_HARM, REVIEW)], nhs="9434765919")
    [row] = triage([a, b])
    assert row.documents == ["a.txt", "b.txt"] and row.most_serious is Category.SERIOUS_HARM
    assert row.record == "a.txt" and row.patient == "Daniel Hargreaves"


def test_the_terminal_shows_no_name_and_a_masked_nhs_number():
    doc = record("rec.txt", [(Category.SAFEGUARDING, REVIEW)], nhs="9434765919", name="Daniel Hargreaves")
    rows = triage([doc])
    shown = io.StringIO()
    print_triage(Console(file=shown, width=200), rows)
    text = shown.getvalue()
    assert "Daniel" not in text and "Hargreaves" not in text and "9434765919" not in text
    assert "*** *** 5919" in text and "rec.txt" in text
    assert "SAF" in text and "safeguard " not in text  # the vocabulary's codes
    full = io.StringIO()
    print_triage(Console(file=full, width=200), rows, show_identifiers=True)
    assert "9434765919" in full.getvalue() and "Daniel" not in full.getvalue()


def test_masking():
    assert masked("9434765919") == "*** *** 5919"
    assert masked("") == "-"
    assert masked("12") == "***"


def test_csv_and_json_carry_the_identifiers_and_say_they_hold_patient_data():
    doc = record("rec.txt", [(Category.SAFEGUARDING, REVIEW)], nhs="9434765919", name="Daniel Hargreaves")
    rows = triage([doc])
    body = json.loads(triage_json(rows))
    assert body["notice"] == NOTICE and body["tool"]["name"] == "redactor"
    [entry] = body["records"]
    assert entry["nhs_number"] == "9434765919" and entry["patient"] == "Daniel Hargreaves"
    assert entry["most_serious"] == "SAFEGUARDING" and entry["needs_enhanced_review"] is True
    [header, line] = list(csv.reader(io.StringIO(triage_csv(rows))))
    cells = dict(zip(header, line, strict=True))
    assert cells["nhs_number"] == "9434765919" and cells["patient"] == "Daniel Hargreaves"
    assert cells["most_serious"] == "SAFEGUARDING"


def test_triage_command_prints_no_record_text(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    head = "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988   NHS No: 943 476 5919\n\n"
    (folder / "a.txt").write_text(head + "12-Mar-2024 10:32  Dr Anita PATEL (GP)\nMARAC referral made.\n")
    out = tmp_path / "t.json"
    result = runner.invoke(app, ["triage", str(folder), "--json", str(out), "--no-cache"])
    assert result.exit_code == 1, result.output
    for secret in ("Daniel", "HARGREAVES", "Hargreaves", "9434765919", "943 476 5919", "MARAC"):
        assert secret not in result.output, secret
    assert "*** *** 5919" in result.stdout and "1 need enhanced review" in result.stderr
    assert json.loads(out.read_text())["records"][0]["patient"] == "Daniel Hargreaves"
    quiet = runner.invoke(app, ["triage", str(folder), "--no-cache", "-q"])
    assert quiet.exit_code == 1 and quiet.stdout == "" and "need enhanced review" not in quiet.stderr
