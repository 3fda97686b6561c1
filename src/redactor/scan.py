"""The scan job: ingest -> detect -> decide, over many files, in one or many processes.

Files go out in small chunks so each worker feeds spaCy through `nlp.pipe`; every
worker builds its pipeline once. The same chunking is used whatever the number of
workers, so results never depend on it. A file whose bytes were already analysed
(in this run, or in an earlier one through the cache) is not analysed again. One
bad file never stops the rest.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .cache import FindingsCache, file_digest
from .decide import Policy, decide_document
from .decide.verdicts import set_verdicts
from .detect.pipeline import Detector
from .formats.csv_journal import CsvOptions
from .ingest import IngestError, InputFile, load_document
from .ingest.patients import PatientList
from .model import Document, Patient

CHUNK_FILES = 16


@dataclass
class ScanResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    analysed: int = 0  # documents that went through the NLP pipeline this run
    reused: int = 0  # documents whose findings came from the cache or a duplicate
    complete: bool = True  # False when interrupted


@dataclass(frozen=True)
class Job:
    """What every worker needs to build its pipeline and judge a file."""

    policy: Policy
    staff: tuple[str, ...] = ()
    patient_override: Patient | None = None
    csv_map: CsvOptions | None = None
    patients: PatientList | None = None

    def load(self, source: InputFile) -> Document:
        """Read a file; the patient list fills in who it belongs to, and the command
        line's patient details win over both."""
        document = load_document(source, self.csv_map)
        if self.patients is not None and (listed := self.patients.find(document)) is not None:
            document.patient = listed.merged(document.patient)
        if self.patient_override is not None:
            document.patient = document.patient.merged(self.patient_override)
        return document


_worker: tuple[Detector, Job] | None = None


def _start_worker(job: Job) -> None:
    global _worker
    _worker = (Detector(staff=job.staff), job)


def _analyse(
    chunk: list[InputFile], detector: Detector | None = None, job: Job | None = None
) -> list[tuple[InputFile, Document | None, str | None]]:
    """Ingest, detect and decide one chunk of files; in a worker, or in-process."""
    if detector is None or job is None:
        assert _worker is not None, "worker not started"
        detector, job = _worker
    loaded: list[tuple[InputFile, Document | None, str | None]] = []
    for source in chunk:
        try:
            document = job.load(source)
        except IngestError as exc:
            loaded.append((source, None, str(exc)))
            continue
        loaded.append((source, document, None))
    documents = [doc for _, doc, _ in loaded if doc is not None]
    detector.detect(documents)
    for document in documents:
        decide_document(document, job.policy)
    return loaded


def scan(
    inputs: Iterable[InputFile],
    detector: Detector | None,
    policy: Policy,
    patient_override: Patient | None = None,
    on_file_done: Callable[[InputFile, str | None, Document | None], None] | None = None,
    reviewed: Callable[[Document], None] | None = None,
    workers: int = 1,
    cache: FindingsCache | None = None,
    staff: Iterable[str] = (),
    keep_documents: bool = True,
    scheduler: str | None = None,
    csv_map: CsvOptions | None = None,
    patients: PatientList | None = None,
) -> ScanResult:
    """Scan every input; `reviewed` applies recorded reviewer decisions to each document.

    With `keep_documents` False each document goes only to `on_file_done` and is then
    dropped, so memory stays flat however large the practice. With `scheduler` (a Dask
    distributed address) the chunks run on that cluster instead of local processes.
    """
    job = Job(policy, tuple(staff), patient_override, csv_map, patients)
    result = ScanResult()
    by_key: dict[str, list[InputFile]] = {}
    order: list[InputFile] = list(inputs)
    documents: dict[str, Document] = {}

    def finish(source: InputFile, document: Document | None, error: str | None) -> None:
        if document is not None:
            if reviewed is not None:
                reviewed(document)
                set_verdicts(document)
            if keep_documents:
                documents[source.shown_as] = document
        else:
            result.errors.append((source.shown_as, error or "unknown error"))
        if on_file_done:
            on_file_done(source, error, document)

    pending: list[InputFile] = []
    for source in order:
        try:
            key = cache.key(file_digest(source.path)) if cache else file_digest(source.path)
        except OSError:
            pending.append(source)  # ingest will report the problem
            continue
        if key in by_key:
            by_key[key].append(source)  # the same bytes twice: analysed once
            continue
        by_key[key] = [source]
        if cache is not None and (restored := cache.restore(key, source, job)) is not None:
            result.reused += 1
            finish(source, restored, None)
            continue
        pending.append(source)
    key_of = {group[0].shown_as: key for key, group in by_key.items()}

    def analysed(source: InputFile, document: Document | None, error: str | None) -> None:
        key = key_of.get(source.shown_as)
        copies = by_key.get(key, [source])[1:] if key else []
        if document is not None:
            result.analysed += 1
            if cache is not None and key is not None:
                cache.store(key, document)
        finish(source, document, error)
        for copy in copies:
            if document is None:
                finish(copy, None, error)
                continue
            result.reused += 1
            duplicate = job.load(copy)
            duplicate.findings = list(document.findings)
            decide_document(duplicate, policy)
            finish(copy, duplicate, None)

    chunks = [pending[i : i + CHUNK_FILES] for i in range(0, len(pending), CHUNK_FILES)]
    try:
        runs = _run_dask(chunks, scheduler, job) if scheduler else _run(chunks, workers, detector, job)
        for loaded in runs:
            for source, document, error in loaded:
                analysed(source, document, error)
    except (KeyboardInterrupt, BrokenProcessPool):
        # Ctrl-C, SIGTERM or a worker killed: what finished is kept (and cached).
        result.complete = False
    result.documents = [documents[s.shown_as] for s in order if s.shown_as in documents]
    return result


def _run(
    chunks: list[list[InputFile]], workers: int, detector: Detector | None, job: Job
) -> Iterator[list[tuple[InputFile, Document | None, str | None]]]:
    if workers <= 1 or len(chunks) <= 1:
        local = detector or Detector(staff=job.staff)
        for chunk in chunks:
            yield _analyse(chunk, local, job)
        return
    # Spawned, not forked: a fork would copy the parent's threads (progress display)
    # and any half-loaded state; each worker builds its own pipeline once.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(job,)
    ) as pool:
        queue = iter(chunks)
        running: set[Future[list[tuple[InputFile, Document | None, str | None]]]] = set()
        try:
            for chunk in queue:
                running.add(pool.submit(_analyse, chunk))
                if len(running) >= workers * 2:
                    break
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
                    following = next(queue, None)
                    if following is not None:
                        running.add(pool.submit(_analyse, following))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _analyse_on_cluster(
    chunk: list[InputFile], job: Job
) -> list[tuple[InputFile, Document | None, str | None]]:
    """A Dask task: each worker process builds its pipeline on first use, then keeps it."""
    if _worker is None or _worker[1] != job:
        _start_worker(job)
    return _analyse(chunk)


def _run_dask(
    chunks: list[list[InputFile]], scheduler: str, job: Job
) -> Iterator[list[tuple[InputFile, Document | None, str | None]]]:
    """The same chunks on a Dask distributed cluster (workers must see the input paths)."""
    from distributed import Client, as_completed

    with Client(scheduler, set_as_default=False) as client:
        futures = [client.submit(_analyse_on_cluster, chunk, job, pure=False) for chunk in chunks]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            client.cancel(futures)
            raise


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "redactor"
