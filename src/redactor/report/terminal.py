"""The terminal summary: per document, entries to hide and review and findings by
category; then totals. It shows counts, never record text, so it is safe in a
shared terminal or a CI log. Categories are shown by the vocabulary's codes and
labels (vocabulary.py), the same spellings review and the HTML report use."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..model import HOLDS, Action, Category, Document, Finding, Verdict
from ..vocabulary import CODES, LABELS, ORDER, counted


def coded(counts: Counter[Category]) -> str:
    """ "HRM 1, SAF 5, TPN 3": most harmful first, in the vocabulary's codes."""
    return ", ".join(f"{CODES[c]} {counts[c]}" for c in ORDER if counts[c])


def legend(categories: set[Category]) -> str:
    """ "HRM serious harm, SAF safeguarding": what the codes shown stand for."""
    return ", ".join(f"{CODES[c]} {LABELS[c]}" for c in ORDER if c in categories)


class Summary:
    """The summary built a document at a time, keeping a line of counts for each and
    never the document, so a scan can let each go as soon as it is reported."""

    def __init__(self, details: bool = False) -> None:
        self.details = details
        self.rows: list[tuple[str, int, int, int, Counter[Category]]] = []
        self.notes: list[str] = []  # rich markup, record text escaped
        self.flags: list[str] = []  # --details: one plain line per flag, no record text
        self.totals: Counter[str] = Counter()
        self.by_category: Counter[Category] = Counter()

    def add(self, doc: Document) -> None:
        verdicts = Counter(entry.verdict for entry in doc.entries)
        flagged = Counter(f.category for f in doc.findings if f.action in HOLDS)
        self.totals.update(
            hide=verdicts[Verdict.HIDE], review=verdicts[Verdict.REVIEW], entries=len(doc.entries)
        )
        self.by_category.update(flagged)
        if flagged:
            self.totals["documents to act on"] += 1
        self.rows.append(
            (doc.path, len(doc.entries), verdicts[Verdict.HIDE], verdicts[Verdict.REVIEW], flagged)
        )
        if doc.enhanced_review:
            self.notes.append(
                f"[bold red]enhanced review[/] {escape(doc.path)}: coded for enhanced review before online access"
            )
        self.notes += [f"[bold]note[/] {escape(doc.path)}: {escape(note)}" for note in doc.record_notes]
        if self.details:
            self.flags += detail_lines(doc)

    @property
    def to_act_on(self) -> bool:
        return self.totals["documents to act on"] > 0

    def print(self, console: Console) -> None:
        table = Table(title="redactor scan", show_lines=False, header_style="bold")
        table.add_column("document", overflow="fold")
        table.add_column("entries", justify="right")
        table.add_column("hide", justify="right", style="red")
        table.add_column("review", justify="right", style="yellow")
        table.add_column("findings to act on (by category)")
        for path, entries, hide, review, flagged in self.rows:
            table.add_row(
                Text(path),
                str(entries),
                str(hide or ""),
                str(review or ""),
                coded(flagged) or "[green]nothing[/]",
            )
        console.print(table)
        totals = self.totals
        console.print(
            f"[bold]{len(self.rows)}[/] documents scanned, [bold]{totals['documents to act on']}[/] to act on; "
            f"entries: [red]{totals['hide']} hide[/], [yellow]{totals['review']} review[/] of {totals['entries']}"
            + (f"; findings: {counted(self.by_category)}" if self.by_category else "")
        )
        if self.by_category:
            console.print(f"codes: {legend(set(self.by_category))}", soft_wrap=True)
        for note in self.notes:
            console.print(note, soft_wrap=True)

    def print_details(self, console: Console) -> None:
        for line in self.flags:
            console.print(line, markup=False, highlight=False, soft_wrap=True)  # one line per flag, for grep


def detail_lines(doc: Document) -> list[str]:
    """One line per flag, as ruff prints its findings:
    `path:line:col: CODE CATEGORY action rule reason [field · entry · code · page]`.
    Line and column count from 1 in the text redactor reads (a PDF's or a structured
    record's extracted text); a rule is one word (spaces become "_"). The reason is the
    rule's own words and the bracket the record's structure (never an entry's date or
    author, which are record text), so no line quotes the record."""
    breaks = [i for i, ch in enumerate(doc.text) if ch == "\n"]
    lines = []
    for finding in doc.findings:
        if finding.action is Action.KEEP:
            continue
        line = bisect_right(breaks, finding.start - 1)  # newlines before the start
        column = finding.start - (breaks[line - 1] + 1 if line else 0)
        where = _provenance(doc, finding)
        lines.append(
            f"{doc.path}:{line + 1}:{column + 1}: {CODES[finding.category]} {finding.category} "
            f"{finding.action} {'_'.join(finding.rule.split())} {' '.join(finding.reason.split())}"
            + (f" [{where}]" if where else "")
        )
    return lines


def _provenance(doc: Document, finding: Finding) -> str:
    """ "Observation/ob1 comment · entry e2 · code 1234 · page 2": where a flag came from."""
    source = doc.source_of(finding)
    parts = [
        str(source["where"]) if source.get("where") else None,
        f"entry {source['entry']}" if source.get("entry") else None,
        f"code {source['code']}" if source.get("code") else None,
        f"page {source['page']}" if source.get("page") else None,
    ]
    return " · ".join(p for p in parts if p)
