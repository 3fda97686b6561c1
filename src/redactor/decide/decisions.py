"""Reviewer decisions that survive re-scans, stored without readable patient data.

A decision is keyed by a fingerprint: an HMAC (SHA-256, with the practice's key,
kept outside the decisions file) of the document's identity, the category, the
normalised span text and the rest of its sentence (normalised). Offsets are
left out on purpose, so an edit elsewhere in the record keeps the decision, while
a change to the sentence itself re-opens it (detect-secrets' baseline idea, with
a keyed hash instead of its unsalted SHA-1, which names and NHS numbers would not
survive).

A reviewer's note is free text and can name anyone, so it is stored encrypted
(Fernet) under a key derived from the practice key with HKDF; the HMAC key itself
is never used for anything else. Only a review session, which holds the practice
key, shows it.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..detect.context import sentence_bounds
from ..model import Action, Category, Document, Entry, Finding
from ..report.json_report import write_atomic

CONTEXT_CHARS = 120
DECISION_ACTIONS = {"redact": Action.REDACT, "keep": Action.KEEP}
ENTRY_DECISIONS = {"hide", "show"}
ENTRY = "ENTRY"  # the category recorded for a whole-entry decision
KEY_ENV = "REDACTOR_KEY_FILE"
NOTE_UNREADABLE = "(note unreadable: another practice key)"
FINGERPRINT = re.compile(r"[0-9a-f]{64}")
TOKEN = re.compile(r"[A-Za-z0-9_=-]*")  # Fernet tokens are URL-safe base64


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
    try:
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
    except OSError as exc:  # unreadable, or a folder in its place
        raise DecisionsError(
            f"{path}: practice key cannot be used ({exc.strerror or type(exc).__name__})"
        ) from None


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


def _notes_cipher(key: bytes) -> Fernet:
    """A key of its own for notes, so the fingerprint key never doubles as a cipher key."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"redactor notes").derive(key)
    return Fernet(base64.urlsafe_b64encode(derived))


def seal_note(key: bytes, note: str) -> str:
    """A note as stored: a Fernet token, or "" for no note."""
    return _notes_cipher(key).encrypt(note.encode("utf-8")).decode("ascii") if note else ""


def open_note(key: bytes, token: str) -> str:
    """The note back; a placeholder, never an error, when another key sealed it."""
    if not token:
        return ""
    try:
        return _notes_cipher(key).decrypt(token).decode("utf-8")
    except (InvalidToken, ValueError):  # ValueError: not base64, or not UTF-8 inside
        return NOTE_UNREADABLE


@dataclass(frozen=True, slots=True)
class Decision:
    fingerprint: str
    category: str
    decision: str  # "redact" or "keep" for a finding; "hide" or "show" for an entry
    reviewer: str
    time: str
    note_encrypted: str = ""  # a Fernet token (seal_note); never the note itself
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
        # Notes read from a file written before notes were encrypted; sealed on the next save.
        self.plain_notes: dict[str, str] = {}

    @classmethod
    def load(cls, path: Path) -> Decisions:
        """Read and check the file; every error names the file, the decision and the
        field, never a value (a hand-edited file could hold anything)."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except IsADirectoryError:
            raise DecisionsError(f"{path}: is a folder, not a decisions file") from None
        except PermissionError:
            raise DecisionsError(f"{path}: cannot be read (permission denied)") from None
        except UnicodeDecodeError:
            raise DecisionsError(f"{path}: not valid JSON") from None
        except OSError as exc:
            raise DecisionsError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # ValueError also for a number too long to read
            raise DecisionsError(f"{path}: not valid JSON") from None
        if not isinstance(data, dict) or not _is_int(data.get("schema")) or data["schema"] != 1:
            raise DecisionsError(f"{path}: not a redactor decisions file (schema 1)")
        if not isinstance(data.get("decisions"), list):
            raise DecisionsError(f"{path}: 'decisions' is not a list")
        book = cls(path)
        for index, raw in enumerate(data["decisions"]):
            decision, plain_note = _checked(f"{path}: decision {index}", raw)
            book.records[decision.fingerprint] = decision
            if plain_note:
                book.plain_notes[decision.fingerprint] = plain_note
        return book

    def save(self, key: bytes) -> None:
        """Write the file, sealing any note still in plain text from an older file."""
        for print_, note in self.plain_notes.items():
            if print_ in self.records:
                self.records[print_] = replace(self.records[print_], note_encrypted=seal_note(key, note))
        self.plain_notes.clear()
        ordered = [
            {k: v for k, v in asdict(self.records[print_]).items() if v is not None}
            for print_ in sorted(self.records)
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
        key: bytes | None = None,
    ) -> Decision:
        """Record a decision (and append it to the audit log); a note needs the key to seal it."""
        if decision not in DECISION_ACTIONS and decision not in ENTRY_DECISIONS:
            raise ValueError("unknown decision word")
        if note and key is None:
            raise ValueError("a note is stored encrypted: pass the practice key")
        entry = Decision(
            fingerprint=print_,
            category=str(category),
            decision=decision,
            reviewer=reviewer or current_reviewer(),
            time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            note_encrypted=seal_note(key, note) if key is not None else "",
            start=span[0] if span else None,
            end=span[1] if span else None,
        )
        self.records[print_] = entry
        self.plain_notes.pop(print_, None)
        AuditLog(self.path).append(entry)
        return entry

    def note(self, key: bytes, print_: str) -> str:
        """The note of a decision in plain text, for the reviewer's eyes only."""
        if print_ in self.plain_notes:
            return self.plain_notes[print_]
        record = self.records.get(print_)
        return open_note(key, record.note_encrypted) if record else ""


FIELDS = {f.name for f in fields(Decision)}
TEXT_FIELDS = ("fingerprint", "category", "decision", "reviewer", "time", "note", "note_encrypted")
CATEGORY_NAMES = {str(c) for c in Category} | {ENTRY}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _checked(where: str, raw: object) -> tuple[Decision, str]:
    """One stored decision and its legacy plain-text note, if it has one."""
    if not isinstance(raw, dict):
        raise DecisionsError(f"{where}: not an object")
    if set(raw) - FIELDS - {"note"}:  # an unknown name is not repeated either: it is the file's text
        raise DecisionsError(f"{where}: has a field redactor does not know")
    for name in ("fingerprint", "category", "decision", "reviewer", "time"):
        if name not in raw:
            raise DecisionsError(f"{where}: '{name}' is missing")
    for name in TEXT_FIELDS:
        if name in raw and not isinstance(raw[name], str):
            raise DecisionsError(f"{where}: '{name}' is not text")
    if not FINGERPRINT.fullmatch(raw["fingerprint"]):
        raise DecisionsError(f"{where}: 'fingerprint' is not 64 hexadecimal characters")
    if raw["category"] not in CATEGORY_NAMES:
        raise DecisionsError(f"{where}: 'category' is not a known category")
    if raw["decision"] not in DECISION_ACTIONS and raw["decision"] not in ENTRY_DECISIONS:
        raise DecisionsError(f"{where}: 'decision' is not one of redact, keep, hide, show")
    if (raw["category"] == ENTRY) != (raw["decision"] in ENTRY_DECISIONS):
        raise DecisionsError(f"{where}: 'decision' does not fit its category (hide or show for an entry)")
    for name in ("start", "end"):
        if name in raw and not (_is_int(raw[name]) and raw[name] >= 0):
            raise DecisionsError(f"{where}: '{name}' is not a whole number")
    if ("start" in raw) != ("end" in raw):
        raise DecisionsError(f"{where}: 'start' and 'end' go together")
    if "start" in raw and raw["category"] == ENTRY:
        raise DecisionsError(f"{where}: 'start' and 'end' are for a span, not an entry")
    if not TOKEN.fullmatch(raw.get("note_encrypted", "")):
        raise DecisionsError(f"{where}: 'note_encrypted' is not a sealed note")
    if "note" in raw and "note_encrypted" in raw:
        raise DecisionsError(f"{where}: has both 'note' and 'note_encrypted'")
    plain_note = raw.get("note", "")
    return Decision(**{k: v for k, v in raw.items() if k != "note"}), plain_note


def current_reviewer() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class AuditLog:
    """Append-only JSON lines beside the decisions file: who decided what, when, why.
    Fingerprints, categories and sealed notes only, never record text."""

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
