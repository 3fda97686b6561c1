"""Coded entries: SNOMED CT and Read v2 code lists from models/codes/.

A coded item on a list is flagged in its category even when the words around it
say nothing, and the online-access codes set the record's enhanced-review status
(1364731000000104 marks the whole record for review before access;
1364751000000106 clears that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..model import Category, Document, Finding


@dataclass(frozen=True, slots=True)
class CodeList:
    name: str
    category: Category
    score: float
    reason: str
    codes: dict[str, str]  # code -> term


@dataclass(frozen=True, slots=True)
class CodeLists:
    lists: tuple[CodeList, ...]
    enhanced_review: frozenset[str]
    clears: frozenset[str]
    notes: dict[str, str]  # code -> term, shown in the report

    def lookup(self, code: str) -> tuple[CodeList, str] | None:
        for code_list in self.lists:
            if code in code_list.codes:
                return code_list, code_list.codes[code]
        return None


def load_code_lists(folder: Path) -> CodeLists:
    from .resources import ModelDataError

    lists = []
    access: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            raise ModelDataError(f"{path.name}: not valid YAML") from None
        if not isinstance(data, dict) or "source" not in data:
            raise ModelDataError(f"{path.name}: a code list needs a 'source' and its codes")
        if "category" not in data:
            access = {key: {str(k): str(v) for k, v in (data.get(key) or {}).items()} for key in
                      ("enhanced_review", "clears", "note")}  # fmt: skip
            continue
        try:
            category = Category(data["category"])
        except ValueError:
            raise ModelDataError(f"{path.name}: unknown category {data['category']!r}") from None
        codes = {str(k): str(v) for k, v in (data.get("codes") or {}).items()}
        lists.append(CodeList(path.stem, category, float(data["score"]), str(data["reason"]), codes))
    return CodeLists(
        tuple(lists),
        frozenset(access.get("enhanced_review", {})),
        frozenset(access.get("clears", {})),
        access.get("note", {}),
    )


def code_findings(document: Document, code_lists: CodeLists) -> list[Finding]:
    findings = []
    text = document.text
    for item in document.coded:
        found = code_lists.lookup(item.code)
        if found is None or item.end <= item.start:
            continue
        code_list, term = found
        findings.append(
            Finding(
                item.start,
                item.end,
                text[item.start : item.end],
                code_list.category,
                code_list.score,
                f"codes/{code_list.name}",
                f"{code_list.reason}: {item.code} {term}",
            )
        )
    return findings


def record_status(document: Document, code_lists: CodeLists) -> tuple[bool | None, list[str]]:
    """(enhanced review indicated?, notes) from the record's codes. Text exports carry
    codes as text ("1364731000000104"), structured ones as coded items."""
    codes = {item.code for item in document.coded}
    wanted = code_lists.enhanced_review | code_lists.clears | set(code_lists.notes)
    codes |= {code for code in re.findall(r"\b\d{6,18}\b", document.text) if code in wanted}
    notes = [f"{code} {term}" for code, term in code_lists.notes.items() if code in codes]
    if codes & code_lists.clears:
        return False, notes
    if codes & code_lists.enhanced_review:
        return True, notes
    return None, notes
