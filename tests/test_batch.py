"""Whole-practice runs: same findings whatever the worker count, a cache that
skips unchanged files and holds no record text, duplicates analysed once."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from redactor.cli import app

from .conftest import FIXTURES

runner = CliRunner()


def scan_report(paths, out, *extra):
    result = runner.invoke(app, ["scan", *map(str, paths), "--json", str(out), "-q", *extra])
    assert result.exit_code in (0, 1), result.output
    report = json.loads(out.read_text())
    return {d["path"]: d for d in report["documents"]}, report


def test_same_findings_with_one_or_two_workers(tmp_path):
    records = FIXTURES / "records"
    one, _ = scan_report([records], tmp_path / "one.json", "--workers", "1", "--no-cache")
    two, _ = scan_report([records], tmp_path / "two.json", "--workers", "2", "--no-cache")
    assert one == two and len(one) >= 60


def test_cache_skips_unchanged_files_and_holds_no_text(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(
        FIXTURES / "records", folder, ignore=shutil.ignore_patterns("letter_*", "results_*", "*_0[2-9]*")
    )
    cache = tmp_path / "cache"
    first, report = scan_report([folder], tmp_path / "a.json", "--cache", str(cache), "--workers", "1")
    assert report["complete"] is True
    second, _ = scan_report([folder], tmp_path / "b.json", "--cache", str(cache), "--workers", "1")
    assert first == second
    stored = "".join(p.read_text() for p in cache.rglob("*.json"))
    assert stored and "Karen" not in stored and '"text"' not in stored
    # A changed file is analysed again; the others come from the cache.
    target = next(folder.glob("emis_01.txt"))
    target.write_text(
        target.read_text() + "\n01-Jun-2024 09:00  Dr A PATEL (GP)  Telephone\nMARAC referral made.\n"
    )
    third, _ = scan_report([folder], tmp_path / "c.json", "--cache", str(cache), "--workers", "1")
    changed = str(target)
    assert len(third[changed]["findings"]) > len(first[changed]["findings"])
    assert all(third[p] == first[p] for p in first if p != changed)


def test_the_same_document_filed_twice_is_analysed_once(tmp_path, detector, policy):
    from redactor.ingest import InputFile
    from redactor.scan import scan

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    text = (FIXTURES / "records" / "emis_01.txt").read_text()
    a.write_text(text)
    b.write_text(text)
    result = scan([InputFile(a, "a.txt"), InputFile(b, "b.txt")], detector, policy)
    assert (result.analysed, result.reused) == (1, 1)
    assert [f.to_json() for f in result.documents[0].findings] == [
        f.to_json() for f in result.documents[1].findings
    ]


def test_a_huge_file_is_refused_and_the_batch_goes_on(tmp_path):
    from redactor.ingest import MAX_BYTES

    folder = tmp_path / "in"
    folder.mkdir()
    with (folder / "big.txt").open("wb") as big:
        big.truncate(MAX_BYTES + 1)  # sparse: as large as it says, written in no time
    (folder / "ok.txt").write_text("Name: Mr A B\n\nBP 120/80.\n")
    result = runner.invoke(app, ["scan", str(folder), "--json", str(tmp_path / "r.json"), "-q", "--no-cache"])
    assert result.exit_code == 2
    report = json.loads((tmp_path / "r.json").read_text())
    assert [d["path"] for d in report["documents"]] == [str(folder / "ok.txt")]
    assert "too large" in report["errors"][0]["error"]


def test_sigterm_leaves_a_consistent_cache_and_the_next_run_resumes(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    sources = sorted((FIXTURES / "records").glob("*.txt"))[:40]  # enough to stop it part way
    for copy in range(6):
        for source in sources:
            (folder / f"{copy}_{source.name}").write_text(source.read_text() + f"\nCopy {copy}.\n")
    cache, report = tmp_path / "cache", tmp_path / "r.json"
    command = [
        sys.executable,
        "-m",
        "redactor",
        "scan",
        str(folder),
        "--json",
        str(report),
        "-q",
        "--cache",
        str(cache),
        "--workers",
        "1",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(cache.rglob("*.json"))) < 20:
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    partial = json.loads(report.read_text())
    assert partial["complete"] is False and 0 < len(partial["documents"]) < len(list(folder.iterdir()))
    cached = list(cache.rglob("*.json"))
    assert all(json.loads(p.read_text())["schema"] == 1 for p in cached)  # no half-written file
    assert not list(cache.rglob("*.tmp"))
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600, env=os.environ)
    assert resumed.returncode in (0, 1), resumed.stderr
    final = json.loads(report.read_text())
    assert final["complete"] is True and len(final["documents"]) == len(list(folder.iterdir()))


def test_triage_one_row_per_patient_riskiest_first(tmp_path):
    head = "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988   NHS No: 943 476 5919\n\n"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a1.txt").write_text(head + "MARAC referral made. Mum (Karen Jones) rang.\n")
    (folder / "a2.txt").write_text(head + "1364731000000104 Enhanced review indicated before granting access.\n")
    (folder / "b.txt").write_text("Name: Ms Grace OKAFOR\nNHS No: 999 398 2598\n\nBP 120/80. Asthma review.\n")
    csv_out, json_out = tmp_path / "t.csv", tmp_path / "t.json"
    result = runner.invoke(
        app, ["triage", str(folder), "--csv", str(csv_out), "--json", str(json_out), "--no-cache"]
    )
    assert result.exit_code == 1, result.output
    records = json.loads(json_out.read_text())["records"]
    assert [r["nhs_number"] for r in records] == ["9434765919", "9993982598"]
    first = records[0]
    assert first["needs_enhanced_review"] and first["enhanced_review_code"] == "indicated"
    assert len(first["documents"]) == 2 and first["flags"]["SAFEGUARDING"] >= 1
    assert not records[1]["needs_enhanced_review"]
    assert csv_out.read_text().splitlines()[0].startswith("record,nhs_number,needs_enhanced_review")
