"""The terminal front end of a review session: rich output, one key per decision."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from ..model import Action, source_line
from .session import KEYS, ReviewSession

# Record text goes to the terminal as text: an escape sequence in an export could
# otherwise clear the screen, retitle the window or forge a line of output, and a
# bidi override could show the reviewer words in an order the record does not have.
# Each is replaced by one visible character, so offsets into the text still hold.
_SHOWN_AS = {code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n"}
_SHOWN_AS |= {0x7F: 0x2421} | dict.fromkeys(range(0x80, 0xA0), 0xFFFD)
_SHOWN_AS |= dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], 0xFFFD)

NEEDS_ARGUMENT = {
    "c": "category (blank to cycle)",
    "m": "words to mark",
    "t": "note",
    "f": "category (blank for all)",
    "d": "part of a document path (blank for all)",
}


def printable(text: str) -> str:
    """`text` with terminal control codes and bidi overrides made visible, same length."""
    return text.translate(_SHOWN_AS)


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
        before, span, after = (printable(part) for part in session.context(item))
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
                # a file name can hold a patient's name and brackets: text, not markup
                subtitle=Text(printable(f"{item.document.path} · {session.progress()}")),
            )
        )
        # On its own line, never cut short: the field, entry, date, author and code.
        console.print(Text(printable(f"from {where}")), highlight=False, soft_wrap=True)
        # a reason can quote a coded term from the record: text, not markup
        console.print(Text(printable(f"{finding.reason} ({finding.rule})"), style="dim"))
        if item.decided and (recorded := session.recorded(item)) is not None:
            decision, note = recorded
            console.print(Text(printable(f"decided: {decision}" + (f"; note: {note}" if note else ""))))
        for note in item.document.findings:  # the quiet tier: shown, never waiting
            if note.action is Action.NOTE and note.entry == finding.entry:
                text = f"note in this entry (holds nothing): {note.category}: {note.text}"
                console.print(Text(printable(text), style="dim"))
        key = read_key("decision> ").strip().lower()[:1]
        argument = read_line(f"{NEEDS_ARGUMENT[key]}> ").strip() if key in NEEDS_ARGUMENT else None
        # the reply can echo what the reviewer typed: text, not markup
        console.print(Text(printable(session.handle(key, argument))))
        if session.finished:
            break
    if not session.finished:
        console.print(f"nothing left to review: {session.progress()}")
