"""A findings cache so re-running over the same folder analyses only what changed.

One small JSON file per analysed input, named by a key that covers everything
that could change the findings: the input's bytes, redactor's version, every file
in models/, the Tesseract version, the policy, the staff list and any patient override. Each file is
written atomically when its document is done, so an interrupted run leaves a
consistent cache and the next run resumes. The cache stores findings (offsets,
categories, rules, reasons), never record text: a restored finding takes its text
from the input file itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .decide.verdicts import set_verdicts
from .detect.resources import models_dir
from .ingest import InputFile
from .model import Action, Category, Document, Finding
from .report.json_report import write_atomic

if TYPE_CHECKING:
    from .scan import Job

SCHEMA = 1


def file_digest(path: Path) -> str:
    """The file's bytes, and a CSV's column-mapping sidecar, which changes how it reads."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    sidecar = path.with_suffix(".map.yml")
    if path.suffix.lower() == ".csv" and sidecar.is_file():
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def models_digest(root: Path | None = None) -> str:
    digest = hashlib.sha256()
    root = root or models_dir()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ocr_version() -> str | None:
    """Tesseract's version: another version reads a scan into other text and offsets."""
    from .ingest import ocr

    if not ocr.available():
        return None
    import pytesseract

    return str(pytesseract.get_tesseract_version())


class FindingsCache:
    def __init__(self, folder: Path, job: Job) -> None:
        self.folder = folder
        setup = json.dumps(
            {
                "schema": SCHEMA,
                "version": __version__,
                "models": models_digest(),
                "ocr": ocr_version(),
                "policy": [
                    job.policy.name,
                    sorted((str(k), str(v)) for k, v in job.policy.actions.items()),
                    job.policy.review_below,
                    str(job.policy.quiet),
                ],
                "staff": list(job.staff),
                "patient": asdict(job.patient_override) if job.patient_override else None,
                "csv_map": list(job.csv_map.mapping) if job.csv_map else None,
                "patients": [[k, asdict(p)] for k, p in job.patients.by_key] if job.patients else None,
            },
            sort_keys=True,
        )
        self.setup = hashlib.sha256(setup.encode()).hexdigest()

    def key(self, digest: str) -> str:
        return hashlib.sha256(f"{self.setup}:{digest}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def store(self, key: str, document: Document) -> None:
        findings = [
            {k: v for k, v in f.to_json().items() if k not in ("text", "decision")} for f in document.findings
        ]
        write_atomic(self._path(key), json.dumps({"schema": SCHEMA, "findings": findings}) + "\n", tidy=False)

    def restore(self, key: str, source: InputFile, job: Job) -> Document | None:
        """The document with its cached findings, or None if not cached (or unusable)."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))["findings"]
            document = job.load(source)
        except Exception:  # an unusable entry, or a file the reader now refuses: analysed afresh
            return None
        try:
            document.findings = [
                Finding(
                    start=f["start"],
                    end=f["end"],
                    text=document.text[f["start"] : f["end"]],
                    category=Category(f["category"]),
                    score=f["score"],
                    rule=f["rule"],
                    reason=f["reason"],
                    action=Action(f["action"]),
                    page=f["page"],
                    entry=f["entry"],
                    evidence=tuple((e["start"], e["end"]) for e in f.get("evidence", ())),
                    quiet=bool(f.get("quiet")),
                )
                for f in stored
            ]
        except Exception:  # a damaged entry (wrong types, bad spans): analysed afresh
            return None
        set_verdicts(document)
        return document
