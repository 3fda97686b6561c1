"""Entry review: a record judged entry by entry, as the clinical systems hide it, driven
through the terminal front end with scripted keys."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from redactor.decide.decisions import Decisions, apply_decisions
from redactor.decide.verdicts import awaiting
from redactor.ingest import InputFile
from redactor.model import HOLDS, Verdict
from redactor.review.session import ReviewSession
from redactor.review.terminal import run
from redactor.scan import scan

from .conftest import FIXTURES

KEY = b"k" * 32


def scanned(path: Path, detector, policy, book: Decisions):
    result = scan(
        [InputFile(path, str(path))], detector, policy, reviewed=lambda d: apply_decisions(d, book, KEY)
    )
    return result.documents


class Keys:
    """A reviewer at the keyboard: answers each prompt from a script and counts presses."""

    def __init__(self, choose):
        self.choose, self.presses, self.lines = choose, 0, []

    def key(self, prompt: str) -> str:
        self.presses += 1
        return self.choose()

    def line(self, prompt: str) -> str:
        self.lines.append(prompt)
        return ""


def drive(session: ReviewSession, keys: list[str]) -> str:
    script = iter(keys)
    shown = io.StringIO()
    run(session, Console(file=shown, width=120), lambda _: next(script, "q"), lambda _: next(script, ""))
    return shown.getvalue()


def long_record(tmp_path: Path, entries: int = 200) -> Path:
    """A record of `entries` entries taken in turn from the EMIS and SystmOne fixtures,
    so it has their density of flags (about 3.5 a held entry)."""
    from redactor.ingest.entries import split_entries

    pieces = []
    sources = sorted((FIXTURES / "records").glob("emis_*.txt")) + sorted(
        (FIXTURES / "records").glob("s1_*.txt")
    )
    while len(pieces) < entries:
        for source in sources:
            text = source.read_text()
            pieces += [text[e.start : e.end].strip("\n") for e in split_entries(text) if e.date]
    body = "\n\n".join(pieces[:entries])
    record = tmp_path / "long.txt"
    record.write_text("Name: Mrs Ellen TANSLEY\nDOB: 03-Jun-1979\nNHS No: 943 476 5919\n\n" + body + "\n")
    return record


def test_a_200_entry_record_is_cleared_in_at_most_250_key_presses(tmp_path, detector, policy):
    record = long_record(tmp_path)
    book = Decisions(tmp_path / "decisions.json")
    [document] = scanned(record, detector, policy, book)
    assert sum(e.date is not None for e in document.entries) == 200
    flags = sum(f.action in HOLDS for f in document.findings)
    held = sum(e.verdict is not Verdict.SHOW for e in document.entries)
    assert flags >= 2.5 * held  # the fixtures' density, not a sparse record

    session = ReviewSession([document], book, KEY, reviewer="dr.test")
    # The reviewer hides every entry whose why starts HIDE and shows the rest.
    keys = Keys(lambda: "h" if session.unit().why().startswith("HIDE") else "k")
    run(session, Console(file=io.StringIO()), keys.key, keys.line)
    assert keys.presses <= 250 and keys.presses == held
    assert session.undecided() == 0

    # A fresh scan with the decisions file (as `check` and `apply` do) finds nothing open.
    [again] = scanned(record, detector, policy, Decisions.load(book.path))
    assert sum(awaiting(again).values()) == 0
    assert {e.id for e in again.entries if e.decision == "hide"} == {
        e.id for e in document.entries if e.decision == "hide"
    }


def test_one_key_hides_an_entry_and_settles_every_flag_in_it(tmp_path, detector, policy):
    record = FIXTURES / "records" / "emis_01.txt"
    book = Decisions(tmp_path / "decisions.json")
    [document] = scanned(record, detector, policy, book)
    session = ReviewSession([document], book, KEY, reviewer="dr.test")
    first = session.unit()
    assert first is not None and len(first.items) >= 1
    shown = drive(session, ["h", "q"])
    assert first.entry.decision == "hide" and all(i.decided for i in first.items)
    assert first.why().startswith("HIDE (reviewer)")
    assert (
        f"entry 2 of {len(session.units)}, {len(first.items)} of {len(session.items)} flags settled" in shown
    )
    # Its one line why, date and author are on screen with the whole entry.
    assert first.entry.date in shown and "clinician opinion" in shown.lower()


def test_flags_one_by_one_inside_an_entry_then_on_to_the_next(tmp_path, detector, policy):
    record = FIXTURES / "records" / "emis_01.txt"
    book = Decisions(tmp_path / "decisions.json")
    [document] = scanned(record, detector, policy, book)
    session = ReviewSession([document], book, KEY, reviewer="dr.test")
    second = session.units[1]
    drive(session, ["s", "f", "k", "r", "e", "q"])  # skip the first entry; two flags of the second
    assert [i.finding.decision for i in second.items[:2]] == ["keep", "redact"]
    assert not second.settled and session.mode == "entry" and session.units[session.unit_index] is second
    # A later session resumes at the first open entry, counting what earlier ones settled.
    again = ReviewSession(
        scanned(record, detector, policy, Decisions.load(book.path)),
        Decisions.load(book.path),
        KEY,
        "dr.test",
    )
    assert again.unit().entry_id == session.units[0].entry_id
    assert again.progress() == f"entry 1 of {len(session.units)}, 2 of {len(session.items)} flags settled"


def test_resume_counts_the_whole_record(tmp_path, detector, policy):
    record = FIXTURES / "records" / "emis_01.txt"
    book = Decisions(tmp_path / "decisions.json")
    [document] = scanned(record, detector, policy, book)
    first = ReviewSession([document], book, KEY, reviewer="dr.test")
    settled = len(first.units[0].items) + len(first.units[1].items)
    drive(first, ["h", "k", "q"])
    again = ReviewSession(
        scanned(record, detector, policy, Decisions.load(book.path)),
        Decisions.load(book.path),
        KEY,
        "dr.test",
    )
    assert again.progress() == f"entry 3 of {len(first.units)}, {settled} of {len(first.items)} flags settled"


@pytest.fixture
def small(tmp_path, analyse):
    document = analyse(
        "12-Mar-2024 10:32  Dr Anita PATEL (GP)  Face to face\n"
        "Mum (Karen Jones) rang worried. MARAC referral made today. Seen with stepdad's brother.\n"
    )
    return ReviewSession([document], Decisions(tmp_path / "d.json"), KEY, "dr.test", by="flag")


def test_prompts_understand_codes_names_labels_and_numbers(small):
    from redactor.model import Category

    item = small.current()
    assert small.handle("c", "saf") == "category now safeguarding"
    assert small.handle("c", "Third party name") == "category now third-party name"
    assert small.handle("c", "1") == "category now serious harm"
    assert item.finding.category is Category.SERIOUS_HARM
    refused = small.handle("c", "safeguard")
    assert refused.startswith("not a category") and "2 SAF safeguarding" in refused


def test_a_filter_that_matches_nothing_is_refused_not_the_end(small):
    before = small.current()
    assert "nothing open matches" in small.handle("/", "LEG")
    assert not small.finished and small.current() is before


def test_widen_with_nothing_to_widen_changes_nothing(small):
    item = small.current()
    finding = item.finding
    assert small.handle("w").startswith("nothing to widen")
    assert item.finding is finding  # not turned into a manual mark


def test_marked_words_take_the_category_the_reviewer_names(small):
    from redactor.model import Category

    small.handle("m", "stepdad's brother", "TPI")
    marked = small.items[-1].finding
    assert marked.text == "stepdad's brother" and marked.category is Category.THIRD_PARTY_INFO
    small.handle("m", "worried")
    assert small.items[-1].finding.category is Category.THIRD_PARTY_NAME  # blank: a missed name


def test_context_is_cut_at_words(tmp_path):
    from redactor.model import Action, Category, Document, Entry, Finding

    text = "x" * 5 + " alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike " * 3
    start = text.index("golf", 150)
    doc = Document(path="x.txt", sha256="0", text=text, entries=[Entry("e1", 0, len(text))])
    doc.findings = [
        Finding(start, start + 4, "golf", Category.THIRD_PARTY_NAME, 0.9, "t", "r", Action.REVIEW, entry="e1")
    ]
    session = ReviewSession([doc], Decisions(tmp_path / "d.json"), KEY, "dr.test", by="flag")
    before, _, after = session.context(session.current(), width=40)
    words = set(text.split())
    assert before.split()[0] in words and after.split()[-1] in words


def test_the_review_command_goes_entry_by_entry_or_flag_by_flag(tmp_path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from redactor.cli import app

    monkeypatch.setenv("REDACTOR_KEY_FILE", str(tmp_path / "practice.key"))
    record = tmp_path / "records" / "emis_01.txt"
    record.parent.mkdir()
    record.write_bytes((FIXTURES / "records" / "emis_01.txt").read_bytes())
    runner = CliRunner()
    for by, keys, decision in (("entry", "h\nq\n", "hide"), ("flag", "k\nq\n", "keep")):
        decisions = tmp_path / f"{by}.json"
        args = ["review", str(record), "--decisions", str(decisions), "--no-cache", "--by", by]
        result = runner.invoke(app, args, input=keys)
        assert result.exit_code == 1, result.output  # flags remain undecided
        [recorded] = json.loads(decisions.read_text())["decisions"]
        assert recorded["decision"] == decision
