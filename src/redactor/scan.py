"""The scan job: ingest -> detect -> decide, in batches, one bad file never stopping the rest."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .decide import Policy, decide_document
from .detect.pipeline import Detector
from .ingest import IngestError, InputFile, load_document
from .model import Document, Patient

BATCH_DOCUMENTS = 64


@dataclass
class ScanResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def scan(
    inputs: Iterable[InputFile],
    detector: Detector,
    policy: Policy,
    patient_override: Patient | None = None,
    on_file_done: Callable[[InputFile, str | None], None] | None = None,
    reviewed: Callable[[Document], None] | None = None,
) -> ScanResult:
    """Scan every input; `reviewed` applies recorded reviewer decisions to each document."""
    result = ScanResult()
    batch: list[tuple[InputFile, Document]] = []

    def flush() -> None:
        documents = [doc for _, doc in batch]
        detector.detect(documents)
        for source, doc in batch:
            decide_document(doc, policy, reviewed)
            result.documents.append(doc)
            if on_file_done:
                on_file_done(source, None)
        batch.clear()

    for source in inputs:
        try:
            document = load_document(source)
        except IngestError as exc:
            result.errors.append((source.shown_as, str(exc)))
            if on_file_done:
                on_file_done(source, str(exc))
            continue
        if patient_override is not None:
            document.patient = document.patient.merged(patient_override)
        batch.append((source, document))
        if len(batch) >= BATCH_DOCUMENTS:
            flush()
    if batch:
        flush()
    return result
