"""The scan job: ingest -> detect -> decide, over many files, in one or many processes.

Files go out in small chunks so each worker feeds spaCy through `nlp.pipe`; every
worker builds its pipeline once. The same chunking is used whatever the number of
workers, so results never depend on it. A file whose bytes were already analysed
(in this run, or in an earlier one through the cache) is not analysed again.

One bad file never stops the rest: whatever a file does to a reader, the detector or a
worker process, it becomes one line in `errors` (its exception's type, never its
message, which may quote the record) and the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .cache import FindingsCache, file_digest
from .decide import Policy, decide_document
from .decide.verdicts import set_verdicts
from .detect.pipeline import Detector
from .formats.csv_journal import CsvOptions
from .ingest import READERS, IngestError, InputFile, load_document, ocr
from .ingest.patients import PatientList
from .model import Document, Patient

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

CHUNK_FILES = 16
PAGED = frozenset(suffix for suffix, kind in READERS.items() if kind in ("pdf", "image"))
CRASHED = "the worker process stopped while reading this file (out of memory, or a crash in a library)"


class Outcome(NamedTuple):
    """One file's result: a judged document, or an error (plus, for an unexpected
    exception, where in the code it happened: frames only, no message)."""

    source: InputFile
    document: Document | None
    error: str | None = None
    trace: str | None = None


@dataclass
class ScanResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    traces: dict[str, str] = field(default_factory=dict)  # shown as, for `-v`
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


def _start_worker(job: Job, pages: Queue[int] | None = None) -> None:
    global _worker
    _worker = (Detector(staff=job.staff), job)
    if pages is not None:  # each page OCR reads is counted in the parent's progress display
        ocr.on_page = partial(pages.put, 1)


def _analyse(chunk: list[InputFile], detector: Detector | None = None, job: Job | None = None) -> list[Outcome]:
    """Ingest, detect and decide one chunk of files; in a worker, or in-process."""
    if detector is None or job is None:
        assert _worker is not None, "worker not started"
        detector, job = _worker
    outcomes: list[Outcome] = []
    for source in chunk:
        try:
            outcomes.append(Outcome(source, job.load(source)))
        except IngestError as exc:
            outcomes.append(Outcome(source, None, str(exc)))
        except Exception as exc:  # a reader's bug must not cost the batch
            outcomes.append(_unexpected(source, "could not read this file", exc))
    documents = [o.document for o in outcomes if o.document is not None]
    try:
        _judge(documents, detector, job.policy)
    except Exception:
        # One document broke the batch: judge each alone to find which.
        for index, outcome in enumerate(outcomes):
            if outcome.document is not None:
                try:
                    _judge([outcome.document], detector, job.policy)
                except Exception as exc:
                    outcomes[index] = _unexpected(outcome.source, "detection failed on this file", exc)
    return outcomes


def _judge(documents: list[Document], detector: Detector, policy: Policy) -> None:
    detector.detect(documents)
    for document in documents:
        decide_document(document, policy)


def _unexpected(source: InputFile, what: str, exc: BaseException) -> Outcome:
    """An error line naming the exception's type, never its message (which may quote the
    record); the frames go to `-v`."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    return Outcome(source, None, f"{what} ({type(exc).__name__}; run with -v for where)", frames)


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
    on_page: Callable[[], None] | None = None,
) -> ScanResult:
    """Scan every input; `reviewed` applies recorded reviewer decisions to each document.

    With `keep_documents` False each document goes only to `on_file_done` and is then
    dropped, so memory stays flat however large the practice. With `scheduler` (a Dask
    distributed address) the chunks run on that cluster instead of local processes.
    `on_page` is called as each page is read by OCR, in whichever process reads it.
    """
    job = Job(policy, tuple(staff), patient_override, csv_map, patients)
    result = ScanResult()
    by_key: dict[str, list[InputFile]] = {}
    order: list[InputFile] = list(inputs)
    documents: dict[str, Document] = {}

    def finish(source: InputFile, document: Document | None, error: str | None, trace: str | None = None) -> None:
        if document is not None and reviewed is not None:
            try:
                reviewed(document)
                set_verdicts(document)
            except Exception as exc:
                failed = _unexpected(source, "applying decisions failed", exc)
                document, error, trace = None, failed.error, failed.trace
        if document is not None:
            if keep_documents:
                documents[source.shown_as] = document
        else:
            result.errors.append((source.shown_as, error or "unknown error"))
            if trace:
                result.traces[source.shown_as] = trace
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

    def analysed(outcome: Outcome) -> None:
        source, document, error, trace = outcome
        key = key_of.get(source.shown_as)
        copies = by_key.get(key, [source])[1:] if key else []
        if document is not None:
            result.analysed += 1
            if cache is not None and key is not None:
                cache.store(key, document)
        finish(source, document, error, trace)
        for copy in copies:
            if document is None:
                finish(copy, None, error, trace)
                continue
            result.reused += 1
            try:
                duplicate = job.load(copy)
                duplicate.findings = list(document.findings)
                decide_document(duplicate, policy)
            except IngestError as exc:  # changed since it was hashed
                finish(copy, None, str(exc))
                continue
            except Exception as exc:
                failed = _unexpected(copy, "could not read this file", exc)
                finish(copy, None, failed.error, failed.trace)
                continue
            finish(copy, duplicate, None)

    chunks = _chunks(pending)
    try:
        runs = _run_dask(chunks, scheduler, job) if scheduler else _run(chunks, workers, detector, job, on_page)
        for outcomes in runs:
            for outcome in outcomes:
                analysed(outcome)
    except KeyboardInterrupt:
        # Ctrl-C or SIGTERM: what finished is kept (and cached).
        result.complete = False
    result.documents = [documents[s.shown_as] for s in order if s.shown_as in documents]
    return result


def _chunks(pending: list[InputFile]) -> list[list[InputFile]]:
    """Records in chunks of CHUNK_FILES; a PDF or image alone, since OCR may take
    seconds a page and a handful of scanned letters should still use every worker."""
    paged = [s for s in pending if s.path.suffix.lower() in PAGED]
    rest = [s for s in pending if s.path.suffix.lower() not in PAGED]
    return [[s] for s in paged] + [rest[i : i + CHUNK_FILES] for i in range(0, len(rest), CHUNK_FILES)]


def _run(
    chunks: list[list[InputFile]],
    workers: int,
    detector: Detector | None,
    job: Job,
    on_page: Callable[[], None] | None = None,
) -> Iterator[list[Outcome]]:
    if workers <= 1 or len(chunks) <= 1:
        local = detector or Detector(staff=job.staff)
        ocr.on_page = on_page
        try:
            for chunk in chunks:
                yield _analyse(chunk, local, job)
        finally:
            ocr.on_page = None
        return
    with _pages_counted(on_page) as pages:
        yield from _pooled(chunks, workers, job, pages)


@contextmanager
def _pages_counted(on_page: Callable[[], None] | None) -> Iterator[Queue[int] | None]:
    """A queue workers count OCR'd pages into, drained into `on_page` by a thread."""
    if on_page is None:
        yield None
        return
    pages: Queue[int] = multiprocessing.get_context("spawn").Queue()

    def drain() -> None:
        while pages.get() is not None:
            on_page()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        yield pages
    finally:
        pages.put(None)  # type: ignore[arg-type]
        reader.join(timeout=5)


def _pooled(
    chunks: list[list[InputFile]], workers: int, job: Job, pages: Queue[int] | None
) -> Iterator[list[Outcome]]:
    # A worker that dies (out of memory, a crash in a library) breaks its pool: the
    # files it held are read again one by one in a new pool, so only the file that
    # kills a worker twice is lost, as an error line.
    queue = deque(chunks)
    while queue:
        broken: list[list[InputFile]] = []
        yield from _pool(queue, workers, job, broken, pages)
        for chunk in broken:
            if len(chunk) == 1:
                yield [Outcome(chunk[0], None, CRASHED)]
            else:
                queue.extend([source] for source in chunk)


def _pool(
    queue: deque[list[InputFile]],
    workers: int,
    job: Job,
    broken: list[list[InputFile]],
    pages: Queue[int] | None = None,
) -> Iterator[list[Outcome]]:
    """Run chunks from `queue` until it is empty or the pool breaks; chunks lost with a
    broken pool go to `broken`."""
    # Spawned, not forked: a fork would copy the parent's threads (progress display)
    # and any half-loaded state; each worker builds its own pipeline once.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(job, pages)
    ) as pool:
        running: dict[Future[list[Outcome]], list[InputFile]] = {}
        try:
            while queue and len(running) < workers * 2:
                chunk = queue.popleft()
                running[pool.submit(_analyse, chunk)] = chunk
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk = running.pop(future)
                    try:
                        outcomes = future.result()
                    except BrokenProcessPool:
                        broken.append(chunk)
                        continue
                    yield outcomes
                    if queue and not broken:
                        following = queue.popleft()
                        running[pool.submit(_analyse, following)] = following
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _analyse_on_cluster(chunk: list[InputFile], job: Job) -> list[Outcome]:
    """A Dask task: each worker process builds its pipeline on first use, then keeps it."""
    if _worker is None or _worker[1] != job:
        _start_worker(job)
    return _analyse(chunk)


def _run_dask(chunks: list[list[InputFile]], scheduler: str, job: Job) -> Iterator[list[Outcome]]:
    """The same chunks on a Dask distributed cluster (workers must see the input paths)."""
    from distributed import Client, as_completed

    with Client(scheduler, set_as_default=False) as client:
        futures = {client.submit(_analyse_on_cluster, chunk, job, pure=False): chunk for chunk in chunks}
        try:
            for future in as_completed(futures, loop=client.loop):  # not the default client: ours
                try:
                    yield future.result()
                except Exception as exc:  # a lost worker: the chunk's files are errors
                    yield [_unexpected(source, "the cluster could not read this file", exc) for source in futures[future]]
        except BaseException:
            client.cancel(futures)
            raise


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "redactor"
