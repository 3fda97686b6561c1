"""The JSON report (schema 1), documented in the README.

Later versions may add fields, never remove or rename these. The report holds
record text (span texts): it is for the practice and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from .. import __version__
from ..model import Document

SCHEMA = 1
NOTICE = "Contains patient-identifiable data from GP records. For the practice only; do not share."


def build_report(
    documents: list[Document], errors: list[tuple[str, str]], policy: str, complete: bool = True
) -> dict[str, object]:
    return {
        "schema": SCHEMA,
        "tool": {"name": "redactor", "version": __version__},
        "notice": NOTICE,
        "policy": policy,
        "documents": [
            {
                "path": doc.path,
                "sha256": doc.sha256,
                "format": doc.format,
                "pages": doc.pages,
                # From the online-access codes: true = enhanced review before access,
                # false = cleared by 1364751000000106, null = no such code.
                "enhanced_review": doc.enhanced_review,
                "notes": doc.record_notes,
                "entries": [entry.to_json() for entry in doc.entries],
                "findings": [
                    finding.to_json() | {"source": doc.source_of(finding)} for finding in doc.findings
                ],
            }
            for doc in documents
        ],
        "errors": [{"path": path, "error": error} for path, error in errors],
        # False when the run was interrupted: the report covers the files finished.
        "complete": complete,
    }


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write beside the target then rename, so a reader never sees half a file. The
    temporary name carries this process's id: one left by a killed run (`kill -9`)
    is removed by the next write to the same place."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent, f".{path.name}.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)  # patient data: owner only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale(folder: Path, prefix: str) -> None:
    """Remove what a killed run left in `folder`: entries named PREFIX<pid>.* whose
    process is gone (half-written reports and staging folders hold patient data)."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix)]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        stale = folder / name
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def write_json_report(path: Path, report: dict[str, object]) -> None:
    write_atomic(path, json.dumps(report, indent=1, ensure_ascii=False) + "\n")
