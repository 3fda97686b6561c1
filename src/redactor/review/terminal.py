"""The terminal front end of a review session: rich output, one key per decision.

Entry review shows a whole entry with its flags marked and its one-line why; the
same keys work from a script (tests drive it with scripted keys and a recording
console)."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from ..model import Action, source_line
from ..vocabulary import CODES, LABELS, numbered
from .session import CATEGORIES, ENTRY_KEYS, FLAG_KEYS, Item, ReviewSession, Unit

# Record text goes to the terminal as text: an escape sequence in an export could
# otherwise clear the screen, retitle the window or forge a line of output, and a
# bidi override could show the reviewer words in an order the record does not have.
# Each is replaced by one visible character, so offsets into the text still hold.
_SHOWN_AS = {code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n"}
_SHOWN_AS |= {0x7F: 0x2421} | dict.fromkeys(range(0x80, 0xA0), 0xFFFD)
_SHOWN_AS |= dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], 0xFFFD)

NEEDS_ARGUMENT = {
    "c": "category: number, code or name (blank to cycle)",
    "m": "words to mark",
    "t": "note",
    "/": "category: number, code or name (blank for all)",
    "d": "part of a document path (blank for all)",
}
STYLE = {
    Action.REDACT: "bold reverse",
    Action.REVIEW: "bold underline",
    Action.NOTE: "italic",
    Action.KEEP: "dim",
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
    """Show each entry (or, inside one, each flag), read a key and what it asks for, until done."""
    console.print(Text(numbered(CATEGORIES), style="dim"), soft_wrap=True)
    while not session.finished:
        if session.mode == "entry":
            unit = session.unit()
            if unit is None:
                break
            _show_entry(console, session, unit)
            keys = ENTRY_KEYS
        else:
            item = session.current()
            if item is None:
                break
            _show_flag(console, session, item)
            keys = FLAG_KEYS
        console.print(Text(" · ".join(f"{k} {v}" for k, v in keys.items()), style="dim"), soft_wrap=True)
        key = read_key(f"{session.mode}> ").strip().lower()[:1]
        argument = read_line(f"{NEEDS_ARGUMENT[key]}> ").strip() if key in NEEDS_ARGUMENT else None
        category = None
        if key == "m" and argument:
            category = read_line("category: number, code or name (blank for third-party name)> ").strip()
        # the reply can echo what the reviewer typed: text, not markup
        console.print(Text(printable(session.handle(key, argument, category))))
    if not session.finished:
        console.print(f"nothing left to review: {session.progress()}")


def _show_entry(console: Console, session: ReviewSession, unit: Unit) -> None:
    """The whole entry, its flags marked (redact reversed, review underlined, notes in
    italics), its one-line why as the title, then each flag with its reason."""
    document, entry = unit.document, unit.entry
    text = document.text
    if entry is not None:
        start, end = entry.start, entry.end
    else:  # flags in no entry: the lines that hold them
        start = text.rfind("\n", 0, unit.items[0].finding.start) + 1
        end = text.find("\n", unit.items[-1].finding.end)
        end = len(text) if end == -1 else end
    body = Text(printable(text[start:end].strip("\n")))
    lead = len(text[start:end]) - len(text[start:end].lstrip("\n"))
    notes = [f for f in document.findings if f.action is Action.NOTE and start <= f.start < end]
    for finding in [*notes, *(i.finding for i in unit.items)]:
        a, b = max(finding.start, start) - start - lead, min(finding.end, end) - start - lead
        if a < b:
            body.stylize(STYLE[finding.action], a, b)
    where = (
        " · ".join(p for p in (f"entry {entry.id}", entry.date, entry.author) if p)
        if entry
        else "in no entry"
    )
    console.print(
        Panel(
            body,
            title=Text(printable(unit.why())),
            title_align="left",
            # a file name can hold a patient's name and brackets: text, not markup
            subtitle=Text(printable(f"{document.path} · {where} · {session.progress()}")),
        )
    )
    for number, item in enumerate(unit.items, 1):
        finding = item.finding
        state = f"decided {finding.decision}" if item.decided else str(finding.action)
        line = f"{number:>2}. {CODES[finding.category]} {state}: {_short(finding.text)!r} · {finding.reason}"
        console.print(Text(printable(line), style="dim" if item.decided else ""), soft_wrap=True)
    for note in notes:  # the quiet tier: shown, never waiting
        line = f"    note (holds nothing): {CODES[note.category]} {_short(note.text)!r} · {note.reason}"
        console.print(Text(printable(line), style="italic dim"), soft_wrap=True)


def _show_flag(console: Console, session: ReviewSession, item: Item) -> None:
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
            title=f"{CODES[finding.category]} {LABELS[finding.category]} · {finding.action} · score {finding.score:.2f}",
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
            text = f"note in this entry (holds nothing): {LABELS[note.category]}: {note.text}"
            console.print(Text(printable(text), style="dim"))


def _short(text: str, width: int = 60) -> str:
    """A flag's words on one line, cut at a word: enough to tell flags apart."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: flat.rfind(" ", 0, width) + 1 or width].rstrip() + "…"
