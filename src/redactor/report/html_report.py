"""A self-contained HTML report a practice can open on any PC, offline.

Every piece of record text goes through `html.escape`, and a Content-Security-Policy
allows only this file's own script (by its hash), so a record containing
`<script>` or `"><img onerror=...>` is shown as text and can never run.
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
from ..model import ACTION_RANK, HOLDS, Category, Document, Finding, source_line
from .json_report import NOTICE, write_atomic

COLOURS = {
    Category.THIRD_PARTY_NAME: "#f8b4b4",
    Category.THIRD_PARTY_IDENTIFIER: "#f6a5c0",
    Category.THIRD_PARTY_INFO: "#fcd9a8",
    Category.SAFEGUARDING: "#f9a8d4",
    Category.CLINICIAN_OPINION: "#c4b5fd",
    Category.SERIOUS_HARM: "#fca5a5",
    Category.LEGALLY_RESTRICTED: "#a5b4fc",
    Category.SENSITIVE_HEALTH: "#93c5fd",
    Category.PROFESSIONAL: "#d1fae5",
    Category.PATIENT_IDENTIFIER: "#e5e7eb",
    Category.UNREADABLE: "#fde68a",
}

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#111}
.banner{background:#7f1d1d;color:#fff;padding:.6em 1em;font-weight:600;position:sticky;top:0;z-index:2}
main{padding:1em 1.5em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
.filters label{margin-right:1em;white-space:nowrap}
.entry{border-left:6px solid #9ca3af;margin:.6em 0;padding:.2em .8em}
.entry.v-hide{border-color:#b91c1c}.entry.v-review{border-color:#d97706}.entry.v-show{border-color:#16a34a}
.verdict{font-size:.85em;font-weight:600;text-transform:uppercase}
pre{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:.9em;margin:.3em 0}
mark{padding:0 .1em;border-radius:2px;cursor:help;outline-offset:1px}
mark:focus{outline:2px solid #111}
mark.a-keep{opacity:.75}
mark.a-note{background:none!important;border-bottom:2px dotted #888}
mark b{text-decoration:underline}
"""
SCRIPT = """
function applyFilters(){
  const off = new Set([...document.querySelectorAll('.filters input:not(:checked)')].map(i => i.value));
  document.querySelectorAll('mark').forEach(m => {
    const hidden = off.has(m.dataset.cat) || off.has(m.dataset.act);
    m.classList.toggle('plain', hidden);
    m.style.background = hidden ? 'transparent' : m.dataset.colour;
  });
}
document.querySelectorAll('.filters input').forEach(i => i.addEventListener('change', applyFilters));
applyFilters();
const first = document.querySelector('mark');
document.body.dataset.ready = '1';
if (first) { document.body.dataset.highlight = getComputedStyle(first).backgroundColor; }
"""


def _script_hash() -> str:
    digest = hashlib.sha256(SCRIPT.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_html(documents: list[Document], errors: list[tuple[str, str]], policy: str) -> str:
    categories = sorted({f.category for d in documents for f in d.findings}, key=str)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        f"style-src 'unsafe-inline'; script-src '{_script_hash()}'\">",
        "<title>redactor report</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<div class='banner' role='alert'>{escape(NOTICE)}</div><main>",
        f"<h1>redactor report</h1><p>redactor {escape(__version__)}, policy {escape(policy)}. "
        "Hover or focus a highlight for its reason and rule.</p>",
        _summary(documents),
        _filters(categories),
    ]
    if errors:
        parts.append("<h2>Files not scanned</h2><ul>")
        parts += [f"<li>{escape(path)}: {escape(error)}</li>" for path, error in errors]
        parts.append("</ul>")
    for number, document in enumerate(documents):
        parts.append(_document(document, number))
    parts.append(f"</main><script>{SCRIPT}</script></body></html>")
    return "".join(parts)


def write_html_report(
    path: Path, documents: list[Document], errors: list[tuple[str, str]], policy: str
) -> None:
    write_atomic(path, render_html(documents, errors, policy))


def _summary(documents: list[Document]) -> str:
    rows = []
    for number, doc in enumerate(documents):
        verdicts = Counter(str(e.verdict) for e in doc.entries)
        flagged = Counter(str(f.category) for f in doc.findings if f.action in HOLDS)
        by_category = ", ".join(f"{escape(c)} {n}" for c, n in sorted(flagged.items())) or "nothing"
        rows.append(
            f"<tr><td><a href='#doc{number}'>{escape(doc.path)}</a></td><td>{len(doc.entries)}</td>"
            f"<td>{verdicts['hide']}</td><td>{verdicts['review']}</td><td>{by_category}</td></tr>"
        )
    return (
        "<h2>Summary</h2><table><tr><th>document</th><th>entries</th><th>hide</th><th>review</th>"
        "<th>findings to act on</th></tr>" + "".join(rows) + "</table>"
    )


def _filters(categories: list[Category]) -> str:
    boxes = [
        f"<label style='background:{COLOURS[c]}'><input type='checkbox' checked value='{escape(str(c))}'> "
        f"{escape(str(c))}</label>"
        for c in categories
    ]
    boxes += [
        f"<label><input type='checkbox' checked value='{a}'> action: {a}</label>"
        for a in ("redact", "review", "note", "keep")
    ]
    return "<div class='filters'><h2>Show</h2>" + "".join(boxes) + "</div>"


def _document(document: Document, number: int) -> str:
    parts = [
        f"<section id='doc{number}'><h2>{escape(document.path)}</h2><p>read as {escape(document.format)}"
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
    for entry in document.entries:
        near = ordered[bisect_left(starts, entry.start - longest) : bisect_left(starts, entry.end)]
        meta = " · ".join(
            escape(x) for x in (entry.id if document.segments else None, entry.date, entry.author) if x
        )
        parts.append(
            f"<div class='entry v-{entry.verdict}'><span class='verdict'>{entry.verdict}</span> "
            f"{meta}<pre>{_highlighted(document, entry.start, entry.end, near)}</pre></div>"
        )
    return "".join(parts) + "</section>"


def _highlighted(document: Document, start: int, end: int, near: list[Finding]) -> str:
    """Cut the entry at every finding and evidence boundary; each piece shows its
    strongest finding, and the words that triggered a passage in bold."""
    text = document.text
    inside = [f for f in near if f.start < end and start < f.end]
    bounds = {(f.start, f.end) for f in inside} | {span for f in inside for span in f.evidence}
    cuts = sorted({start, end} | {min(end, max(start, s)) for s, _ in bounds} | {max(start, min(end, e)) for _, e in bounds})
    out = []
    for left, right in pairwise(cuts):
        covering = [f for f in inside if f.start <= left and right <= f.end]
        piece = escape(text[left:right])
        if any(s <= left and right <= e and (s, e) != (f.start, f.end) for f in covering for s, e in f.evidence):
            piece = f"<b>{piece}</b>"  # the words that triggered a passage finding
        if not covering:
            out.append(piece)
            continue
        top = max(covering, key=lambda f: (ACTION_RANK[f.action], f.score))
        reasons = " | ".join(
            f"{f.category}: {f.reason} ({f.rule}, score {f.score:.2f}; from {source_line(document.source_of(f))})"
            for f in covering
        )
        out.append(
            f"<mark tabindex='0' class='a-{top.action}' data-cat='{escape(str(top.category))}' "
            f"data-act='{top.action}' data-colour='{COLOURS[top.category]}' "
            f"style='background:{COLOURS[top.category]}' title='{escape(reasons, quote=True)}'>{piece}</mark>"
        )
    return "".join(out)
