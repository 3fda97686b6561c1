"""DOCX letters through python-docx: headers, body paragraphs, tables, footers.

Each paragraph is one field; its text is the text of its runs (hyperlinked runs
included), so a redaction can be cut out run by run and the letter's formatting
stays as it was. A letter is one entry, like a PDF letter. A redacted copy also
loses the document properties (author, title, comments), which can name people.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from ..ingest.demographics import read_demographics
from ..ingest.errors import IngestError
from ..ingest.structured import TextBuilder
from ..model import Document
from . import Parsed, Replacement


def read(data: bytes, options: object = None) -> Parsed:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise IngestError("not a DOCX file (not a zip package)")
    try:
        letter = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise IngestError(f"not a readable DOCX ({type(exc).__name__})") from None
    builder = TextBuilder()
    builder.begin_entry("letter")
    for where, paragraph in _paragraphs(letter):
        runs = _runs(paragraph)
        builder.add("".join(r.text for r in runs), where, _writer(runs))
    document = Document(path="", sha256="", text="", format="docx")
    builder.fill(document)
    # Letters label the patient in a table ("Name | Ryan CALLOWAY") as often as in
    # a line ("Re: ..."): read the demographics with each row as "label: value".
    document.patient, document.authors = read_demographics(_labelled(letter))
    return Parsed(document, builder.fields, lambda: _dump(letter))


def _paragraphs(letter: Any) -> Iterator[tuple[str, Any]]:
    seen: set[Any] = set()  # the XML elements themselves: lxml proxies can reuse a freed id()
    yield from _margins(letter, "header", seen)
    yield from _blocks(letter, "body")
    yield from _margins(letter, "footer", seen)


def _margins(letter: Any, which: str, seen: set[Any]) -> Iterator[tuple[str, Any]]:
    """Every section's own headers (or footers), each once: a linked one is the previous section's."""
    for number, section in enumerate(letter.sections, start=1):
        for kind in (which, f"first_page_{which}", f"even_page_{which}"):
            part = getattr(section, kind)
            if not part.is_linked_to_previous and part._element not in seen:
                seen.add(part._element)
                yield from _blocks(part, f"section {number} {kind.replace('_', ' ')}")


def _blocks(container: Any, label: str) -> Iterator[tuple[str, Any]]:
    from docx.table import Table

    paragraphs = tables = 0
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            tables += 1
            yield from _table(block, f"{label} table {tables}")
        else:
            paragraphs += 1
            yield f"{label} paragraph {paragraphs}", block


def _table(table: Any, label: str) -> Iterator[tuple[str, Any]]:
    seen: set[Any] = set()  # a merged cell appears once per grid column it spans
    for r, row in enumerate(table.rows, start=1):
        for c, cell in enumerate(row.cells, start=1):
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _blocks(cell, f"{label} row {r} cell {c}")


def _labelled(letter: Any) -> str:
    lines = []
    for part in (*(s.header for s in letter.sections), letter):
        for block in part.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    cells = [c.text.strip() for c in row.cells]
                    lines += [f"{cells[i]}: {cells[i + 1]}" for i in range(0, len(cells) - 1, 2)]
            else:
                lines.append(block.text)
    return "\n".join(lines)


def _runs(paragraph: Any) -> list[Any]:
    from docx.text.hyperlink import Hyperlink

    runs = []
    for item in paragraph.iter_inner_content():
        runs.extend(item.runs if isinstance(item, Hyperlink) else [item])
    return runs


def _writer(runs: list[Any]):  # type: ignore[no-untyped-def]
    def write(replacements: list[Replacement]) -> None:
        """Cut each span out run by run; the marker goes in the run where it starts."""
        texts = [r.text for r in runs]
        bounds, cursor = [], 0
        for text in texts:
            bounds.append((cursor, cursor + len(text)))
            cursor += len(text)
        # Right to left, so a cut never moves the offsets of the ones still to make.
        for start, end, marker in reversed(replacements):
            placed = False
            for index, (run_start, run_end) in enumerate(bounds):
                if run_end <= start or run_start >= end:
                    continue
                cut_from, cut_to = max(start, run_start) - run_start, min(end, run_end) - run_start
                texts[index] = texts[index][:cut_from] + ("" if placed else marker) + texts[index][cut_to:]
                placed = True
        for run, text in zip(runs, texts, strict=True):
            if run.text != text:
                run.text = text

    return write


def _dump(letter: Any) -> bytes:
    props = letter.core_properties
    for name in ("author", "last_modified_by", "title", "subject", "keywords", "comments", "category"):
        setattr(props, name, "")
    out = io.BytesIO()
    letter.save(out)
    return out.getvalue()


def texts(data: bytes) -> str:
    """The text of every XML part of the package (comments, tracked deletions and
    properties included), for the leak check."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                xml = package.read(name).decode("utf-8", "replace")
                # Runs split words across tags: join text within a paragraph.
                for paragraph in re.split(r"</w:p>|</cp:\w+>|</dc:\w+>", xml):
                    out.append(re.sub(r"<[^>]+>", "", paragraph))
    return "\n".join(out)
