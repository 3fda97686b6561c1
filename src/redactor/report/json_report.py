"""The JSON report (schema 1), documented in the README.

Later versions may add fields, never remove or rename these. The report holds
record text (span texts): it is for the practice and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import GeneratorType

from .. import __version__
from ..model import Document, Finding

SCHEMA = 1
ONE_LINE_DEPTH = 4  # report > documents > document > findings > one finding per line
NOTICE = "Contains patient-identifiable data from GP records. For the practice only; do not share."


def build_report(
    documents: list[Document], errors: list[tuple[str, str]], policy: str, complete: bool = True
) -> dict[str, object]:
    """The report, its documents and findings as generators: `write_json_report`
    streams it, so a record with half a million findings never sits in memory twice."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "redactor", "version": __version__},
        "notice": NOTICE,
        "policy": policy,
        "documents": (_document(doc) for doc in documents),
        "errors": [{"path": path, "error": error} for path, error in errors],
        # False when the run was interrupted: the report covers the files finished.
        "complete": complete,
    }


def write_atomic(path: Path, content: str | bytes | Iterable[str], tidy: bool = True) -> None:
    """Write the whole of `content` to `path` through an `AtomicFile`."""
    with AtomicFile(path, tidy) as out:
        if isinstance(content, bytes):
            out.handle.write(content)
        else:
            for piece in [content] if isinstance(content, str) else content:
                out.write(piece)
        out.commit()


class AtomicFile:
    """A file written beside its target and renamed over it by `commit`, so a reader
    never sees half a file; left uncommitted (an error, Ctrl-C), it is removed. The
    temporary name carries this process's id: one left by a killed run (`kill -9`)
    is removed by the next write to the same place (`tidy`; the cache, which holds no
    record text and writes thousands of files, skips that look round the folder)."""

    def __init__(self, path: Path, tidy: bool = True) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if tidy:
            remove_stale(path.parent, f".{path.name}.")
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
        self.path, self.tmp = path, Path(tmp)
        self.handle = os.fdopen(fd, "wb")
        self.committed = False

    def write(self, text: str) -> None:
        self.handle.write(text.encode("utf-8"))

    def commit(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        os.chmod(self.tmp, 0o600)  # patient data: owner only
        os.replace(self.tmp, self.path)
        self.committed = True

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            self.handle.close()
            self.tmp.unlink(missing_ok=True)


def remove_stale(folder: Path, prefix: str) -> None:
    """Remove what a killed run left in `folder`: entries named PREFIX<pid>.* whose
    process is gone (half-written reports and staging folders hold patient data)."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix)]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit() or process_alive(int(pid)):
            continue
        stale = folder / name
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process on this machine may still be running: only a definite "no such
    process" says it is gone (a stale temporary file or lock may then be removed)."""
    if pid <= 0 or os.name == "nt":  # os.kill(pid, 0) would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _document(doc: Document) -> dict[str, object]:
    return {
        "path": doc.path,
        "sha256": doc.sha256,
        "format": doc.format,
        "pages": doc.pages,
        # From the online-access codes: true = enhanced review before access,
        # false = cleared by 1364751000000106, null = no such code.
        "enhanced_review": doc.enhanced_review,
        "notes": doc.record_notes,
        "entries": [entry.to_json() for entry in doc.entries],
        "findings": (
            finding.to_json() | {"source": doc.source_of(finding)} | _boxes(doc, finding) for finding in doc.findings
        ),
    } | _ocr_pages(doc)


def _ocr_pages(doc: Document) -> dict[str, object]:
    """Pages read by OCR, and the unit their findings' boxes are in (points for a PDF
    page, pixels for an image file), measured from the page's top-left."""
    pages = [n for n, page in enumerate(doc.layout, start=1) if page.ocr]
    return {"ocr_pages": pages, "box_unit": doc.layout[0].unit} if pages else {}


def _boxes(doc: Document, finding: Finding) -> dict[str, object]:
    boxes = doc.boxes_of(finding.start, finding.end)
    return {"boxes": [[round(v, 1) for v in box] for box in boxes]} if boxes else {}


class ReportWriter:
    """The JSON report written a document at a time as the scan finishes them (the
    same text `write_json_report` makes), into an `AtomicFile` that becomes the
    report only when `finish` is called: a failed or killed run leaves no report."""

    def __init__(self, path: Path, policy: str) -> None:
        head = build_report([], [], policy)
        self.out = AtomicFile(path)
        self.out.write("{")
        for key in ("schema", "tool", "notice", "policy"):
            self.out.write(f"\n {json.dumps(key)}: " + "".join(_stream(head[key], 1)) + ",")
        self.out.write('\n "documents": [')
        self.count = 0
        self.failed: OSError | None = None

    def add(self, document: Document) -> None:
        if self.failed is not None:
            return
        text = ("," if self.count else "") + "\n  " + "".join(_stream(_document(document), 2))
        start = self.out.handle.tell()
        try:
            self.out.write(text)
        except OSError as exc:  # a full disk mid-scan: the scan goes on, `finish` raises it
            self.failed = exc
        except BaseException:
            # Ctrl-C or SIGTERM mid-write: the scan stops and `finish` closes the report,
            # which must hold whole documents only.
            self.out.handle.seek(start)
            self.out.handle.truncate()
            raise
        self.count += 1

    def finish(self, errors: list[tuple[str, str]], complete: bool) -> None:
        if self.failed is not None:
            raise self.failed
        tail = build_report([], errors, "", complete)
        self.out.write("\n ]" if self.count else "]")
        for key in ("errors", "complete"):
            self.out.write(f",\n {json.dumps(key)}: " + "".join(_stream(tail[key], 1)))
        self.out.write("\n}\n")
        self.out.commit()

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.out.__exit__(*exc)  # not finished: no report rather than half of one


def write_json_report(path: Path, report: dict[str, object]) -> None:
    write_atomic(path, _stream(report))


def _stream(value: object, depth: int = 0) -> Iterator[str]:
    """JSON text in pieces: the report's frame indented, each finding and entry on a line."""
    pad = "\n" + " " * (depth + 1)
    if depth >= ONE_LINE_DEPTH or not value or not isinstance(value, dict | list | tuple | GeneratorType):
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, dict):
        yield "{"
        for number, (key, item) in enumerate(value.items()):
            yield ("," if number else "") + pad + json.dumps(key) + ": "
            yield from _stream(item, depth + 1)
        yield "\n" + " " * depth + "}" + ("\n" if depth == 0 else "")
    else:
        empty = True
        yield "["
        for item in value:
            yield ("" if empty else ",") + pad
            empty = False
            yield from _stream(item, depth + 1)
        yield "]" if empty else "\n" + " " * depth + "]"
