"""The terminal summary: per document, entries to hide and review and findings by
category; then totals. It shows counts, never record text, so it is safe in a
shared terminal or a CI log."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..model import HOLDS, Action, Category, Document, Verdict, source_line

SHORT = {
    Category.THIRD_PARTY_NAME: "3P name",
    Category.THIRD_PARTY_IDENTIFIER: "3P id",
    Category.THIRD_PARTY_INFO: "3P info",
    Category.SAFEGUARDING: "safeguard",
    Category.CLINICIAN_OPINION: "opinion",
    Category.SERIOUS_HARM: "harm",
    Category.LEGALLY_RESTRICTED: "legal",
    Category.SENSITIVE_HEALTH: "sensitive",
    Category.UNREADABLE: "unreadable",
}


class Summary:
    """The summary built a document at a time, keeping a line of counts for each and
    never the document, so a scan can let each go as soon as it is reported."""

    def __init__(self, details: bool = False) -> None:
        self.details = details
        self.rows: list[tuple[str, int, int, int, Counter[Category]]] = []
        self.notes: list[str] = []  # rich markup, record text escaped
        self.flags: list[str] = []  # --details: one plain line per flag, no record text
        self.totals: Counter[str] = Counter()

    def add(self, doc: Document) -> None:
        verdicts = Counter(entry.verdict for entry in doc.entries)
        flagged = Counter(f.category for f in doc.findings if f.action in HOLDS)
        self.totals.update(hide=verdicts[Verdict.HIDE], review=verdicts[Verdict.REVIEW], entries=len(doc.entries))
        self.totals.update({str(c): n for c, n in flagged.items()})
        if flagged:
            self.totals["documents to act on"] += 1
        self.rows.append((doc.path, len(doc.entries), verdicts[Verdict.HIDE], verdicts[Verdict.REVIEW], flagged))
        if doc.enhanced_review:
            self.notes.append(
                f"[bold red]enhanced review[/] {escape(doc.path)}: coded for enhanced review before online access"
            )
        self.notes += [f"[bold]note[/] {escape(doc.path)}: {escape(note)}" for note in doc.record_notes]
        if self.details:
            self.flags += _detail_lines(doc)

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
                ", ".join(f"{SHORT.get(c, c)} {n}" for c, n in sorted(flagged.items())) or "[green]nothing[/]",
            )
        console.print(table)
        totals = self.totals
        by_category = ", ".join(
            f"{SHORT.get(Category(c), c)} {totals[c]}" for c in sorted(str(c) for c in SHORT) if totals[c]
        )
        console.print(
            f"[bold]{len(self.rows)}[/] documents scanned, [bold]{totals['documents to act on']}[/] to act on; "
            f"entries: [red]{totals['hide']} hide[/], [yellow]{totals['review']} review[/] of {totals['entries']}"
            + (f"; findings: {by_category}" if by_category else "")
        )
        for note in self.notes:
            console.print(note, soft_wrap=True)
        for line in self.flags:
            console.print(line, markup=False, highlight=False, soft_wrap=True)  # one line per flag, for grep


def _detail_lines(doc: Document) -> list[str]:
    return [
        f"{doc.path}: {finding.category} {finding.action} ({finding.rule}) at {source_line(doc.source_of(finding))}"
        for finding in doc.findings
        if finding.action is not Action.KEEP
    ]
