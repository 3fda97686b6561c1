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
import zlib
from collections.abc import Iterator
from typing import Any

from lxml import etree

from ..ingest.demographics import read_demographics
from ..ingest.errors import IngestError
from ..ingest.structured import TextBuilder
from ..model import Document
from . import Parsed, Replacement
from .gp2gp import DTD_REFUSED, declares_dtd

# A letter is a few hundred KB; a zip bomb declares (or hides) gigabytes.
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_PACKAGE_BYTES = 100 * 1024 * 1024
MAX_PARTS = 5000
# What python-docx raises on XML of the wrong shape (ValueError, AttributeError and
# XMLSyntaxError were found by fuzzing: fuzz/run.py docx-body; TypeError and IndexError
# are its object model's other ways to fail); their messages can quote the input.
DAMAGED = (ValueError, AttributeError, TypeError, IndexError, etree.LxmlError)


def read(data: bytes, options: object = None) -> Parsed:
    """Any bytes give the letter or an IngestError naming the problem, never quoting it."""
    import docx
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import PackageNotFoundError

    check_package(data)
    try:
        letter = docx.Document(io.BytesIO(data))
        _refuse_dtds(letter)
        builder = TextBuilder()
        builder.begin_entry("letter")
        for where, paragraph in _paragraphs(letter):
            runs = _runs(paragraph)
            builder.add("".join(r.text for r in runs), where, _writer(runs))
        labelled = _labelled(letter)
    except IngestError:
        raise
    except PackageNotFoundError:
        raise IngestError("not a readable DOCX (no Word document in the package)") from None
    except KeyError:
        raise IngestError("not a readable DOCX (a part the package refers to is missing)") from None
    except (PythonDocxError, *DAMAGED) as exc:
        raise IngestError(f"not a readable DOCX ({type(exc).__name__})") from None
    document = Document(path="", sha256="", text="", format="docx")
    builder.fill(document)
    # Letters label the patient in a table ("Name | Ryan CALLOWAY") as often as in
    # a line ("Re: ..."): read the demographics with each row as "label: value".
    document.patient, document.authors = read_demographics(labelled)
    return Parsed(document, builder.fields, lambda: _dump(letter))


def check_package(data: bytes) -> None:
    """Refuse a package before python-docx reads it: too many parts, parts that would
    decompress too large (declared or not), damaged or encrypted members, XML with a DTD."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        infos = package.infolist()
    except NotImplementedError:  # a zip format version this Python cannot read
        raise IngestError("not a readable DOCX (an unsupported zip version)") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise IngestError("not a DOCX file (not a zip package)") from None
    if "[Content_Types].xml" not in {info.filename for info in infos}:
        raise IngestError("not a DOCX file (a zip without [Content_Types].xml)")
    if len(infos) > MAX_PARTS:
        raise IngestError(f"not a readable DOCX (more than {MAX_PARTS} parts)")
    if any(info.file_size > MAX_PART_BYTES for info in infos):
        raise IngestError(
            f"a DOCX part is too large when decompressed (over {MAX_PART_BYTES // 1_048_576} MB)"
        )
    if sum(info.file_size for info in infos) > MAX_PACKAGE_BYTES:
        raise IngestError(f"DOCX too large when decompressed (over {MAX_PACKAGE_BYTES // 1_048_576} MB)")
    if any(info.flag_bits & 0x1 for info in infos):
        raise IngestError("encrypted DOCX: remove the password before scanning")
    for info in infos:  # every member, so python-docx meets no damaged one after this
        try:
            with package.open(info) as member:
                content = member.read(MAX_PART_BYTES + 1)  # a declared size can lie
        except NotImplementedError:
            raise IngestError("not a readable DOCX (a part uses an unsupported compression method)") from None
        except (zipfile.BadZipFile, zlib.error, RuntimeError, EOFError, OSError, ValueError):
            raise IngestError("not a readable DOCX (a damaged zip member)") from None
        if len(content) > MAX_PART_BYTES:
            raise IngestError(
                f"a DOCX part is too large when decompressed (over {MAX_PART_BYTES // 1_048_576} MB)"
            )
        if info.filename.lower().endswith((".xml", ".rels")) and declares_dtd(content):
            raise IngestError(DTD_REFUSED)


def _refuse_dtds(letter: Any) -> None:
    """The same refusal for a part python-docx parsed under a name not ending .xml."""
    for part in letter.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None and element.getroottree().docinfo.doctype:
            raise IngestError(DTD_REFUSED)


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
