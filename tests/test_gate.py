"""The honest gate: a run that found nothing to read never passes, files of types
redactor does not read are said (by type, and with -v by path), redactor's own
outputs are not among them, and a file given twice is read and counted once."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.ingest import READERS, walk_inputs

runner = CliRunner()
RECORD = (
    "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988\n\n12-Mar-2024 10:32  Dr Anita PATEL (GP)\nBP 128/84.\n"
)
COMMANDS = ["check", "scan", "apply", "review", "triage"]


def run(command: str, *args: str, tmp_path=None):
    extra = ["--out", str(tmp_path / "released")] if command == "apply" else []
    return runner.invoke(app, [command, *args, *extra, "--no-cache"], input="q\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_an_empty_folder_is_exit_2_for_every_command(command, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(command, str(empty), tmp_path=tmp_path)
    assert result.exit_code == 2, result.output
    assert f"no supported files in {empty}" in result.stderr
    assert "checked" not in result.output  # never "0 document(s) checked"
    assert not (tmp_path / "released").exists()  # apply writes no empty manifest


@pytest.mark.parametrize("command", COMMANDS)
def test_a_folder_of_unread_types_is_exit_2_and_says_what_it_passed_over(command, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "letter.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "notes.rtf").write_text("{\\rtf1 Karen Jones rang}")
    result = run(command, str(folder), tmp_path=tmp_path)
    assert result.exit_code == 2, result.output
    assert "skipped 2 file(s) redactor does not read: 1 .doc, 1 .rtf" in result.stderr
    assert f"no supported files in {folder}" in result.stderr
    assert "Karen" not in result.output


def test_files_passed_over_are_counted_by_type_and_named_with_verbose(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "record.txt").write_text(RECORD)
    (folder / "notes.rtf").write_text("x")
    (folder / "sub" / "scan.odt").write_text("x")
    (folder / "sub" / "other.rtf").write_text("x")
    quiet = runner.invoke(app, ["check", str(folder), "--no-cache"])
    assert quiet.exit_code == 0, quiet.output
    assert "skipped 3 file(s) redactor does not read: 2 .rtf, 1 .odt (-v names them)" in quiet.stderr
    assert "notes.rtf" not in quiet.stderr
    verbose = runner.invoke(app, ["check", str(folder), "--no-cache", "-v"])
    for name in ("notes.rtf", "scan.odt", "other.rtf"):
        assert name in verbose.stderr
    assert "record.txt" not in verbose.stderr


def test_redactors_own_outputs_are_not_listed_as_passed_over(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "record.txt").write_text(RECORD)
    (folder / "journal.csv").write_text("Date,Text\n2024-01-01,BP ok\n")
    (folder / "journal.map.yml").write_text("date: Date\ntext: Text\n")  # read with the CSV
    (folder / ".redactor-decisions.json").write_text('{"schema": 1, "tool": "redactor", "decisions": []}')
    (folder / ".redactor-decisions.json.audit.jsonl").write_text("{}\n")
    (folder / "report.html").write_text(
        "<!DOCTYPE html><html><head><title>redactor report</title></head></html>"
    )
    (folder / "redactor-manifest.json").write_text('{"tool": {"name": "redactor"}, "documents": []}')
    (folder / "letter.rtf").write_text("x")
    found = walk_inputs([str(folder)])
    assert [p.name for p in found.skipped] == ["letter.rtf"]
    assert sorted(f.path.name for f in found.files) == ["journal.csv", "record.txt"]


def test_a_file_given_twice_or_also_inside_a_folder_given_is_read_and_counted_once(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    record = folder / "record.txt"
    record.write_text(RECORD + "Mum (Karen Jones) rang; MARAC referral.\n")
    (folder / "notes.rtf").write_text("x")
    found = walk_inputs([str(record), str(folder), str(record), str(folder)])
    assert [f.path.name for f in found.files] == ["record.txt"] and len(found.skipped) == 1
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["scan", str(record), str(folder), str(record), "--json", str(out), "-q"])
    assert result.exit_code == 1, result.output
    assert len(json.loads(out.read_text())["documents"]) == 1
    checked = runner.invoke(app, ["check", str(folder), str(record), str(folder)])
    assert "1 document(s) checked" in checked.stderr
    assert "skipped 1 file(s)" in checked.stderr and checked.stderr.count("skipped") == 1


def test_every_type_redactor_reads_is_named_in_the_message(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["scan", str(empty)])
    for suffix in READERS:
        assert suffix in result.stderr


def test_an_unknown_policy_lists_the_policies_there_are(tmp_path):
    record = tmp_path / "record.txt"
    record.write_text(RECORD)
    result = runner.invoke(app, ["check", str(record), "--policy", "strict"])
    assert result.exit_code == 2
    assert "strict" in result.stderr and "patient-access" in result.stderr
