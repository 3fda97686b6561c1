"""Reviewer decisions that survive re-scans, stored without readable patient data.

A decision is keyed by a fingerprint: an HMAC (SHA-256, with the practice's key,
kept outside the decisions file) of the document's identity, the category, the
normalised span text and the rest of its sentence (normalised). Offsets are
left out on purpose, so an edit elsewhere in the record keeps the decision, while
a change to the sentence itself re-opens it (detect-secrets' baseline idea, with
a keyed hash instead of its unsalted SHA-1, which names and NHS numbers would not
survive).
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ..detect.context import sentence_bounds
from ..model import Action, Category, Document, Entry, Finding
from ..report.json_report import write_atomic

CONTEXT_CHARS = 120
DECISION_ACTIONS = {"redact": Action.REDACT, "keep": Action.KEEP}
ENTRY_DECISIONS = {"hide", "show"}
ENTRY = "ENTRY"  # the category recorded for a whole-entry decision
KEY_ENV = "REDACTOR_KEY_FILE"


class DecisionsError(Exception):
    """A decisions or key file that cannot be used; the message names the file."""


def default_key_file() -> Path:
    configured = os.environ.get(KEY_ENV)
    if configured:
        return Path(configured)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "redactor" / "practice.key"


def load_key(path: Path | None = None, create: bool = True) -> bytes:
    """The practice key: 32 random bytes in a file readable by the owner only."""
    path = path or default_key_file()
    if path.is_file():
        key = path.read_bytes().strip()
        if len(key) < 32:
            raise DecisionsError(f"{path}: practice key is too short (want 64 hex characters)")
        return key
    if not create:
        raise DecisionsError(f"{path}: no practice key; run a review first or set {KEY_ENV}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return path.read_bytes().strip()


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def document_identity(document: Document) -> str:
    """The file's name: stable across re-exports and folder moves, unlike its hash."""
    return Path(document.path).name


def fingerprint(key: bytes, document: Document, finding: Finding) -> str:
    text = document.text
    # The sentence around the span: an edit there re-opens the decision, one elsewhere does not.
    left, right = sentence_bounds(text, finding.start, finding.end)
    before = _normalise(text[max(left, finding.start - CONTEXT_CHARS) : finding.start])
    after = _normalise(text[finding.end : min(right, finding.end + CONTEXT_CHARS)])
    message = "\x1f".join(
        [document_identity(document), str(finding.category), _normalise(finding.text), before, after]
    )
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def entry_fingerprint(key: bytes, document: Document, entry: Entry) -> str:
    message = "\x1f".join(
        [document_identity(document), ENTRY, _normalise(document.text[entry.start : entry.end])]
    )
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Decision:
    fingerprint: str
    category: str
    decision: str  # "redact" or "keep" for a finding; "hide" or "show" for an entry
    reviewer: str
    time: str
    note: str = ""
    # Only for spans a reviewer drew or re-drew (no detector finding to match on a
    # re-scan): where it was. Offsets carry no patient data; the fingerprint still
    # has to match at that place for the decision to apply.
    start: int | None = None
    end: int | None = None


class Decisions:
    """The decisions file: one record per decided finding, sorted, no churn."""

    def __init__(self, path: Path, records: dict[str, Decision] | None = None) -> None:
        self.path = path
        self.records = records or {}

    @classmethod
    def load(cls, path: Path) -> Decisions:
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            records = {r["fingerprint"]: Decision(**r) for r in data["decisions"]}
            if data.get("schema") != 1:
                raise KeyError("schema")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise DecisionsError(f"{path}: not valid JSON") from None
        except (KeyError, TypeError):
            raise DecisionsError(f"{path}: not a redactor decisions file") from None
        for record in records.values():
            if record.decision not in DECISION_ACTIONS and record.decision not in ENTRY_DECISIONS:
                raise DecisionsError(f"{path}: unknown decision {record.decision!r}")
        return cls(path, records)

    def save(self) -> None:
        ordered = [
            {k: v for k, v in asdict(self.records[key]).items() if v is not None}
            for key in sorted(self.records)
        ]
        body = {"schema": 1, "tool": "redactor", "decisions": ordered}
        write_atomic(self.path, json.dumps(body, indent=1, ensure_ascii=False) + "\n")

    def record(
        self,
        print_: str,
        category: Category | str,
        decision: str,
        reviewer: str | None = None,
        note: str = "",
        span: tuple[int, int] | None = None,
    ) -> Decision:
        if decision not in DECISION_ACTIONS and decision not in ENTRY_DECISIONS:
            raise ValueError(f"unknown decision {decision!r}")
        entry = Decision(
            fingerprint=print_,
            category=str(category),
            decision=decision,
            reviewer=reviewer or current_reviewer(),
            time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            note=note,
            start=span[0] if span else None,
            end=span[1] if span else None,
        )
        self.records[print_] = entry
        AuditLog(self.path).append(entry)
        return entry


def current_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class AuditLog:
    """Append-only JSON lines beside the decisions file: who decided what, when, why.
    Fingerprints and categories only, never record text."""

    def __init__(self, decisions_path: Path) -> None:
        self.path = decisions_path.with_name(decisions_path.name + ".audit.jsonl")

    def append(self, decision: Decision) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(decision), ensure_ascii=False, sort_keys=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def apply_decisions(document: Document, decisions: Decisions, key: bytes) -> None:
    """Fingerprint every finding; give decided ones the reviewer's action; restore
    reviewer-drawn spans whose text is unchanged; apply whole-entry decisions."""
    out = []
    for finding in document.findings:
        print_ = fingerprint(key, document, finding)
        record = decisions.records.get(print_)
        if record is None:
            out.append(replace(finding, fingerprint=print_))
        else:
            action = DECISION_ACTIONS[record.decision]
            out.append(replace(finding, fingerprint=print_, decision=record.decision, action=action))
    known = {f.fingerprint for f in out}
    for record in decisions.records.values():
        if record.start is None or record.end is None or record.fingerprint in known:
            continue
        if not 0 <= record.start < record.end <= len(document.text):
            continue
        drawn = reviewer_span(document, record.start, record.end, Category(record.category))
        if fingerprint(key, document, drawn) == record.fingerprint:
            out.append(
                replace(
                    drawn,
                    fingerprint=record.fingerprint,
                    decision=record.decision,
                    action=DECISION_ACTIONS[record.decision],
                )
            )
    document.findings = sorted(out, key=lambda f: (f.start, f.end))
    document.entries = [
        replace(entry, decision=record.decision)
        if (record := decisions.records.get(entry_fingerprint(key, document, entry)))
        else entry
        for entry in document.entries
    ]


def reviewer_span(document: Document, start: int, end: int, category: Category) -> Finding:
    """A span a reviewer drew or re-drew, as a finding."""
    entry = document.entry_of(start)
    return Finding(
        start,
        end,
        document.text[start:end],
        category,
        1.0,
        "review/manual",
        "marked by a reviewer",
        page=document.page_of(start),
        entry=entry.id if entry else None,
    )


def default_decisions_path(inputs: list[str]) -> Path:
    """Beside the inputs: in the folder scanned, or beside the first file."""
    first = Path(inputs[0]) if inputs else Path(".")
    folder = first if first.is_dir() else first.parent
    return folder / ".redactor-decisions.json"
