"""Reviewer decisions that survive re-scans, renames and re-exports, stored without
readable patient data, and shared by several reviewers at once.

A decision is keyed by a fingerprint: an HMAC (SHA-256, with the practice's key, kept
outside the decisions file) of what was decided, never of where it sits:

- a finding: the record (the patient's NHS number, where the record has one), its
  entry's date and author, the category, the normalised span text and the rest of
  its sentence (normalised);
- an entry: the record, its date and author, and its normalised text.

File names and offsets are left out on purpose, so renaming a file, re-exporting the
record with new entries above, or an edit elsewhere keeps the decision, while a change
to the sentence itself re-opens it (detect-secrets' baseline idea, with a keyed hash
instead of its unsalted SHA-1, which names and NHS numbers would not survive). The
first formula had the file's name where the record now stands; its fingerprints
still match, and are re-keyed quietly on the next save.

A reviewer's note is free text and can name anyone, so it is stored encrypted
(Fernet) under a key derived from the practice key with HKDF; the HMAC key itself
is never used for anything else. Only a review session, which holds the practice
key, shows it.

Reviewers on several PCs may share one decisions file in the practice's network
folder, where SQLite's locking cannot be trusted but `O_CREAT|O_EXCL` and `os.replace`
can: `save` takes a lock file beside it, re-reads it, merges (what this session
decided since it last saved wins; everything else on disk is kept), replaces it whole
and appends the audit lines, all under that lock.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import json
import os
import random
import re
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..detect.context import sentence_bounds
from ..model import HOLDS, Action, Category, Document, Entry, Finding
from ..report.json_report import process_alive, write_atomic

CONTEXT_CHARS = 120
DECISION_ACTIONS = {"redact": Action.REDACT, "keep": Action.KEEP}
ENTRY_DECISIONS = {"hide", "show"}
ENTRY = "ENTRY"  # the category recorded for a whole-entry decision
KEY_ENV = "REDACTOR_KEY_FILE"
NOTE_UNREADABLE = "(note unreadable: another practice key)"
FINGERPRINT = re.compile(r"[0-9a-f]{64}")
TOKEN = re.compile(r"[A-Za-z0-9_=-]*")  # Fernet tokens are URL-safe base64
FORMULA = "2"  # heads every fingerprint message; the first formula had the file's name there
MANUAL_RULE = "review/manual"  # the rule of a span a reviewer drew
LOCK_WAIT = 45.0  # seconds a save waits for another's lock: longer than LOCK_STALE
LOCK_STALE = 30.0  # a lock seen unchanged this long was left by a save that died
LOCK_EXPIRED = 600.0  # by its own time stamp; generous, as the clocks of a practice's PCs may differ
LOCK_REFUSED = 2.0  # seconds of "permission denied" before that is taken as the answer
SAVE_TRIES = 3


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


def _keyed(key: bytes, parts: list[str]) -> str:
    return hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def record_key(document: Document) -> str:
    """The record's part of a fingerprint: the patient's NHS number, the same whatever
    the file is called and however often it is exported; empty where there is none
    (the entry's date, author and text then carry the decision)."""
    digits = re.sub(r"\D", "", document.patient.nhs_number or "")
    return f"nhs {digits}" if digits else ""


def _entry_parts(entry: Entry | None) -> list[str]:
    """An entry's date and author, normalised; empty for text in no entry."""
    return [_normalise(entry.date or ""), _normalise(entry.author or "")] if entry else ["", ""]


def _sentence_parts(text: str, start: int, end: int, span: str) -> list[str]:
    """The span and the rest of its sentence: an edit there re-opens the decision, one elsewhere does not."""
    left, right = sentence_bounds(text, start, end)
    before = text[max(left, start - CONTEXT_CHARS) : start]
    after = text[end : min(right, end + CONTEXT_CHARS)]
    return [_normalise(span), _normalise(before), _normalise(after)]


def _span_print(
    key: bytes, document: Document, category: Category | str, start: int, end: int, span: str
) -> str:
    head = [FORMULA, record_key(document), *_entry_parts(document.entry_of(start)), str(category)]
    return _keyed(key, [*head, *_sentence_parts(document.text, start, end, span)])


def fingerprint(key: bytes, document: Document, finding: Finding) -> str:
    """A finding's key: record, entry date and author, category, span and its sentence."""
    return _span_print(key, document, finding.category, finding.start, finding.end, finding.text)


def entry_fingerprint(key: bytes, document: Document, entry: Entry) -> str:
    """An entry's key: record, date, author and its whole text, so any edit re-opens it."""
    text = _normalise(document.text[entry.start : entry.end])
    return _keyed(key, [FORMULA, record_key(document), ENTRY, *_entry_parts(entry), text])


def _scope(key: bytes, document: Document, entry: Entry | None) -> str | None:
    """Where a drawn span belongs (record, entry date and author), to find it again when
    a re-export moves it; None where that says nothing (no NHS number, no entry)."""
    parts = [record_key(document), *_entry_parts(entry)]
    return _keyed(key, ["scope", *parts]) if any(parts) else None


def span_scope(key: bytes, document: Document, start: int) -> str | None:
    """The scope to record with a span a reviewer drew at `start` (see `_scope`)."""
    return _scope(key, document, document.entry_of(start))


def document_identity(document: Document) -> str:
    """The first formula's record part, the file's name: read, never written any more."""
    return Path(document.path).name


def legacy_fingerprint(key: bytes, document: Document, finding: Finding) -> str:
    """A finding's key by the first formula (file name, category, span, sentence)."""
    sentence = _sentence_parts(document.text, finding.start, finding.end, finding.text)
    return _keyed(key, [document_identity(document), str(finding.category), *sentence])


def legacy_entry_fingerprint(key: bytes, document: Document, entry: Entry) -> str:
    """An entry's key by the first formula (file name and its text)."""
    text = _normalise(document.text[entry.start : entry.end])
    return _keyed(key, [document_identity(document), ENTRY, text])


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
    # For a drawn span: a keyed hash of its record and entry (_scope), so a re-export
    # that moves it finds it again by searching that entry.
    scope: str | None = None


class Decisions:
    """The decisions file: one record per decided finding or entry, sorted, no churn.

    `records` is what this session knows. `save` merges it into the file as it is on
    disk at that moment: a record this session changed since it last read or wrote the
    file wins, by fingerprint; every other record on disk is kept and comes back into
    `records`, so reviewers sharing the file see each other's decisions and never undo
    them. A record removed from `records` is not removed from the file."""

    def __init__(self, path: Path, records: dict[str, Decision] | None = None) -> None:
        self.path = path
        self.records = records or {}
        # Notes read from a file written before notes were encrypted; sealed on the next save.
        self.plain_notes: dict[str, str] = {}
        # The records as last read from or written to the file: one that differs from
        # these in `records` was decided in this session.
        self._saved: dict[str, Decision] = {}
        # Found by apply_decisions under an old fingerprint or at a new place: the
        # fingerprint to store -> (the one on disk, the record as it should now read).
        self._moves: dict[str, tuple[str, Decision]] = {}
        self._unaudited: list[Decision] = []  # recorded; logged with the next save

    @classmethod
    def load(cls, path: Path) -> Decisions:
        """Read and check the file; every error names the file, the decision and the
        field, never a value (a hand-edited file could hold anything)."""
        book = cls(path)
        book.records, book.plain_notes = _read(path)
        book._saved = dict(book.records)
        return book

    def save(self, key: bytes) -> None:
        """Merge this session's decisions into the file under its lock, replace the file
        whole and append their audit lines; seals notes still in plain text."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(SAVE_TRIES):
            with _Lock(self.path) as lock:
                on_disk, plain = _read(self.path)
                merged = self._merged(key, on_disk, plain)
                if not lock.held():
                    continue  # stalled so long that another save broke the lock: merge again
                if merged != on_disk or not self.path.exists():
                    _write(self.path, merged)
                audit = AuditLog(self.path)
                while self._unaudited:
                    audit.append(self._unaudited[0])
                    del self._unaudited[0]
                break
        else:
            raise DecisionsError(
                f"{self.path}: another save kept taking the lock; decisions not saved, try again"
            )
        self.records.clear()
        self.records.update(merged)
        self._saved = dict(merged)
        self._moves.clear()
        self.plain_notes.clear()

    def _merged(self, key: bytes, on_disk: dict[str, Decision], plain: dict[str, str]) -> dict[str, Decision]:
        """The file as it should be: what is on disk, this session's moves and re-keys
        where the disk has not moved on, then this session's own decisions."""
        sealed = dict(on_disk)
        for print_, note in plain.items():
            sealed[print_] = replace(sealed[print_], note_encrypted=seal_note(key, note))
        merged = dict(sealed)
        for target, (source, moved) in self._moves.items():
            if target != source:
                merged.pop(source, None)
                if target in sealed:  # re-keyed by another session already, or decided again
                    continue
            if (base := sealed.get(source)) is not None:  # the disk's, which may be newer than ours
                merged[target] = replace(
                    base, fingerprint=target, start=moved.start, end=moved.end, scope=moved.scope
                )
            elif target != source:  # another session re-keyed the old record elsewhere: keep ours too
                note = self.plain_notes.get(target)
                merged[target] = replace(moved, note_encrypted=seal_note(key, note)) if note else moved
        for print_, record in self.records.items():
            if self._saved.get(print_) != record:
                merged[print_] = record
        return merged

    def record(
        self,
        print_: str,
        category: Category | str,
        decision: str,
        reviewer: str | None = None,
        note: str = "",
        span: tuple[int, int] | None = None,
        key: bytes | None = None,
        scope: str | None = None,
    ) -> Decision:
        """Record a decision (its audit line goes in with the next save, under the same
        lock); a note needs the key to seal it. A span a reviewer drew comes with its
        place (`span`) and, where it has one, its `span_scope`."""
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
            scope=scope if span else None,
        )
        self.records[print_] = entry
        self.plain_notes.pop(print_, None)
        self._unaudited.append(entry)
        return entry

    def note(self, key: bytes, print_: str) -> str:
        """The note of a decision in plain text, for the reviewer's eyes only."""
        if print_ in self.plain_notes:
            return self.plain_notes[print_]
        record = self.records.get(print_)
        return open_note(key, record.note_encrypted) if record else ""

    def match(self, print_: str, legacy: Callable[[], str]) -> Decision | None:
        """The decision for a fingerprint, or one recorded under its first-formula
        fingerprint (`legacy`), then re-keyed in memory and on the next save."""
        record = self.records.get(print_)
        if record is not None or not self.records:
            return record
        old = self.records.get(legacy())
        return None if old is None else self.move(old, fingerprint=print_)

    def move(self, record: Decision, **changes: object) -> Decision:
        """A record re-keyed or found at a new place: the new form, kept in memory now and
        stored on the next save unless another session changed it first."""
        moved = replace(record, **changes)  # type: ignore[arg-type]
        self.records[moved.fingerprint] = moved
        if self._saved.get(record.fingerprint) == record:  # else decided in this session: saved as it is
            self._saved[moved.fingerprint] = moved
            self._moves[moved.fingerprint] = (record.fingerprint, moved)
        if record.fingerprint in self.plain_notes:
            self.plain_notes[moved.fingerprint] = self.plain_notes[record.fingerprint]
        return moved


def _read(path: Path) -> tuple[dict[str, Decision], dict[str, str]]:
    """The file's records and legacy plain-text notes; none for a file not there yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, {}
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
    records: dict[str, Decision] = {}
    plain_notes: dict[str, str] = {}
    for index, raw in enumerate(data["decisions"]):
        decision, plain_note = _checked(f"{path}: decision {index}", raw)
        records[decision.fingerprint] = decision
        if plain_note:
            plain_notes[decision.fingerprint] = plain_note
        else:
            plain_notes.pop(decision.fingerprint, None)
    return records, plain_notes


def _write(path: Path, records: dict[str, Decision]) -> None:
    """One decision a line, sorted: a diff shows what changed, and dumping stays fast."""
    lines = ",\n".join(
        "  " + json.dumps(_stored(records[print_]), ensure_ascii=False) for print_ in sorted(records)
    )
    head = '{\n "schema": 1,\n "tool": "redactor",\n "decisions": ['
    write_atomic(path, head + (f"\n{lines}\n ]" if lines else "]") + "\n}\n")


def _stored(record: Decision) -> dict[str, object]:
    """A decision as stored, without the fields it leaves empty (asdict deep-copies: slow)."""
    return {name: value for name in FIELD_ORDER if (value := getattr(record, name)) is not None}


FIELD_ORDER = [f.name for f in fields(Decision)]
FIELDS = set(FIELD_ORDER)
TEXT_FIELDS = ("fingerprint", "category", "decision", "reviewer", "time", "note", "note_encrypted", "scope")
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
    if "scope" in raw and not FINGERPRINT.fullmatch(raw["scope"]):
        raise DecisionsError(f"{where}: 'scope' is not 64 hexadecimal characters")
    if "scope" in raw and "start" not in raw:
        raise DecisionsError(f"{where}: 'scope' is for a drawn span, with 'start' and 'end'")
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
    Fingerprints, categories and sealed notes only, never record text. Appended under
    the decisions file's lock, as O_APPEND alone does not keep two network clients'
    lines apart."""

    def __init__(self, decisions_path: Path) -> None:
        self.path = decisions_path.with_name(decisions_path.name + ".audit.jsonl")

    def append(self, decision: Decision) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(decision), ensure_ascii=False, sort_keys=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class _Lock:
    """A lock file beside the decisions file, made with O_CREAT|O_EXCL (which SMB and
    NFS honour) and holding who took it: pid, host, time and a token of its own.

    A lock is stale, and broken, when its holder is a dead process on this PC, when it
    has stayed the same for LOCK_STALE seconds while we waited (a save takes
    milliseconds; clocks need not agree for this), or when its own time stamp is
    LOCK_EXPIRED old. Two waiters breaking the same stale lock each check it is still
    the one they judged just before removing it; a holder checks the lock is still
    its own before writing (`held`)."""

    def __init__(self, decisions_path: Path) -> None:
        self.decisions_path = decisions_path
        self.path = decisions_path.with_name(decisions_path.name + ".lock")
        stamp = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "token": secrets.token_hex(8),
        }
        self.stamp = json.dumps(stamp)
        self._refused: float | None = None  # since when creating the lock has been refused

    def __enter__(self) -> _Lock:
        deadline = time.monotonic() + LOCK_WAIT
        watched, since, pause = None, time.monotonic(), 0.002
        while not self._create():
            holder = self._read()
            now = time.monotonic()
            if holder is None and self._refused is None:
                continue  # released since we tried: try again at once
            if holder is not None:
                if holder != watched:
                    watched, since = holder, now
                if (_stale(holder) or now - since >= LOCK_STALE) and self._break(holder):
                    continue
            if now >= deadline:
                raise DecisionsError(
                    f"{self.decisions_path}: another review is saving to it ({_who(holder or '')}); "
                    f"try again, or delete {self.path.name} if no redactor is running"
                )
            time.sleep(pause * (1 + random.random()))  # jitter: waiters do not wake together
            pause = min(pause * 2, 0.05)
        return self

    def _create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            self._refused = None
            return False
        except PermissionError:  # Windows refuses while the last holder's lock is being deleted
            self._refused = self._refused or time.monotonic()
            if time.monotonic() - self._refused > LOCK_REFUSED:
                raise DecisionsError(f"{self.decisions_path}: cannot lock it (permission denied)") from None
            return False
        except OSError as exc:
            raise DecisionsError(
                f"{self.decisions_path}: cannot lock it ({exc.strerror or type(exc).__name__})"
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.stamp)
        return True

    def __exit__(self, *exc: object) -> None:
        if self.held():
            self._unlink()

    def held(self) -> bool:
        return self._read() == self.stamp

    def _read(self) -> str | None:
        """The lock's content; None when there is no lock, "" when it cannot be read."""
        try:
            return self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return None
        except OSError:
            return ""

    def _break(self, judged: str) -> bool:
        """Remove a stale lock, if it is still the one judged; False if it cannot be removed."""
        return self._unlink() if self._read() == judged else True

    def _unlink(self) -> bool:
        for _ in range(20):  # Windows refuses while another process reads the lock
            try:
                self.path.unlink(missing_ok=True)
                return True
            except PermissionError:
                time.sleep(0.01)
        return False  # left behind: others break it once it has stayed unchanged for LOCK_STALE


def _holder(text: str) -> dict[str, object]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _stale(text: str) -> bool:
    """A lock left by a dead process on this PC, or stamped LOCK_EXPIRED ago."""
    holder = _holder(text)
    pid, stamped = holder.get("pid"), holder.get("time")
    if isinstance(pid, int) and holder.get("host") == socket.gethostname() and not process_alive(pid):
        return True
    try:
        taken = datetime.strptime(str(stamped), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return False
    return (datetime.now(UTC) - taken).total_seconds() > LOCK_EXPIRED


def _who(text: str) -> str:
    """Who holds a lock, for the error: pid and host, checked before they are shown."""
    holder = _holder(text)
    pid, host = holder.get("pid"), holder.get("host")
    if not _is_int(pid) or not isinstance(host, str) or not re.fullmatch(r"[\w.-]{1,64}", host):
        return "lock held"
    return f"lock held by process {pid} on {host}"


def apply_decisions(document: Document, decisions: Decisions, key: bytes) -> None:
    """Fingerprint every finding and give decided ones the reviewer's action; restore
    reviewer-drawn spans; apply whole-entry decisions, which settle the held findings
    in the entry unless a finding's own decision is as recent; note who decided."""
    applied: list[Decision] = []
    by_entry: dict[str, Decision] = {}
    entries = []
    for entry in document.entries:
        record = decisions.match(
            entry_fingerprint(key, document, entry),
            lambda e=entry: legacy_entry_fingerprint(key, document, e),
        )
        if record is not None:
            by_entry[entry.id] = record
            applied.append(record)
        entries.append(replace(entry, decision=record.decision) if record else entry)
    document.entries = entries

    out = []
    for finding in document.findings:
        print_ = fingerprint(key, document, finding)
        own = decisions.match(print_, lambda f=finding: legacy_fingerprint(key, document, f))
        # decision=None: a finding copied from another document (the same bytes twice) brings its own
        out.append(
            _settled(document, replace(finding, fingerprint=print_, decision=None), own, by_entry, applied)
        )
    known = {f.fingerprint for f in out}
    scopes: dict[str, list[Entry]] | None = None
    for record in list(decisions.records.values()):
        if record.start is None or record.end is None or record.fingerprint in known:
            continue
        if record.scope is not None and scopes is None:
            scopes = _entry_scopes(key, document)
        drawn = _drawn(document, decisions, key, record, scopes or {})
        if drawn is not None and drawn.fingerprint not in known:
            known.add(drawn.fingerprint or "")
            out.append(
                _settled(document, drawn, decisions.records[drawn.fingerprint or ""], by_entry, applied)
            )
    document.findings = sorted(out, key=lambda f: (f.start, f.end))
    document.reviewers = sorted({record.reviewer for record in applied})


def _settled(
    document: Document,
    finding: Finding,
    own: Decision | None,
    by_entry: dict[str, Decision],
    applied: list[Decision],
) -> Finding:
    """A finding with the decision that holds: its entry's hide or show where the policy
    held it (redact or review) and its own decision is older or absent; else its own."""
    entry = document.entry_of(finding.start)
    whole = by_entry.get(entry.id) if entry else None
    if whole is not None and finding.action in HOLDS and (own is None or own.time < whole.time):
        decision = "redact" if whole.decision == "hide" else "keep"
        return replace(finding, decision=decision, action=DECISION_ACTIONS[decision])
    if own is None:
        return finding
    applied.append(own)
    return replace(finding, decision=own.decision, action=DECISION_ACTIONS[own.decision])


def _entry_scopes(key: bytes, document: Document) -> dict[str, list[Entry]]:
    scopes: dict[str, list[Entry]] = {}
    for entry in document.entries:
        if (scope := _scope(key, document, entry)) is not None:
            scopes.setdefault(scope, []).append(entry)
    return scopes


def _drawn(
    document: Document, decisions: Decisions, key: bytes, record: Decision, scopes: dict[str, list[Entry]]
) -> Finding | None:
    """A span a reviewer drew, where it was or, after a re-export moved it, searched for
    in the entries of its scope; its fingerprint must match where it is found."""
    assert record.start is not None and record.end is not None
    category = Category(record.category)
    text, length = document.text, record.end - record.start
    if 0 <= record.start < record.end <= len(text):
        span = text[record.start : record.end]
        here = _span_print(key, document, category, record.start, record.end, span)
        scope = _scope(key, document, document.entry_of(record.start))
        if here == record.fingerprint:
            if record.scope != scope and scope is not None:
                decisions.move(record, scope=scope)
            return replace(reviewer_span(document, record.start, record.end, category), fingerprint=here)
        drawn = reviewer_span(document, record.start, record.end, category)
        if here not in decisions.records and legacy_fingerprint(key, document, drawn) == record.fingerprint:
            decisions.move(record, fingerprint=here, scope=scope)
            return replace(drawn, fingerprint=here)
    for entry in scopes.get(record.scope or "", []):
        for start in range(entry.start, entry.end - length + 1):
            span = text[start : start + length]
            if _span_print(key, document, category, start, start + length, span) == record.fingerprint:
                decisions.move(record, start=start, end=start + length)
                return replace(
                    reviewer_span(document, start, start + length, category), fingerprint=record.fingerprint
                )
    return None


def reviewer_span(document: Document, start: int, end: int, category: Category) -> Finding:
    """A span a reviewer drew or re-drew, as a finding."""
    entry = document.entry_of(start)
    return Finding(
        start,
        end,
        document.text[start:end],
        category,
        1.0,
        MANUAL_RULE,
        "marked by a reviewer",
        page=document.page_of(start),
        entry=entry.id if entry else None,
    )


def default_decisions_path(inputs: list[str]) -> Path:
    """Beside the inputs: in the folder scanned, or beside the first file."""
    first = Path(inputs[0]) if inputs else Path(".")
    folder = first if first.is_dir() else first.parent
    return folder / ".redactor-decisions.json"
