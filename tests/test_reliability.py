"""A batch that runs unattended: one bad file never costs the others, nothing is
skipped without a word, outputs never collide or overwrite, a killed run leaves no
half-written set, and a long record is read in windows with its names carried across."""

from __future__ import annotations

import json
import os
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.detect import pipeline
from redactor.ingest import InputFile, find_inputs, load_document
from redactor.scan import Job

runner = CliRunner()
RECORD = "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988\n\n12-Mar-2024 Dr Patel\nBP 120/80. Asthma review.\n"
THIRD = "Name: Ms Grace OKAFOR\n\n12-Mar-2024 Dr Patel\nSister Philippa rang, worried.\n"


@pytest.fixture
def records(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(RECORD)
    (folder / "b.txt").write_text(THIRD)
    return folder


class CrashingJob(Job):
    """Reads like the real job, except that one file kills its worker process."""

    def load(self, source: InputFile):  # type: ignore[no-untyped-def]
        if source.path.name == "kills-worker.txt":
            os._exit(1)
        return super().load(source)


class BuggyJob(Job):
    """A reader bug: an exception redactor does not expect, with record text in its message."""

    def load(self, source: InputFile):  # type: ignore[no-untyped-def]
        if source.path.name == "buggy.txt":
            raise ValueError(source.path.read_text())  # the message quotes the record
        return super().load(source)


def test_an_unexpected_exception_is_one_error_line_without_its_message(records, tmp_path, monkeypatch):
    monkeypatch.setattr("redactor.scan.Job", BuggyJob)
    (records / "buggy.txt").write_text(RECORD + "Seen with Philippa Quarrington.\n")
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["scan", str(records), "--json", str(report), "--no-cache", "--workers", "1"])
    assert result.exit_code == 2
    data = json.loads(report.read_text())
    assert [e["path"] for e in data["errors"]] == [str(records / "buggy.txt")]
    assert "ValueError" in data["errors"][0]["error"]
    assert len(data["documents"]) == 2
    assert "Quarrington" not in result.output and "Traceback" not in result.output
    verbose = runner.invoke(app, ["scan", str(records), "--no-cache", "--workers", "1", "-q", "-v"])
    assert "in load" in verbose.output and "in load" not in result.output  # frames, under -v only
    assert "Quarrington" not in verbose.output


def test_a_worker_that_dies_costs_only_its_file(records, tmp_path, monkeypatch):
    monkeypatch.setattr("redactor.scan.Job", CrashingJob)
    monkeypatch.setattr("redactor.scan.CHUNK_FILES", 2)
    for number in range(5):
        (records / f"c{number}.txt").write_text(RECORD.replace("120/80", f"12{number}/80"))
    (records / "kills-worker.txt").write_text(RECORD + "Seen again.\n")
    report = tmp_path / "r.json"
    result = runner.invoke(app, ["scan", str(records), "--json", str(report), "--no-cache", "--workers", "2"])
    assert result.exit_code == 2, result.output
    data = json.loads(report.read_text())
    assert [e["path"] for e in data["errors"]] == [str(records / "kills-worker.txt")]
    assert "worker process stopped" in data["errors"][0]["error"]
    assert len(data["documents"]) == 7 and data["complete"] is True


def test_nothing_under_a_folder_is_passed_over_silently(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(RECORD)
    (folder / "report.json").write_text('{"hello": 1}')  # not FHIR: its reader says so
    (folder / "late.json").write_text('{"meta": {"x": "' + "y" * 5000 + '"}, "resourceType": "Patient"}')
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(RECORD)
    (folder / "out.txt").symlink_to(outside)
    (folder / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "inside.txt").symlink_to(folder / "a.txt")  # the same file twice: read once
    (folder / ".redactor-decisions.json").write_text("{}")  # redactor's own
    locked = folder / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text(RECORD)
    locked.chmod(0)
    try:
        found, problems = find_inputs([str(folder), str(folder / "a.txt")])
    finally:
        locked.chmod(0o700)
    names = sorted(f.path.name for f in found)
    why = {Path(path).name: problem for path, problem in problems}
    assert "outside" in why["out.txt"] and "broken" in why["dangling.txt"] and "loops" in why["loop.txt"]
    if os.geteuid() == 0:  # root reads any folder
        assert names == ["a.txt", "late.json", "report.json", "x.txt"]
    else:
        assert names == ["a.txt", "late.json", "report.json"] and "cannot read folder" in why["locked"]


def test_a_folder_with_nothing_to_read_fails_the_gate(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["check", str(empty), "--no-cache"])
    assert result.exit_code == 2 and "no files redactor reads" in result.output


def test_reports_never_overwrite_an_input_or_land_among_inputs(records, tmp_path, monkeypatch):
    record = records / "a.txt"
    before = record.read_bytes()
    result = runner.invoke(app, ["scan", str(record), "--json", str(record), "--no-cache"])
    assert result.exit_code == 2 and "overwrite an input" in result.output
    assert record.read_bytes() == before
    inside = runner.invoke(app, ["scan", str(records), "--json", str(records / "r.json"), "--no-cache"])
    assert inside.exit_code == 2 and "inside the input folder" in inside.output
    monkeypatch.chdir(tmp_path)
    nested = runner.invoke(app, ["apply", "in", "--out", "in/redacted", "--unreviewed", "keep"])
    assert nested.exit_code == 2 and "inside the input folder" in nested.output
    assert not (records / "redacted").exists()


def test_apply_mirrors_paths_so_two_records_of_one_name_both_survive(tmp_path):
    for practice in ("north", "south"):
        (tmp_path / practice).mkdir()
        (tmp_path / practice / "rec.txt").write_text(RECORD.replace("120/80", f"1{len(practice)}0/80"))
    out = tmp_path / "out"
    args = [str(tmp_path / "north" / "rec.txt"), str(tmp_path / "south" / ".." / "south" / "rec.txt")]
    result = runner.invoke(app, ["apply", *args, "--out", str(out), "--unreviewed", "keep", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert (out / "north" / "rec.txt").is_file() and (out / "south" / "rec.txt").is_file()
    manifest = json.loads((out / "redactor-manifest.json").read_text())
    assert len({d["output"] for d in manifest["documents"]}) == 2


def test_apply_swaps_the_whole_set_and_leaves_nothing_behind(records, tmp_path):
    out = tmp_path / "out"
    first = runner.invoke(app, ["apply", str(records), "--out", str(out), "--unreviewed", "keep", "--no-cache"])
    assert first.exit_code == 0, first.output
    (records / "b.txt").unlink()
    # A run killed earlier left a staging folder (its process is gone): removed, not mixed in.
    stale = tmp_path / ".out.999999999.abc.staging"
    stale.mkdir()
    (stale / "b.txt").write_text("half a set")
    second = runner.invoke(app, ["apply", str(records), "--out", str(out), "--unreviewed", "keep", "--no-cache"])
    assert second.exit_code == 0, second.output
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "redactor-manifest.json"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "x.jpg").write_bytes(b"\xff")
    refused = runner.invoke(app, ["apply", str(records), "--out", str(foreign), "--unreviewed", "keep"])
    assert refused.exit_code == 2 and (foreign / "x.jpg").exists()


def test_paths_with_markup_are_printed_as_written(tmp_path):
    folder = tmp_path / "a[" / "]b"  # "a[/]b": rich would read "[/]" as a closing tag
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(RECORD)
    out = tmp_path / "o[" / "]ut"
    result = runner.invoke(app, ["apply", str(folder), "--out", str(out), "--unreviewed", "keep", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "o[/]ut" in result.output.replace("\n", "")


def test_a_stale_half_written_report_is_removed_by_the_next_write(tmp_path):
    from redactor.report.json_report import write_atomic

    leftover = tmp_path / ".r.json.999999999.x.tmp"
    leftover.write_text("half a report")
    write_atomic(tmp_path / "r.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_a_long_record_is_read_in_windows_with_names_carried_both_ways(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "WINDOW_CHARS", 1_000)
    filler = "".join(
        f"{day:02}-Mar-2024 09:{day:02}  Dr Patel\nBP 120/80. Asthma review, inhaler technique checked.\n\n" for day in range(1, 29)
    )
    text = (
        "Name: Ms Grace OKAFOR\nDOB: 01-Feb-1990\n\n"
        "01-Feb-2024 10:00  Dr Patel\nSpoke to quenby about the appointment.\n\n"  # before she is named
        + filler
        + "02-Apr-2024 10:00  Dr Patel\nDaughter Quenby rang, worried about mum.\n\n"
        + filler
        + "03-May-2024 10:00  Dr Patel\nquenby came with her today.\n"  # after
    )
    path = tmp_path / "long.txt"
    path.write_text(text)
    document = load_document(InputFile(path, "long.txt"))
    windows = list(pipeline.windows(text, [e.start for e in document.entries]))
    assert len(windows) > 3 and windows[0][0] == 0 and windows[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(windows))
    starts = {e.start for e in document.entries}
    assert all(start in starts for start, _ in windows[1:])  # cut between entries
    from redactor.detect.pipeline import Detector

    Detector().detect([document])
    names = [
        (f.start, text[f.start : f.end]) for f in document.findings if f.category == "THIRD_PARTY_NAME"
    ]
    mentions = [start for start, word in names if word.lower() == "quenby"]
    assert len(mentions) == 3, names


def test_a_damaged_cache_entry_is_analysed_afresh(records, tmp_path):
    cache = tmp_path / "cache"
    args = ["scan", str(records), "--cache", str(cache), "--workers", "1", "-q"]
    first = runner.invoke(app, args)
    for entry in cache.rglob("*.json"):
        data = json.loads(entry.read_text())
        for finding in data["findings"]:
            finding["start"] = "here"  # the wrong type, as a damaged disk or an old version might leave
        entry.write_text(json.dumps(data))
    report = tmp_path / "r.json"
    again = runner.invoke(app, [*args, "--json", str(report)])
    assert again.exit_code == first.exit_code == 1, again.exception
    assert len(json.loads(report.read_text())["documents"]) == 2


def test_the_streamed_report_is_the_kept_one_in_input_order(tmp_path, monkeypatch):
    monkeypatch.setattr("redactor.scan.CHUNK_FILES", 1)  # files finish in any order
    folder = tmp_path / "in"
    folder.mkdir()
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "records"
    for source in sorted(fixtures.glob("emis_*.txt"))[:4] + sorted(fixtures.glob("csv_0*.csv"))[:2]:
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "bad.txt").write_bytes(b"\x00binary")
    streamed, kept = tmp_path / "streamed.json", tmp_path / "kept.json"
    common = ["--no-cache", "-q", "--workers", "2"]
    first = runner.invoke(app, ["scan", str(folder), "--json", str(streamed), *common])
    # With --html every document is kept for the HTML summary, and the JSON written after.
    second = runner.invoke(app, ["scan", str(folder), "--json", str(kept), "--html", str(tmp_path / "r.html"), *common])
    assert first.exit_code == second.exit_code == 2
    assert streamed.read_text() == kept.read_text()
    paths = [d["path"] for d in json.loads(streamed.read_text())["documents"]]
    assert paths == sorted(paths) and len(paths) == 6


def test_an_interrupt_mid_document_leaves_the_report_whole(tmp_path, monkeypatch):
    """SIGTERM (raised as KeyboardInterrupt) can land while a document is being written
    into the streamed report; the scan then closes the report, which must still parse
    and hold only whole documents."""
    from redactor.model import Document
    from redactor.report.json_report import AtomicFile, ReportWriter

    path = tmp_path / "r.json"
    with ReportWriter(path, "default") as writer:
        writer.add(Document(path="a.txt", sha256="0", text="First."))
        real = AtomicFile.write

        def half_then_interrupt(self: AtomicFile, text: str) -> None:
            real(self, text[: len(text) // 2])
            raise KeyboardInterrupt

        monkeypatch.setattr(AtomicFile, "write", half_then_interrupt)
        with pytest.raises(KeyboardInterrupt):
            writer.add(Document(path="b.txt", sha256="1", text="Second."))
        monkeypatch.setattr(AtomicFile, "write", real)
        writer.finish([], complete=False)
    report = json.loads(path.read_text())
    assert [d["path"] for d in report["documents"]] == ["a.txt"] and report["complete"] is False
