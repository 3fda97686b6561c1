"""The terminal front end of a review session: rich output, one key per decision."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from ..model import Action, source_line
from .session import KEYS, ReviewSession

NEEDS_ARGUMENT = {
    "c": "category (blank to cycle)",
    "m": "words to mark",
    "t": "note",
    "f": "category (blank for all)",
    "d": "part of a document path (blank for all)",
}


def single_key(prompt: str) -> str:
    """One key press, no Enter, on a terminal; a line elsewhere (pipes, scripts)."""
    import sys

    import click

    if sys.stdin.isatty():
        click.echo(prompt, nl=False)
        key = click.getchar()
        click.echo(key)
        return key
    return input(prompt)


def run(
    session: ReviewSession,
    console: Console,
    read_key: Callable[[str], str] = single_key,
    read_line: Callable[[str], str] = input,
) -> None:
    """Show each finding, read a key (and an argument where one is needed), until done."""
    console.print("Keys: " + ", ".join(f"[bold]{k}[/] {v}" for k, v in KEYS.items()))
    while (item := session.current()) is not None:
        finding = item.finding
        before, span, after = session.context(item)
        sentence = Text(before)
        sentence.append(span, style="bold reverse")
        sentence.append(after)
        offset = len(before) - finding.start
        for start, end in finding.evidence:  # the words that triggered a passage
            sentence.stylize("underline", start + offset, end + offset)
        where = source_line(item.document.source_of(finding))
        console.print(
            Panel(
                sentence,
                title=f"{finding.category} · {finding.action} · score {finding.score:.2f}",
                subtitle=f"{item.document.path} · {session.progress()}",
            )
        )
        # On its own line, never cut short: the field, entry, date, author and code.
        console.print(f"from {where}", markup=False, highlight=False, soft_wrap=True)
        console.print(f"[dim]{finding.reason} ({finding.rule})[/]")
        for note in item.document.findings:  # the quiet tier: shown, never waiting
            if note.action is Action.NOTE and note.entry == finding.entry:
                console.print(
                    Text(f"note in this entry (holds nothing): {note.category}: {note.text}", style="dim")
                )
        key = read_key("decision> ").strip().lower()[:1]
        argument = read_line(f"{NEEDS_ARGUMENT[key]}> ").strip() if key in NEEDS_ARGUMENT else None
        console.print(session.handle(key, argument))
        if session.finished:
            break
    if not session.finished:
        console.print(f"nothing left to review: {session.progress()}")
