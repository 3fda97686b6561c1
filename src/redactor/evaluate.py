"""Score a scan report against gold annotations (fixtures/gold/*.json).

A gold span counts as found when a flag (a finding whose action is redact or
review; a `note` holds nothing, so it is no flag) of the same category overlaps
it; third-party names and identifiers are scored together as well, since either flag gets the span removed. Flag precision
is the share of flags that overlap any gold sensitive span. Patient and
professional mentions count as wrongly flagged when a third-party flag overlaps
them. Entry triage compares each entry's verdict with the verdict its gold spans
imply under the report's policy.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .decide import PolicyError, load_policy
from .model import ACTION_RANK, Action, Category

KEEP = {"PATIENT_IDENTIFIER", "PROFESSIONAL"}
THIRD_PARTY = {"THIRD_PARTY_NAME", "THIRD_PARTY_IDENTIFIER"}
# Share of a gold span's characters that flags must cover for `recall_covered`: a name
# with a letter left showing is not redacted; a passage is held if most of it is.
COVERED_WORDS = 0.9
COVERED_PASSAGE = 0.5
VERDICT = {Action.REDACT: "hide", Action.REVIEW: "review", Action.KEEP: "show"}


class EvaluationError(Exception):
    """A report or gold file that cannot be scored."""


def _load_json(path: Path) -> dict:  # type: ignore[type-arg]
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvaluationError(f"{path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise EvaluationError(f"{path}: not valid JSON") from None


def _gold_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    if not files:
        raise EvaluationError("no gold files given")
    return files


def _overlaps(a: dict, b: dict) -> bool:  # type: ignore[type-arg]
    return a["start"] < b["end"] and b["start"] < a["end"]


def evaluate_report(report_path: Path, gold_paths: list[Path]) -> dict[str, object]:
    report = _load_json(report_path)
    if report.get("schema") != 1:
        raise EvaluationError(f"{report_path}: not a schema 1 redactor report")
    try:
        policy = load_policy(report.get("policy"))
    except PolicyError as exc:
        raise EvaluationError(str(exc)) from None
    by_name = {Path(doc["path"]).name: doc for doc in report["documents"]}
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    found_any: Counter[str] = Counter()
    found_covered: Counter[str] = Counter()
    flags = correct_flags = keep_total = keep_flagged = 0
    words = false_names = clean_words = clean_flags = notes = 0
    held_needed = held_caught = shown_needed = shown_held = 0
    entries = entries_right = 0
    sensitive_docs = sensitive_flagged = clean_docs = clean_unflagged = 0
    missing: list[str] = []
    misses: list[dict[str, object]] = []
    enhanced_total = enhanced_right = 0
    for gold_path in _gold_files(gold_paths):
        gold = _load_json(gold_path)
        name = Path(gold["record"]).name
        doc = by_name.get(name)
        if doc is None:
            missing.append(name)
            continue
        flagged = [f for f in doc["findings"] if f["action"] in ("redact", "review")]
        notes += sum(f["action"] == "note" for f in doc["findings"])
        # Records coded for enhanced review before online access (whole-record codes).
        enhanced_total += 1
        enhanced_right += bool(gold.get("enhanced_review")) == bool(doc.get("enhanced_review"))
        spans = gold["spans"]
        sensitive = [s for s in spans if s["category"] not in KEEP]
        for span in sensitive:
            category = span["category"]
            total[category] += 1
            accept = THIRD_PARTY if category in THIRD_PARTY else {category}
            hits = [f for f in flagged if _overlaps(f, span)]
            if any(f["category"] in accept for f in hits):
                found[category] += 1
            else:
                misses.append(
                    {"record": name, "category": category, "start": span["start"], "end": span["end"]}
                )
            if hits:
                found_any[category] += 1
            need = COVERED_WORDS if category in THIRD_PARTY else COVERED_PASSAGE
            found_covered[category] += _coverage(span, [f for f in hits if f["category"] in accept]) >= need
        for flag in flagged:
            flags += 1
            correct_flags += any(_overlaps(flag, s) for s in sensitive)
            false_names += flag["category"] == "THIRD_PARTY_NAME" and not any(
                _overlaps(flag, s) for s in sensitive if s["category"] in THIRD_PARTY
            )
        words += int(gold.get("words") or 0)
        for span in spans:
            if span["category"] in KEEP:
                keep_total += 1
                keep_flagged += any(f["category"] in THIRD_PARTY and _overlaps(f, span) for f in flagged)
        for entry in doc["entries"]:
            inside = [s for s in sensitive if entry["start"] <= s["start"] < entry["end"]]
            strongest = max(
                (policy.actions[Category(s["category"])] for s in inside),
                key=ACTION_RANK.get,
                default=Action.KEEP,
            )
            entries += 1
            entries_right += entry["verdict"] == VERDICT[strongest]
            if strongest is Action.KEEP:
                shown_needed += 1
                shown_held += entry["verdict"] != "show"
            else:
                held_needed += 1
                held_caught += entry["verdict"] != "show"
        if sensitive:
            sensitive_docs += 1
            sensitive_flagged += bool(flagged)
        else:
            clean_docs += 1
            clean_unflagged += not flagged
            clean_words += int(gold.get("words") or 0)
            clean_flags += len(flagged)
    if missing:
        raise EvaluationError(f"{len(missing)} gold records are not in the report (first: {missing[0]})")
    tp_total = total["THIRD_PARTY_NAME"] + total["THIRD_PARTY_IDENTIFIER"]
    tp_found = found["THIRD_PARTY_NAME"] + found["THIRD_PARTY_IDENTIFIER"]
    return {
        "documents": sensitive_docs + clean_docs,
        "recall": {c: _ratio(found[c], total[c]) for c in sorted(total)},
        "recall_any_flag": {c: _ratio(found_any[c], total[c]) for c in sorted(total)},
        # names and identifiers >= 90% of their characters flagged, passages >= 50%
        "recall_covered": {c: _ratio(found_covered[c], total[c]) for c in sorted(total)},
        "third_party_names_and_identifiers_recall_covered": _ratio(
            found_covered["THIRD_PARTY_NAME"] + found_covered["THIRD_PARTY_IDENTIFIER"], tp_total
        ),
        "gold_spans": dict(sorted(total.items())),
        "third_party_names_and_identifiers_recall": _ratio(tp_found, tp_total),
        "flag_precision": _ratio(correct_flags, flags),
        "flags": flags,
        "keep_mentions": keep_total,
        "keep_mentions_wrongly_flagged": _ratio(keep_flagged, keep_total),
        "entries_correctly_triaged": _ratio(entries_right, entries),
        "entries": entries,
        "entries_held_when_needed": _ratio(held_caught, held_needed),
        "entries_wrongly_held": _ratio(shown_held, shown_needed),
        # of the entries held (hide or review), the share that had something to hold
        "entries_held_precision": _ratio(held_caught, held_caught + shown_held),
        "notes_per_1k_words": round(notes * 1000 / words, 2) if words else None,
        "words": words,
        "false_names_per_10k_words": round(false_names * 10_000 / words, 1) if words else None,
        "flags_per_1k_words_on_clean_documents": round(clean_flags * 1000 / clean_words, 2)
        if clean_words
        else None,
        "documents_needing_review_flagged": _ratio(sensitive_flagged, sensitive_docs),
        "clean_documents_without_flags": _ratio(clean_unflagged, clean_docs),
        "clean_documents": clean_docs,
        "enhanced_review_status_correct": _ratio(enhanced_right, enhanced_total),
        "misses": misses,
    }


def _coverage(span: dict, flags: list[dict]) -> float:  # type: ignore[type-arg]
    """Share of the span's characters that the flags cover."""
    covered = 0
    position = span["start"]
    for flag in sorted(flags, key=lambda f: f["start"]):
        start, end = max(position, flag["start"]), min(span["end"], flag["end"])
        if end > start:
            covered += end - start
            position = end
    return covered / max(1, span["end"] - span["start"])


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def print_scores(console: Console, scores: dict[str, object]) -> None:
    table = Table(title=f"evaluation over {scores['documents']} documents", header_style="bold")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("gold spans", justify="right")
    recall = scores["recall"]
    covered = scores["recall_covered"]
    for category, value in recall.items():  # type: ignore[attr-defined]
        table.add_row(f"recall {category}", _fmt(value), str(scores["gold_spans"][category]))  # type: ignore[index]
        need = "90%" if category in THIRD_PARTY else "50%"
        table.add_row(f"  {need} of its characters flagged", _fmt(covered[category]), "")  # type: ignore[index]
    table.add_row(
        "recall third-party names + identifiers", _fmt(scores["third_party_names_and_identifiers_recall"]), ""
    )
    table.add_row(
        "  90% of their characters flagged",
        _fmt(scores["third_party_names_and_identifiers_recall_covered"]),
        "",
    )
    table.add_row("flag precision", _fmt(scores["flag_precision"]), f"{scores['flags']} flags")
    table.add_row(
        "patient/professional mentions wrongly flagged",
        _fmt(scores["keep_mentions_wrongly_flagged"]),
        f"{scores['keep_mentions']} mentions",
    )
    table.add_row(
        "entries correctly triaged", _fmt(scores["entries_correctly_triaged"]), f"{scores['entries']} entries"
    )
    table.add_row("entries needing hide or review held", _fmt(scores["entries_held_when_needed"]), "")
    table.add_row("entries with nothing to hold that were held", _fmt(scores["entries_wrongly_held"]), "")
    table.add_row("held entries that had something to hold", _fmt(scores["entries_held_precision"]), "")
    table.add_row(
        "documents needing review that were flagged", _fmt(scores["documents_needing_review_flagged"]), ""
    )
    table.add_row(
        "clean documents with no flag",
        _fmt(scores["clean_documents_without_flags"]),
        f"{scores['clean_documents']} clean",
    )
    table.add_row(
        "flags per 1,000 words on clean documents",
        _fmt(scores["flags_per_1k_words_on_clean_documents"]),
        f"{scores['words']} words",
    )
    table.add_row("false names per 10,000 words", _fmt(scores["false_names_per_10k_words"]), "")
    table.add_row("notes (quiet tier, holding nothing) per 1,000 words", _fmt(scores["notes_per_1k_words"]), "")
    table.add_row("records' enhanced-review status right", _fmt(scores["enhanced_review_status_correct"]), "")
    console.print(table)


def _fmt(value: object) -> str:
    return "n/a" if value is None else f"{value:.3f}"
