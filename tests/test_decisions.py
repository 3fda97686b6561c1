"""Decisions that follow content: a renamed or re-exported record keeps them, an edited
sentence re-opens only its own; first-formula files still apply and are re-keyed; an
entry's hide or show settles its flags; and several reviewers saving into one file at
once lose nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from redactor.decide import decisions as decisions_module
from redactor.decide.decisions import (
    ENTRY,
    AuditLog,
    Decision,
    Decisions,
    DecisionsError,
    apply_decisions,
    entry_fingerprint,
    fingerprint,
    reviewer_span,
    seal_note,
    span_scope,
)
from redactor.decide.verdicts import awaiting
from redactor.detect.context import sentence_bounds
from redactor.ingest import InputFile
from redactor.model import HOLDS, Action, Category, Document, Verdict
from redactor.scan import scan

from .conftest import FIXTURES

KEY = b"k" * 32
RECORDS = FIXTURES / "records"
# cold_04: an NHS number, seven entries, flags held in three of them.
TRIAGE = "cold_04.txt"
EDITED = "Protective: brother, faith, wants to finish degree."
DRAWN = "more going on with the uncle"  # a span a reviewer marks in entry e4


def scanned(path: Path, detector, policy, book: Decisions) -> Document:
    result = scan(
        [InputFile(path, str(path))], detector, policy, reviewed=lambda d: apply_decisions(d, book, KEY)
    )
    assert not result.errors
    return result.documents[0]


def copy_of(name: str, folder: Path, as_name: str | None = None) -> Path:
    target = folder / (as_name or name)
    target.write_text((RECORDS / name).read_text())
    return target


def entry_called(document: Document, entry_id: str):
    return next(e for e in document.entries if e.id == entry_id)


def decide_all(document: Document, book: Decisions) -> None:
    """Entries first (so every flag's own decision is as recent and wins), then every
    held flag, alternately redact and keep, then a span drawn by the reviewer."""
    for entry_id, decision in (("e1", "show"), ("e4", "show"), ("e6", "hide")):
        book.record(
            entry_fingerprint(KEY, document, entry_called(document, entry_id)), ENTRY, decision, "dr.a"
        )
    held = [f for f in document.findings if f.action in HOLDS]
    for number, finding in enumerate(held):
        book.record(
            fingerprint(KEY, document, finding), finding.category, ("redact", "keep")[number % 2], "dr.b"
        )
    draw_and_redact(document, book, "dr.c")
    book.save(KEY)


def draw_and_redact(document: Document, book: Decisions, reviewer: str) -> None:
    """The reviewer draws a span over DRAWN and redacts it, as the review screen records it."""
    start = document.text.index(DRAWN)
    drawn = reviewer_span(document, start, start + len(DRAWN), Category.THIRD_PARTY_INFO)
    book.record(
        fingerprint(KEY, document, drawn),
        drawn.category,
        "redact",
        reviewer,
        span=(drawn.start, drawn.end),
        scope=span_scope(KEY, document, drawn.start),
    )


def outcome(document: Document, shift: int = 0) -> dict[tuple[int, int, str, str], str | None]:
    """Each flag's decision by where it stands (less `shift`) and what it is."""
    return {(f.start - shift, f.end - shift, str(f.category), f.rule): f.decision for f in document.findings}


def entry_decisions(document: Document) -> list[str | None]:
    return [e.decision for e in document.entries]


@pytest.fixture
def decided(tmp_path, detector, policy):
    """cold_04 as emis_01.txt with every held flag, three entries and a drawn span decided."""
    record = copy_of(TRIAGE, tmp_path, "emis_01.txt")
    path = tmp_path / ".redactor-decisions.json"
    decide_all(scanned(record, detector, policy, Decisions.load(path)), Decisions.load(path))
    before = scanned(record, detector, policy, Decisions.load(path))
    assert sum(f.decision is not None for f in before.findings) >= 15
    assert any(f.rule == "review/manual" and f.decision == "redact" for f in before.findings)
    assert not awaiting(before)
    return record, path, before


# --- decisions follow content, not file names --------------------------------------


def test_renaming_a_record_keeps_every_decision(decided, detector, policy):
    record, path, before = decided
    renamed = record.rename(record.with_name("emis_01_export_2024-07.txt"))
    after = scanned(renamed, detector, policy, Decisions.load(path))
    assert outcome(after) == outcome(before)
    assert entry_decisions(after) == entry_decisions(before)
    assert not awaiting(after)


def test_a_re_export_with_an_entry_added_at_the_top_keeps_every_decision(decided, detector, policy):
    record, path, before = decided
    text = record.read_text()
    title = "Accurx - Patient Triage request + SMS thread"
    first_entry = text.index("11/03/2025 08:05")
    new_entry = "19/03/2025 09:00 Telephone - Dr Will MARSH (GP)\nNo answer. SMS sent to rebook.\n\n"
    exported = (
        title + " (re-exported 01/07/2025)" + text[len(title) : first_entry] + new_entry + text[first_entry:]
    )
    export = record.parent / "export" / "KARIM_Rezaul_2025-07-01.txt"
    export.parent.mkdir()
    export.write_text(exported)
    after = scanned(export, detector, policy, Decisions.load(path))
    assert len(after.entries) == len(before.entries) + 1
    moved = len(" (re-exported 01/07/2025)")
    stayed = {k: v for k, v in outcome(after, moved).items() if k[0] < first_entry}  # the demographic block
    later = {k: v for k, v in outcome(after, moved + len(new_entry)).items() if k[0] >= first_entry}
    assert stayed | later == outcome(before)  # every decision, the drawn span's included, at its new place
    first, *rest = entry_decisions(before)
    assert entry_decisions(after) == [first, None, *rest]  # the new entry is undecided
    assert not awaiting(after)


def test_editing_one_sentence_reopens_only_the_findings_in_it(decided, detector, policy):
    record, path, before = decided
    record.write_text(record.read_text().replace(EDITED, EDITED.replace("finish", "finish his")))
    after = scanned(record, detector, policy, Decisions.load(path))
    start = record.read_text().index("Protective:")
    edited = range(start, start + len(EDITED) + len(" his"))
    reopened = [f for f in after.findings if f.start in edited]
    assert reopened and all(f.decision is None for f in reopened)
    shift = len(" his")
    kept = {k: v for k, v in outcome(after).items() if k[0] < edited.start}
    kept |= {k: v for k, v in outcome(after, shift).items() if k[0] >= edited.stop - shift}
    assert kept == {
        k: v for k, v in outcome(before).items() if not edited.start <= k[0] < edited.stop - shift
    }
    # the entry's own hide or show covered its text, which changed: asked again; the others stand
    assert entry_decisions(before)[4] == "show"
    assert entry_decisions(after) == [*entry_decisions(before)[:4], None, *entry_decisions(before)[5:]]
    assert awaiting(after).total() == len(reopened)


def test_another_nhs_number_matches_nothing(decided, detector, policy):
    record, path, _ = decided
    record.write_text(record.read_text().replace("999 831 6006", "999 000 0026"))
    after = scanned(record, detector, policy, Decisions.load(path))
    assert after.patient.nhs_number == "9990000026"
    assert all(f.decision is None for f in after.findings)
    assert all(e.decision is None for e in after.entries) and after.reviewers == []


# --- decisions files of the first formula ------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def old_fingerprint(document: Document, finding) -> str:
    """The first formula, as redactor wrote it: the file's name, category, span, sentence."""
    text = document.text
    left, right = sentence_bounds(text, finding.start, finding.end)
    before = _norm(text[max(left, finding.start - 120) : finding.start])
    after = _norm(text[finding.end : min(right, finding.end + 120)])
    message = "\x1f".join(
        [Path(document.path).name, str(finding.category), _norm(finding.text), before, after]
    )
    return hmac.new(KEY, message.encode("utf-8"), hashlib.sha256).hexdigest()


def old_entry_fingerprint(document: Document, entry) -> str:
    message = "\x1f".join([Path(document.path).name, ENTRY, _norm(document.text[entry.start : entry.end])])
    return hmac.new(KEY, message.encode("utf-8"), hashlib.sha256).hexdigest()


def test_a_file_of_old_file_name_fingerprints_still_applies_and_is_rekeyed_on_save(
    tmp_path, detector, policy
):
    record = copy_of(TRIAGE, tmp_path, "emis_01.txt")
    path = tmp_path / ".redactor-decisions.json"
    document = scanned(record, detector, policy, Decisions.load(path))
    held = [f for f in document.findings if f.action in HOLDS]
    start = document.text.index(DRAWN)
    drawn = reviewer_span(document, start, start + len(DRAWN), Category.THIRD_PARTY_INFO)
    stamp = {"reviewer": "dr.old", "time": "2024-05-01T10:00:00Z"}
    old = [
        {"fingerprint": old_fingerprint(document, f), "category": str(f.category), "decision": "keep"} | stamp
        for f in held
    ]
    old[0]["note_encrypted"] = seal_note(KEY, "checked with the safeguarding lead")
    old.append(
        {
            "fingerprint": old_fingerprint(document, drawn),
            "category": str(drawn.category),
            "decision": "redact",
        }
        | stamp
        | {"start": drawn.start, "end": drawn.end}
    )
    e1 = entry_called(document, "e1")
    old.append(
        {"fingerprint": old_entry_fingerprint(document, e1), "category": ENTRY, "decision": "show"} | stamp
    )
    path.write_text(json.dumps({"schema": 1, "tool": "redactor", "decisions": old}))

    book = Decisions.load(path)
    again = scanned(record, detector, policy, book)
    now = {(f.start, f.end, f.category): f.decision for f in again.findings}
    assert all(now[(f.start, f.end, f.category)] == "keep" for f in held)
    assert any(f.rule == "review/manual" and f.decision == "redact" for f in again.findings)
    assert entry_called(again, "e1").decision == "show" and not awaiting(again)
    assert again.reviewers == ["dr.old"]

    book.save(KEY)  # re-keyed quietly: same decisions, reviewer, time and note
    stored = json.loads(path.read_text())["decisions"]
    new_prints = {fingerprint(KEY, again, f) for f in again.findings if f.decision}
    new_prints.add(entry_fingerprint(KEY, again, entry_called(again, "e1")))
    assert {d["fingerprint"] for d in stored} == new_prints
    assert not {d["fingerprint"] for d in old} & new_prints  # none of the old keys is left
    assert all(d["reviewer"] == "dr.old" and d["time"] == "2024-05-01T10:00:00Z" for d in stored)
    noted = [d["fingerprint"] for d in stored if d.get("note_encrypted")]
    assert (
        len(noted) == 1 and Decisions.load(path).note(KEY, noted[0]) == "checked with the safeguarding lead"
    )
    assert not AuditLog(path).path.exists()  # re-keying decides nothing

    renamed = record.rename(record.with_name("emis_01_2024-07.txt"))  # and now they follow the content
    assert not awaiting(scanned(renamed, detector, policy, Decisions.load(path)))


# --- a whole-entry decision settles its flags -------------------------------------


def test_an_entry_hide_settles_its_flags_and_a_later_own_keep_wins(tmp_path, detector, policy):
    record = copy_of(TRIAGE, tmp_path)
    path = tmp_path / "decisions.json"
    document = scanned(record, detector, policy, Decisions.load(path))
    e4, e5 = entry_called(document, "e4"), entry_called(document, "e5")
    in_e4 = [f for f in document.findings if f.entry == "e4"]
    held = [f for f in in_e4 if f.action in HOLDS]
    later, as_recent = held[:2]
    kept_by_policy = [f for f in in_e4 if f.action not in HOLDS]
    assert kept_by_policy and len(held) >= 3

    def made(print_: str, category: str, decision: str, at: str) -> Decision:
        return Decision(print_, category, decision, "dr.a", f"2025-04-01T10:{at}:00Z")

    book = Decisions(
        path,
        {
            d.fingerprint: d
            for d in (
                made(entry_fingerprint(KEY, document, e4), ENTRY, "hide", "00"),
                made(fingerprint(KEY, document, later), str(later.category), "keep", "05"),  # later: wins
                made(
                    fingerprint(KEY, document, as_recent), str(as_recent.category), "keep", "00"
                ),  # as recent
                made(entry_fingerprint(KEY, document, e5), ENTRY, "show", "00"),
            )
        },
    )
    book.save(KEY)
    after = scanned(record, detector, policy, Decisions.load(path))
    by_place = {(f.start, f.end, f.category): f for f in after.findings}
    for finding in in_e4:
        now = by_place[(finding.start, finding.end, finding.category)]
        if finding in kept_by_policy:
            assert (now.action, now.decision) == (Action.KEEP, None)  # nothing to settle
        elif finding in (later, as_recent):
            assert (now.action, now.decision) == (Action.KEEP, "keep")  # their own, as recent or later
        else:
            assert (now.action, now.decision) == (Action.REDACT, "redact")
    in_e5 = [f for f in after.findings if f.entry == "e5"]  # all held: shown, so kept
    assert in_e5 and all((f.action, f.decision) == (Action.KEEP, "keep") for f in in_e5)
    assert (
        entry_called(after, "e4").verdict is Verdict.HIDE
        and entry_called(after, "e5").verdict is Verdict.SHOW
    )

    # an own decision older than the entry's gives way to it
    older = made(fingerprint(KEY, document, later), str(later.category), "keep", "00")
    later_hide = made(entry_fingerprint(KEY, document, e4), ENTRY, "hide", "01")
    Decisions(path, {older.fingerprint: older, later_hide.fingerprint: later_hide}).save(KEY)
    again = scanned(record, detector, policy, Decisions.load(path))
    assert (
        next(f for f in again.findings if (f.start, f.category) == (later.start, later.category)).decision
        == "redact"
    )


def test_document_reviewers_lists_who_decided(tmp_path, detector, policy):
    record, other = copy_of(TRIAGE, tmp_path), copy_of("cold_01.txt", tmp_path)
    path = tmp_path / "decisions.json"
    document = scanned(record, detector, policy, Decisions.load(path))
    elsewhere = scanned(other, detector, policy, Decisions.load(path))
    book = Decisions(path)
    book.record(entry_fingerprint(KEY, document, entry_called(document, "e5")), ENTRY, "show", "dr.entry")
    flag = next(f for f in document.findings if f.entry == "e0" and f.action in HOLDS)
    book.record(fingerprint(KEY, document, flag), flag.category, "redact", "dr.flag")
    draw_and_redact(document, book, "dr.drawn")
    foreign = next(f for f in elsewhere.findings if f.action in HOLDS)
    book.record(fingerprint(KEY, elsewhere, foreign), foreign.category, "keep", "dr.elsewhere")
    book.save(KEY)
    assert scanned(record, detector, policy, Decisions.load(path)).reviewers == [
        "dr.drawn",
        "dr.entry",
        "dr.flag",
    ]
    assert scanned(other, detector, policy, Decisions.load(path)).reviewers == ["dr.elsewhere"]
    undecided = copy_of("calm_01.txt", tmp_path)
    assert scanned(undecided, detector, policy, Decisions.load(path)).reviewers == []


# --- several reviewers at once --------------------------------------------------------


def test_two_sessions_merge_rather_than_clobber(tmp_path):
    path = tmp_path / "decisions.json"
    x, y, z = "a" * 64, "b" * 64, "c" * 64
    first, second = Decisions.load(path), Decisions.load(path)
    first.record(x, "THIRD_PARTY_NAME", "redact", "dr.one")
    second.record(y, "THIRD_PARTY_NAME", "keep", "dr.two")
    first.save(KEY)
    second.save(KEY)
    assert set(Decisions.load(path).records) == {x, y}
    assert x in second.records  # a save brings in the others' decisions
    first.record(z, "SAFEGUARDING", "redact", "dr.one")
    second.record(x, "THIRD_PARTY_NAME", "keep", "dr.two")  # the same flag, decided again
    second.save(KEY)
    first.save(KEY)  # first did not touch x since its last save: second's decision stands
    stored = Decisions.load(path).records
    assert set(stored) == {x, y, z} and stored[x].decision == "keep" and stored[x].reviewer == "dr.two"
    assert first.records == stored
    assert len(AuditLog(path).path.read_text().splitlines()) == 4


def _worker(path: str, start, decisions: list[tuple[str, str, str]], reviewer: str) -> None:
    """A review session in its own process: load once, then record and save each decision."""
    book = Decisions.load(Path(path))
    start.wait()
    for print_, category, decision in decisions:
        book.record(print_, category, decision, reviewer, note="checked", key=KEY)
        book.save(KEY)


def test_several_processes_saving_into_one_file_lose_nothing(tmp_path, detector, policy):
    path = tmp_path / ".redactor-decisions.json"
    work: list[list[tuple[str, str, str]]] = []
    for name in ("cold_04.txt", "cold_01.txt", "cold_03.txt"):
        document = scanned(copy_of(name, tmp_path), detector, policy, Decisions.load(path))
        flags = [
            (fingerprint(KEY, document, f), str(f.category), "redact")
            for f in document.findings
            if f.action in HOLDS
        ]
        entries = [(entry_fingerprint(KEY, document, e), ENTRY, "show") for e in document.entries]
        work.append(flags + entries)
    triage = work.pop(0)
    shared = triage[0]  # both sessions on cold_04 decide this flag
    work = [triage[0::2], [*triage[1::2], shared], *work]  # two on the same record, one each on the others
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(work))
    workers = [
        context.Process(target=_worker, args=(str(path), start, decisions, f"dr.{n}"))
        for n, decisions in enumerate(work)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=180)
    assert [p.exitcode for p in workers] == [0] * len(work)

    stored = json.loads(path.read_text())  # valid JSON, whole
    expected = {print_ for decisions in work for print_, _, _ in decisions}
    assert (
        len(stored["decisions"]) == len(expected)
        and {d["fingerprint"] for d in stored["decisions"]} == expected
    )
    audit = [json.loads(line) for line in AuditLog(path).path.read_text().splitlines()]
    assert len(audit) == sum(len(decisions) for decisions in work)
    assert {(a["fingerprint"], a["reviewer"]) for a in audit} == {
        (print_, f"dr.{n}") for n, decisions in enumerate(work) for print_, _, _ in decisions
    }
    assert not path.with_name(path.name + ".lock").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def _lock_file(path: Path, pid: int, host: str, stamped: str) -> Path:
    lock = path.with_name(path.name + ".lock")
    lock.write_text(json.dumps({"pid": pid, "host": host, "time": stamped, "token": "0" * 16}))
    return lock


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def test_a_lock_left_by_a_dead_process_is_broken(tmp_path, monkeypatch):
    monkeypatch.setattr(decisions_module, "LOCK_WAIT", 5.0)
    monkeypatch.setattr(decisions_module, "LOCK_STALE", 60.0)
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = int(finished.stdout)
    path = tmp_path / "decisions.json"
    lock = _lock_file(path, dead, socket.gethostname(), _now())
    book = Decisions(path)
    book.record("a" * 64, "THIRD_PARTY_NAME", "redact", "dr.one")
    started = time.monotonic()
    book.save(KEY)
    assert time.monotonic() - started < 2  # broken at once, not waited out
    assert "a" * 64 in Decisions.load(path).records and not lock.exists()


def test_a_live_lock_is_waited_for_then_a_clear_error_and_nothing_is_lost(tmp_path, monkeypatch):
    monkeypatch.setattr(decisions_module, "LOCK_WAIT", 0.3)
    monkeypatch.setattr(decisions_module, "LOCK_STALE", 60.0)
    path = tmp_path / "decisions.json"
    lock = _lock_file(path, os.getpid(), socket.gethostname(), _now())  # alive: this very process
    book = Decisions(path)
    book.record("a" * 64, "THIRD_PARTY_NAME", "redact", "dr.one")
    with pytest.raises(DecisionsError) as caught:
        book.save(KEY)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message and lock.name in message
    assert lock.exists() and not path.exists()
    lock.unlink()
    book.save(KEY)  # kept in memory: saved, and logged once, when the lock is free
    assert "a" * 64 in Decisions.load(path).records
    assert len(AuditLog(path).path.read_text().splitlines()) == 1


def test_a_lock_from_another_pc_is_broken_when_old_or_unchanged_too_long(tmp_path, monkeypatch):
    monkeypatch.setattr(decisions_module, "LOCK_WAIT", 5.0)
    path = tmp_path / "decisions.json"
    _lock_file(path, 1, "reception-pc", "2020-01-01T09:00:00Z")  # stamped long ago
    Decisions(path, {"a" * 64: Decision("a" * 64, "THIRD_PARTY_NAME", "keep", "dr.one", _now())}).save(KEY)
    monkeypatch.setattr(decisions_module, "LOCK_STALE", 0.3)
    lock = _lock_file(path, 1, "reception-pc", _now())  # fresh, but nobody ever releases it
    started = time.monotonic()
    Decisions(path, {"b" * 64: Decision("b" * 64, "THIRD_PARTY_NAME", "keep", "dr.two", _now())}).save(KEY)
    assert 0.3 <= time.monotonic() - started < 3 and not lock.exists()
    assert set(Decisions.load(path).records) == {"a" * 64, "b" * 64}


def test_saving_after_each_decision_stays_cheap_with_a_thousand_decisions(tmp_path):
    path = tmp_path / "decisions.json"
    prints = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(1000)]
    Decisions(path, {p: Decision(p, "THIRD_PARTY_NAME", "keep", "dr.one", _now()) for p in prints}).save(KEY)
    book = Decisions.load(path)
    started = time.monotonic()
    for print_ in prints[:20]:
        book.record(print_, "THIRD_PARTY_NAME", "redact", "dr.two", note="seen", key=KEY)
        book.save(KEY)
    assert (time.monotonic() - started) / 20 < 0.25  # seconds a save, lock and merge included
    assert sum(d.decision == "redact" for d in Decisions.load(path).records.values()) == 20


def test_a_scope_is_kept_only_for_a_drawn_span(tmp_path):
    """The field added for drawn spans is checked like every other, never echoed."""
    path = tmp_path / "decisions.json"
    good = {
        "fingerprint": "a" * 64,
        "category": "THIRD_PARTY_NAME",
        "decision": "keep",
        "reviewer": "r",
        "time": "t",
    }
    for wrong, message in (
        ({"scope": "Zebedee"}, "'scope' is not 64 hexadecimal characters"),
        ({"scope": "b" * 64}, "'scope' is for a drawn span"),
    ):
        path.write_text(json.dumps({"schema": 1, "decisions": [good | wrong]}))
        with pytest.raises(DecisionsError, match=message) as caught:
            Decisions.load(path)
        assert "Zebedee" not in str(caught.value)
    path.write_text(
        json.dumps({"schema": 1, "decisions": [good | {"scope": "b" * 64, "start": 1, "end": 4}]})
    )
    assert Decisions.load(path).records["a" * 64].scope == "b" * 64
