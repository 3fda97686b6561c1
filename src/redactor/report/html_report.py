"""A self-contained HTML report a practice can open on any PC, offline: the triage screen.

Every piece of record text goes through `html.escape`, and a Content-Security-Policy
allows only this file's own style sheet and script (each by its hash), so a record
containing `<script>` or `"><img onerror=...>` is shown as text and can never run.
The style and script live beside this module (html_report.css, html_report.js) and are
copied in, so the report needs nothing else to open.

Colour never carries a meaning alone: a highlight's action is its shape (redact a
solid fill, review a dashed box, note an underline, keep plain), its category a code
printed beside it as well as an Okabe-Ito colour, and an entry's verdict a word and a
border style; so the page reads the same to colour-blind readers and on a black and
white printout.
"""

from __future__ import annotations

import base64
import hashlib
from bisect import bisect_left
from collections import Counter
from html import escape
from itertools import pairwise
from pathlib import Path

from .. import __version__
from ..decide.verdicts import why
from ..model import HOLDS, Action, Category, Document, Entry, Finding, Verdict, source_line
from ..vocabulary import CODES, LABELS, ORDER
from .json_report import NOTICE, write_atomic

HERE = Path(__file__).resolve().parent
# Each category's fill and the text colour that reads on it: Okabe & Ito's eight
# colours, made to stay apart for red-green colour blindness (protanopia and
# deuteranopia), for the categories that hold entries, a light grey for unreadable
# text, and greys for professionals and the patient's own details, which are kept.
# The code beside every highlight carries the category where colours still meet.
PALETTE: dict[Category, tuple[str, str]] = {
    Category.SERIOUS_HARM: ("#D55E00", "#FFFFFF"),  # vermillion
    Category.SAFEGUARDING: ("#CC79A7", "#000000"),  # reddish purple
    Category.THIRD_PARTY_NAME: ("#E69F00", "#000000"),  # orange
    Category.THIRD_PARTY_IDENTIFIER: ("#F0E442", "#000000"),  # yellow
    Category.THIRD_PARTY_INFO: ("#56B4E9", "#000000"),  # sky blue
    Category.LEGALLY_RESTRICTED: ("#0072B2", "#FFFFFF"),  # blue
    Category.SENSITIVE_HEALTH: ("#009E73", "#000000"),  # bluish green
    Category.CLINICIAN_OPINION: ("#000000", "#FFFFFF"),  # black
    Category.UNREADABLE: ("#DDDDDD", "#000000"),  # light grey
    Category.PROFESSIONAL: ("#999999", "#000000"),  # mid grey
    Category.PATIENT_IDENTIFIER: ("#F2F2F2", "#000000"),  # near white
}
# Which finding a highlight shows when several cover the same words.
SHOWN_RANK = {Action.REDACT: 3, Action.REVIEW: 2, Action.NOTE: 1, Action.KEEP: 0}
STYLE_KEY = (
    (Action.REDACT, "solid fill", "held back from the patient"),
    (Action.REVIEW, "dashed box", "a person decides"),
    (Action.NOTE, "underline", "for information, holds nothing"),
    (Action.KEEP, "plain", "the patient may see it"),
)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


STYLE = (
    (HERE / "html_report.css").read_text(encoding="utf-8")
    + "".join(
        f"[data-cat={CODES[c]}]{{--c:{fill};--t:{fill}33;--fg:{ink}}}" for c, (fill, ink) in PALETTE.items()
    )
    # Every printed page says it holds patient data, not only the first.
    + f"@page{{margin:16mm 14mm;@top-center{{content:{_css_string(NOTICE)};font:600 9pt system-ui,sans-serif}}}}\n"
)
SCRIPT = (HERE / "html_report.js").read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_html(documents: list[Document], errors: list[tuple[str, str]], policy: str) -> str:
    # Per document, each entry's categories (those a finding other than keep gives it):
    # what the category filter matches and the counts beside it.
    flagged = [_entry_categories(d) for d in documents]
    parts = [
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        f"style-src {_hash(STYLE)}; script-src {_hash(SCRIPT)}; base-uri 'none'; form-action 'none'\">",
        "<title>redactor report</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<div class='banner' role='alert'>{escape(NOTICE)}</div><main>",
        f"<h1>redactor report</h1><p>redactor {escape(__version__)}, policy {escape(policy)}. "
        "Click, tap or Tab to a highlight for its reasons and rule; Escape or a click elsewhere closes them.</p>",
        _summary(documents),
        _key(),
        _filters(documents, flagged),
    ]
    if errors:
        parts.append("<h2>Files not scanned</h2><ul>")
        parts += [f"<li>{escape(path)}: {escape(error)}</li>" for path, error in errors]
        parts.append("</ul>")
    for number, document in enumerate(documents):
        parts.append(_document(document, number, flagged[number]))
    parts.append(f"</main><script>{SCRIPT}</script></body></html>")
    return "".join(parts)


def write_html_report(
    path: Path, documents: list[Document], errors: list[tuple[str, str]], policy: str
) -> None:
    write_atomic(path, render_html(documents, errors, policy))


def _entry_categories(document: Document) -> dict[str, set[Category]]:
    out: dict[str, set[Category]] = {}
    for finding in document.findings:
        if finding.entry is not None and finding.action is not Action.KEEP:
            out.setdefault(finding.entry, set()).add(finding.category)
    return out


def _code(category: Category) -> str:
    code = CODES[category]
    return f"<span class='code' data-cat='{code}'>{code}</span>"


def _path(path: str) -> str:
    """A file's path, escaped, free to wrap after each folder."""
    return "/<wbr>".join(escape(part) for part in path.split("/"))


def _summary(documents: list[Document]) -> str:
    rows = []
    for number, doc in enumerate(documents):
        verdicts = Counter(e.verdict for e in doc.entries)
        held = Counter(f.category for f in doc.findings if f.action in HOLDS)
        by_category = ", ".join(f"{_code(c)} {LABELS[c]} {held[c]}" for c in ORDER if held[c]) or "nothing"
        rows.append(
            f"<tr><td class='path'><a href='#doc{number}'>{_path(doc.path)}</a></td><td class='n'>{len(doc.entries)}</td>"
            + "".join(f"<td class='n'>{verdicts[v]}</td>" for v in Verdict)
            + f"<td class='held'>{by_category}</td></tr>"
        )
    return (
        "<h2>Summary</h2><table class='summary'><tr><th>document</th><th>entries</th><th>HIDE</th><th>REVIEW</th>"
        "<th>SHOW</th><th>findings held</th></tr>" + "".join(rows) + "</table>"
    )


def _key() -> str:
    categories = "".join(f"<li>{_code(c)} {LABELS[c]}</li>" for c in ORDER)
    styles = "".join(
        f"<li><mark class='sample a-{action}'>{shape}</mark> {action}: {meaning}</li>"
        for action, shape, meaning in STYLE_KEY
    )
    return (
        "<section class='legend' aria-labelledby='key'><h2 id='key'>Key</h2>"
        f"<ul class='key' aria-label='categories'>{categories}</ul>"
        f"<ul class='key' aria-label='highlight styles'>{styles}</ul></section>"
    )


def _filters(documents: list[Document], flagged: list[dict[str, set[Category]]]) -> str:
    verdicts = Counter(e.verdict for d in documents for e in d.entries)
    entries_with = Counter(c for by_entry in flagged for cats in by_entry.values() for c in cats)
    by_verdict = "".join(
        f"<label><input type='checkbox' name='verdict' value='{v}' checked> {str(v).upper()} ({verdicts[v]})</label>"
        for v in Verdict
    )
    by_category = "".join(
        f"<label><input type='checkbox' name='cat' value='{CODES[c]}'> {_code(c)} {LABELS[c]} ({entries_with[c]})</label>"
        for c in ORDER
        if entries_with[c]
    )
    highlights = "".join(
        f"<label><input type='checkbox' name='act' value='{a}' checked> {a}</label>" for a, _, _ in STYLE_KEY
    )
    total = sum(verdicts.values())
    return (
        "<section class='controls' aria-labelledby='filters'><h2 id='filters'>Filters</h2>"
        "<div class='group' role='group' aria-label='entries by verdict'><span class='gl'>Entries:</span>"
        f"{by_verdict}<button type='button' data-only='hide review'>Only HIDE and REVIEW</button>"
        "<button type='button'>Show all</button></div>"
        + (
            "<div class='group' role='group' aria-label='entries by category'>"
            f"<span class='gl'>Only entries flagged for (none ticked: any):</span>{by_category}</div>"
            if by_category
            else ""
        )
        + "<div class='group' role='group' aria-label='highlight styles shown'>"
        f"<span class='gl'>Highlight:</span>{highlights}</div></section>"
        f"<p class='showing' id='showing' aria-live='polite'>Showing all {total} entries.</p>"
    )


def _document(document: Document, number: int, flagged: dict[str, set[Category]]) -> str:
    parts = [
        f"<section class='doc' id='doc{number}'><h2>{_path(document.path)}</h2><p>read as {escape(document.format)}"
    ]
    if document.enhanced_review:
        parts.append(" · <strong>coded for enhanced review before online access</strong>")
    parts += [f" · {escape(note)}" for note in document.record_notes]
    parts.append("</p>")
    # Findings by start, with the longest span, so each entry finds its own by bisection
    # (a record of 10,000 entries would otherwise scan every finding for every entry).
    ordered = sorted((f for f in document.findings if f.start < f.end), key=lambda f: f.start)
    starts = [f.start for f in ordered]
    longest = max((f.end - f.start for f in ordered), default=0)
    for index, entry in enumerate(document.entries):
        near = ordered[bisect_left(starts, entry.start - longest) : bisect_left(starts, entry.end)]
        parts.append(_entry(document, entry, near, flagged.get(entry.id, set()), f"{number}-{index}"))
    parts.append("<p class='empty' hidden>The filters hide every entry of this document.</p></section>")
    return "".join(parts)


def _entry(document: Document, entry: Entry, near: list[Finding], categories: set[Category], key: str) -> str:
    """One entry: its one-line why, date and author on top, then its text, highlighted."""
    verdict, _, rest = why(document, entry).partition(": ")
    line = f"<span class='verdict'>{escape(verdict)}</span>" + (f": {escape(rest)}" if rest else "")
    meta = " · ".join(
        escape(x) for x in (entry.date, entry.author, f"entry {entry.id}" if document.segments else None) if x
    )
    codes = " ".join(CODES[c] for c in ORDER if c in categories)
    return (
        f"<article class='entry v-{entry.verdict}' data-verdict='{entry.verdict}' data-cats='{codes}'>"
        f"<p class='head'><span class='why-line'>{line}</span>"
        + (f"<span class='meta'>{meta}</span>" if meta else "")
        + f"</p><pre class='rec'>{_highlighted(document, entry.start, entry.end, near, key)}</pre></article>"
    )


def _highlighted(document: Document, start: int, end: int, near: list[Finding], key: str) -> str:
    """Cut the entry at every finding and evidence boundary; each run of words covered
    by the same findings is one highlight showing the strongest of them, the words that
    triggered a passage in bold, and its reasons in a panel beside it."""
    text = document.text
    inside = [f for f in near if f.start < end and start < f.end]
    bounds = {(f.start, f.end) for f in inside} | {span for f in inside for span in f.evidence}
    cuts = sorted(
        {start, end}
        | {min(end, max(start, s)) for s, _ in bounds}
        | {max(start, min(end, e)) for _, e in bounds}
    )
    # Runs of words showing the same finding, each with every finding that covers any of them.
    runs: list[tuple[Finding | None, list[Finding], list[str]]] = []
    for left, right in pairwise(cuts):
        covering = [f for f in inside if f.start <= left and right <= f.end]
        top = max(covering, key=lambda f: (SHOWN_RANK[f.action], f.score)) if covering else None
        piece = escape(text[left:right])
        if any(
            s <= left and right <= e and (s, e) != (f.start, f.end) for f in covering for s, e in f.evidence
        ):
            piece = f"<b>{piece}</b>"  # the words that triggered a passage finding
        if runs and runs[-1][0] is top:
            runs[-1][1].extend(f for f in covering if not any(f is g for g in runs[-1][1]))
            runs[-1][2].append(piece)
        else:
            runs.append((top, covering, [piece]))
    out = []
    coded: list[Finding] = []  # findings whose code this unbroken row of highlights has shown
    for number, (top, covering, pieces) in enumerate(runs):
        body = "".join(pieces)
        if top is None:
            out.append(body)
            coded = []
            continue
        code = CODES[top.category]
        badge = ""
        if top.action is not Action.KEEP and not any(top is f for f in coded):
            badge = f" data-code='{code}'"
            coded.append(top)
        panel = f"w{key}-{number}"
        out.append(
            f"<mark tabindex='0' class='a-{top.action}' data-cat='{code}'{badge} aria-describedby='{panel}'>{body}</mark>"
            f"<span class='why' id='{panel}' role='tooltip' tabindex='-1'>{_reasons(document, covering)}</span>"
        )
    return "".join(out)


def _reasons(document: Document, covering: list[Finding]) -> str:
    """Each finding under a highlight: category, action, reason, rule and where from."""
    lines = []
    for f in sorted(covering, key=lambda f: (-SHOWN_RANK[f.action], -f.score)):
        decided = f" (a reviewer's decision: {escape(f.decision)})" if f.decision else ""
        lines.append(
            f"<span class='r'>{_code(f.category)} <strong>{LABELS[f.category]}</strong> · {f.action}{decided}"
            f"<br>{escape(f.reason)}<br><small>rule {escape(f.rule)}, score {f.score:.2f}; "
            f"from {escape(source_line(document.source_of(f)))}</small></span>"
        )
    return "".join(lines)
