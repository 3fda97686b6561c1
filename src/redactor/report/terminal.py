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


def print_summary(
    console: Console, documents: list[Document], errors: list[tuple[str, str]], details: bool = False
) -> None:
    table = Table(title="redactor scan", show_lines=False, header_style="bold")
    table.add_column("document", overflow="fold")
    table.add_column("entries", justify="right")
    table.add_column("hide", justify="right", style="red")
    table.add_column("review", justify="right", style="yellow")
    table.add_column("findings to act on (by category)")
    totals: Counter[str] = Counter()
    for doc in documents:
        verdicts = Counter(entry.verdict for entry in doc.entries)
        flagged = Counter(f.category for f in doc.findings if f.action in HOLDS)
        totals.update(hide=verdicts[Verdict.HIDE], review=verdicts[Verdict.REVIEW], entries=len(doc.entries))
        totals.update({str(c): n for c, n in flagged.items()})
        if flagged:
            totals["documents to act on"] += 1
        table.add_row(
            Text(doc.path),
            str(len(doc.entries)),
            str(verdicts[Verdict.HIDE] or ""),
            str(verdicts[Verdict.REVIEW] or ""),
            ", ".join(f"{SHORT.get(c, c)} {n}" for c, n in sorted(flagged.items())) or "[green]nothing[/]",
        )
    console.print(table)
    by_category = ", ".join(
        f"{SHORT.get(Category(c), c)} {totals[c]}" for c in sorted(str(c) for c in SHORT) if totals[c]
    )
    console.print(
        f"[bold]{len(documents)}[/] documents scanned, [bold]{totals['documents to act on']}[/] to act on; "
        f"entries: [red]{totals['hide']} hide[/], [yellow]{totals['review']} review[/] of {totals['entries']}"
        + (f"; findings: {by_category}" if by_category else "")
    )
    for doc in documents:
        if doc.enhanced_review:
            console.print(
                f"[bold red]enhanced review[/] {escape(doc.path)}: coded for enhanced review before online access"
            )
        for note in doc.record_notes:
            console.print(f"[bold]note[/] {escape(doc.path)}: {escape(note)}", soft_wrap=True)
    if details:
        print_details(console, documents)
    for path, error in errors:
        console.print(f"[red]error[/] {escape(path)}: {escape(error)}", soft_wrap=True)


def print_details(console: Console, documents: list[Document]) -> None:
    """Every flag with where it came from (field, entry, date, author, code), no text."""
    for doc in documents:
        for finding in doc.findings:
            if finding.action is not Action.KEEP:
                where = source_line(doc.source_of(finding))
                console.print(
                    f"{doc.path}: {finding.category} {finding.action} ({finding.rule}) at {where}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,  # one line per flag, for grep and scripts
                )
