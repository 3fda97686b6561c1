"""Combine overlapping findings into the set a reviewer should see.

Two rules: findings of one category that overlap become one finding over their
union (the strongest reason kept); and where the "who" findings disagree about a
span (patient, professional or third party), a span lying inside a longer one
gives way to it, and otherwise the most certain wins, a tie going to the third
party, because a missed third party can get someone hurt.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import groupby

from ..model import Category, Finding, union_spans

WHO = frozenset(
    {
        Category.THIRD_PARTY_NAME,
        Category.THIRD_PARTY_IDENTIFIER,
        Category.PATIENT_IDENTIFIER,
        Category.PROFESSIONAL,
    }
)
THIRD_PARTY = frozenset({Category.THIRD_PARTY_NAME, Category.THIRD_PARTY_IDENTIFIER})


def resolve(findings: list[Finding], text: str) -> list[Finding]:
    merged = _merge_same_category(findings, text)
    # A span inside a longer one is part of it ("Ashby Vale" in a relative's address),
    # so the longer one stands; otherwise the most certain wins.
    who = _outermost([f for f in merged if f.category in WHO])
    kept_who: list[Finding] = []
    kept_starts: list[int] = []  # kept spans never overlap, so they sort by start and end alike
    for finding in sorted(who, key=_strength, reverse=True):
        index = bisect_right(kept_starts, finding.start)
        if (index and kept_who[index - 1].end > finding.start) or (
            index < len(kept_who) and kept_who[index].start < finding.end
        ):
            continue
        kept_starts.insert(index, finding.start)
        kept_who.insert(index, finding)
    rest = [f for f in merged if f.category not in WHO]
    return sorted(kept_who + rest, key=lambda f: (f.start, f.end, f.category))


def _strength(finding: Finding) -> tuple[float, int, int]:
    return finding.score, finding.category in THIRD_PARTY, finding.end - finding.start


def _outermost(findings: list[Finding]) -> list[Finding]:
    """The findings that lie inside no other (a span equal to another's is inside neither)."""
    out: list[Finding] = []
    reach = -1  # the furthest end among spans before this one in (start, -end) order
    for _, group in groupby(sorted(findings, key=lambda f: (f.start, -f.end)), key=lambda f: (f.start, f.end)):
        spans = list(group)
        if reach < spans[0].end:
            out.extend(spans)
        reach = max(reach, spans[0].end)
    return out


def _merge_same_category(findings: list[Finding], text: str) -> list[Finding]:
    by_category: dict[Category, list[Finding]] = {}
    for finding in findings:
        by_category.setdefault(finding.category, []).append(finding)
    out: list[Finding] = []
    for group in by_category.values():
        group.sort(key=lambda f: (f.start, -f.end))
        current = group[0]
        for finding in group[1:]:
            if finding.start < current.end or (finding.start == current.end == finding.end):
                best = current if current.score >= finding.score else finding
                end = max(current.end, finding.end)
                current = best.with_(
                    start=current.start,
                    end=end,
                    text=text[current.start : end],
                    evidence=union_spans((*_evidence(current), *_evidence(finding))),
                    quiet=current.quiet and finding.quiet,
                )
            else:
                out.append(current)
                current = finding
        out.append(current)
    return out


def _evidence(finding: Finding) -> tuple[tuple[int, int], ...]:
    return finding.evidence or ((finding.start, finding.end),)
