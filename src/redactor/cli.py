"""Command line: a thin typer layer over scan, decide, report and evaluate.

Exit codes (as ruff and bandit): 0 nothing to redact or review, 1 something to
redact or review, 2 usage or input error. Messages never quote record text.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from . import __version__
from .decide import PolicyError, load_policy
from .decide.decisions import (
    Decisions,
    DecisionsError,
    apply_decisions,
    default_decisions_path,
    default_key_file,
    load_key,
)
from .detect.resources import ModelDataError
from .ingest import InputFile, find_inputs
from .ingest.demographics import parse_date, split_name
from .model import Action, Document, Patient
from .report.json_report import write_atomic
from .report.progress import ScanProgress

if TYPE_CHECKING:
    from .formats.csv_journal import CsvOptions

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find what must be held back before a GP record is released to the patient.",
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # as a shell reports Ctrl-C


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)  # rich honours NO_COLOR itself


def _print_errors(
    console: Console, errors: list[tuple[str, str]], traces: dict[str, str] | None = None
) -> None:
    """One line per file that could not be read; never record text. With --verbose, the
    frames of an unexpected failure follow its line (code locations, no message)."""
    for path, error in errors:
        console.print(f"[red]error:[/] {escape(path)}: {escape(error)}", soft_wrap=True)
        if traces and path in traces:
            console.print(traces[path], markup=False, highlight=False, soft_wrap=True)


def _refuse_over_inputs(target: Path | None, paths: list[str], what: str) -> None:
    """A report or output set must never replace an input, nor land among the inputs
    (where the next folder scan would read it as a record)."""
    if target is None:
        return
    where = Path(os.path.abspath(target))
    for arg in paths:
        given = Path(os.path.abspath(arg))
        if where == given or (given.is_file() and where.exists() and where.samefile(given)):
            raise _fail(f"{what} {target} would overwrite an input; write it elsewhere")
        if given.is_dir() and (where.is_relative_to(given) or given.is_relative_to(where)):
            raise _fail(f"{what} {target} is inside the input folder {arg} (or holds it); write it elsewhere")


def _common_root(paths: list[str]) -> Path:
    """The deepest folder holding every input: outputs mirror each input's path below it."""
    folders = [
        os.path.abspath(arg) if Path(arg).is_dir() else os.path.dirname(os.path.abspath(arg)) for arg in paths
    ]
    return Path(os.path.commonpath(folders)) if folders else Path.cwd()


class _InOrder:
    """Hands each finished document on in the order of the inputs, whatever order the
    workers finish them in (a report must not depend on their number), holding only
    those that finish early; the progress display hears of every file at once."""

    def __init__(
        self,
        inputs: list[InputFile],
        advance: Callable[[InputFile, str | None, Document | None], None],
        use: Callable[[Document], None],
    ) -> None:
        self.place = {source.shown_as: number for number, source in enumerate(inputs)}
        self.advance, self.use = advance, use
        self.waiting: dict[int, Document | None] = {}
        self.next = 0

    def __call__(self, source: InputFile, error: str | None, document: Document | None) -> None:
        self.advance(source, error, document)
        self.waiting[self.place[source.shown_as]] = document
        while self.next in self.waiting:
            self._hand_on(self.next)

    def flush(self) -> None:
        """After an interrupted run: what did finish, still in order."""
        for number in sorted(self.waiting):
            self._hand_on(number)

    def _hand_on(self, number: int) -> None:
        document = self.waiting.pop(number)
        self.next = number + 1
        if document is not None:
            self.use(document)


def _write(path: Path, content: str) -> None:
    try:
        write_atomic(path, content)
    except OSError as exc:
        raise _fail(f"cannot write {path} ({exc.strerror or type(exc).__name__})") from None


def _fail(message: str) -> typer.Exit:
    _console(stderr=True).print(f"[red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        print(f"redactor {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """redactor scans GP record exports and reports, entry by entry, what to hide or review."""
    # SIGTERM (a scheduler stopping an overnight run) ends the run like Ctrl-C:
    # finished files stay cached and the report says it is incomplete.
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


PolicyOpt = Annotated[str | None, typer.Option("--policy", help="Policy name or YAML file.")]
StaffOpt = Annotated[
    Path | None,
    typer.Option("--staff", help="Practice staff list, one name per line: always professionals."),
]
CsvMapOpt = Annotated[
    Path | None,
    typer.Option(
        "--csv-map", help="CSV journals: YAML mapping roles (date, clinician, code, term, text) to columns."
    ),
]
PatientsOpt = Annotated[
    Path | None,
    typer.Option(
        "--patients", help="Patient list CSV (NHS number or file, name, DOB): who each record belongs to."
    ),
]
DecisionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--decisions", help="Reviewer decisions file (default: .redactor-decisions.json beside the inputs)."
    ),
]
WorkersOpt = Annotated[
    int | None, typer.Option("--workers", min=1, help="Processes to use (default: the CPU count).")
]
CacheOpt = Annotated[
    Path | None,
    typer.Option("--cache", help="Findings cache folder (default: ~/.cache/redactor); holds no record text."),
]


class Executor(StrEnum):
    local = "local"
    dask = "dask"


ExecutorOpt = Annotated[
    Executor, typer.Option("--executor", help="local processes, or a Dask cluster (needs --scheduler).")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run on a Dask distributed cluster at this address (e.g. tcp://10.0.0.5:8786) "
        "instead of local processes; its workers must see the same input paths.",
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Analyse everything afresh; write no cache.")]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="For a file that failed unexpectedly, where in redactor (never record text)."
    ),
]
KeyOpt = Annotated[
    Path | None,
    typer.Option("--key-file", help="Practice key for decision fingerprints (default: ~/.config/redactor)."),
]


@dataclass
class _Scanned:
    documents: list[Document]
    errors: list[tuple[str, str]]
    policy: str
    decisions: Decisions
    key: bytes
    complete: bool = True
    csv_map: CsvOptions | None = None  # as given by --csv-map, for apply to read files the same way
    traces: dict[str, str] | None = None  # where unexpected failures happened, for --verbose


def _scan_paths(
    paths: list[str],
    policy: str | None,
    staff: Path | None,
    decisions_path: Path | None,
    key_file: Path | None,
    override: Patient | None = None,
    quiet: bool = False,
    workers: int | None = None,
    cache_dir: Path | None = None,
    no_cache: bool = False,
    scheduler: str | None = None,
    csv_map: Path | None = None,
    patients: Path | None = None,
    on_document: Callable[[Document], None] | None = None,
) -> _Scanned:
    """Scan with progress on stderr, applying recorded decisions; exits 2 on usage errors.

    With `on_document`, each judged document goes to it as it is finished and is not
    kept, so a command that needs only a summary of each runs over a whole practice
    in flat memory."""
    from .formats.csv_journal import load_mapping
    from .ingest.patients import load_patient_list

    try:
        chosen_policy = load_policy(policy)
        mapping = load_mapping(csv_map) if csv_map else None
        patient_list = load_patient_list(patients) if patients else None
    except PolicyError as exc:
        raise _fail(str(exc)) from None
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if staff is not None and not staff.is_file():
        raise _fail(f"{staff}: staff list not found")
    inputs, missing = find_inputs(paths)
    if not inputs:
        # Nothing to scan is never a pass: a gate that checked nothing must not say so.
        _print_errors(_console(stderr=True), missing or [(", ".join(paths), "no files redactor reads here")])
        raise typer.Exit(EXIT_ERROR)
    try:
        decisions = Decisions.load(decisions_path or default_decisions_path(paths))
        new_key = not (key_file or default_key_file()).exists()
        key = load_key(key_file)
    except DecisionsError as exc:
        raise _fail(str(exc)) from None
    if new_key:
        _console(stderr=True).print(
            f"created a practice key at {key_file or default_key_file()}: keep it (and back it up) outside "
            "the decisions file; without it recorded decisions no longer match"
        )

    from .cache import FindingsCache
    from .detect.pipeline import Detector
    from .detect.resources import read_word_list
    from .scan import Job, default_cache_dir, default_workers
    from .scan import scan as run_scan

    staff_names = read_word_list(staff) if staff else []
    workers = workers or default_workers()
    try:
        detector = Detector(staff=staff_names) if workers == 1 and not scheduler else None
        cache = (
            None
            if no_cache
            else FindingsCache(
                cache_dir or default_cache_dir(),
                Job(chosen_policy, tuple(staff_names), override, mapping, patient_list),
            )
        )
    except ModelDataError as exc:
        raise _fail(f"models: {exc}") from None
    with ScanProgress(_console(stderr=True), len(inputs), quiet) as progress:
        in_order = _InOrder(inputs, progress.advance, on_document) if on_document else None
        result = run_scan(
            inputs,
            detector,
            chosen_policy,
            override,
            on_file_done=in_order or progress.advance,
            reviewed=lambda document: apply_decisions(document, decisions, key),
            keep_documents=on_document is None,
            workers=workers,
            cache=cache,
            staff=staff_names,
            scheduler=scheduler,
            csv_map=mapping,
            patients=patient_list,
            on_page=progress.page,
        )
    if in_order is not None:
        in_order.flush()
    if not result.complete:
        _console(stderr=True).print("[yellow]interrupted:[/] the report covers the files finished so far")
    return _Scanned(
        result.documents,
        missing + result.errors,
        chosen_policy.name,
        decisions,
        key,
        result.complete,
        mapping,
        result.traces,
    )


@app.command()
def scan(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of exports (.txt, .pdf, .json, .xml, .csv, .docx).")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report (schema 1) here.")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")
    ] = None,
    workers: WorkersOpt = None,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    executor: ExecutorOpt = Executor.local,
    scheduler: SchedulerOpt = None,
    policy: PolicyOpt = None,
    staff: StaffOpt = None,
    csv_map: CsvMapOpt = None,
    patients: PatientsOpt = None,
    decisions: DecisionsOpt = None,
    key_file: KeyOpt = None,
    patient_name: Annotated[str | None, typer.Option(help="Patient's name, overriding the export's.")] = None,
    patient_dob: Annotated[str | None, typer.Option(help="Patient's date of birth (day first).")] = None,
    patient_nhs: Annotated[str | None, typer.Option(help="Patient's NHS number.")] = None,
    patient_address: Annotated[str | None, typer.Option(help="Patient's address.")] = None,
    details: Annotated[
        bool, typer.Option("--details", help="List every flag with where it came from (no record text).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary table; errors only.")] = False,
    verbose: VerboseOpt = False,
) -> None:
    """Scan exports and report every finding, entry verdicts and errors."""
    if (executor is Executor.dask) != (scheduler is not None):
        raise _fail("--executor dask and --scheduler ADDRESS go together")
    _refuse_over_inputs(json_out, paths, "--json")
    _refuse_over_inputs(html_out, paths, "--html")
    override = _patient_override(patient_name, patient_dob, patient_nhs, patient_address)

    from .report.html_report import write_html_report
    from .report.json_report import ReportWriter, build_report, write_json_report
    from .report.terminal import Summary

    # Without --html (which needs every document for its summary at the top) each
    # document is reported as it finishes and let go: a whole practice in flat memory.
    streaming = html_out is None
    summary = Summary(details)
    with ExitStack() as stack:
        writer = None
        if streaming and json_out is not None:
            try:
                policy_name = load_policy(policy).name
                writer = stack.enter_context(ReportWriter(json_out, policy_name))
            except PolicyError as exc:
                raise _fail(str(exc)) from None
            except OSError as exc:
                raise _fail(f"cannot write report ({exc.strerror}: {exc.filename})") from None

        def report(document: Document) -> None:
            if writer is not None:
                writer.add(document)
            summary.add(document)

        scanned = _scan_paths(
            paths,
            policy,
            staff,
            decisions,
            key_file,
            override,
            quiet,
            workers,
            cache,
            no_cache,
            csv_map=csv_map,
            patients=patients,
            on_document=report if streaming else None,
        )
        try:
            if writer is not None:
                writer.finish(scanned.errors, scanned.complete)
            elif json_out is not None:
                built = build_report(scanned.documents, scanned.errors, scanned.policy, scanned.complete)
                write_json_report(json_out, built)
            if html_out is not None:
                write_html_report(html_out, scanned.documents, scanned.errors, scanned.policy)
        except OSError as exc:
            raise _fail(f"cannot write report ({exc.strerror}: {exc.filename})") from None
    for document in scanned.documents:  # kept only for --html
        summary.add(document)
    if not quiet:
        summary.print(_console())
    err = _console(stderr=True)
    _print_errors(err, scanned.errors, scanned.traces if verbose else None)
    if not scanned.complete:
        raise typer.Exit(EXIT_INTERRUPTED)
    if scanned.errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if summary.to_act_on else EXIT_CLEAN)


class FailOn(StrEnum):
    redact = "redact"
    review = "review"


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of exports (.txt, .pdf, .json, .xml, .csv, .docx).")],
    decisions: DecisionsOpt = None,
    key_file: KeyOpt = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Fail on undecided findings at or above this action.")
    ] = FailOn.review,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Report format.")
    ] = OutputFormat.text,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the report here.")] = None,
    workers: WorkersOpt = None,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    policy: PolicyOpt = None,
    staff: StaffOpt = None,
    csv_map: CsvMapOpt = None,
    patients: PatientsOpt = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even with undecided findings (never hides exit 2).")
    ] = False,
    verbose: VerboseOpt = False,
) -> None:
    """Gate for scripts: exit 1 while any finding at or above --fail-on is undecided,
    exit 2 while any file could not be checked."""
    _refuse_over_inputs(output, paths, "--output")
    levels = {Action.REDACT} if fail_on is FailOn.redact else {Action.REDACT, Action.REVIEW}
    checked: dict[str, int] = {}  # each document's undecided count, kept instead of the document

    def count(document: Document) -> None:
        checked[document.path] = sum(1 for f in document.findings if f.action in levels and f.decision is None)

    scanned = _scan_paths(
        paths,
        policy,
        staff,
        decisions,
        key_file,
        quiet=True,
        workers=workers,
        cache_dir=cache,
        no_cache=no_cache,
        csv_map=csv_map,
        patients=patients,
        on_document=count,
    )
    pending = {path: n for path, n in sorted(checked.items()) if n}  # in a stable order, whatever finished first
    if output_format is OutputFormat.json:
        body = json.dumps(
            {
                "schema": 1,
                "fail_on": str(fail_on),
                "undecided": [{"path": p, "findings": n} for p, n in pending.items()],
                "errors": [{"path": p, "error": e} for p, e in scanned.errors],
            },
            indent=1,
        )
    else:
        body = "\n".join(
            f"{path}: {count} undecided finding(s) at or above {fail_on}" for path, count in pending.items()
        )
    if output is not None:
        _write(output, body + "\n")
    elif body:
        print(body)
    err = _console(stderr=True)
    _print_errors(err, scanned.errors, scanned.traces if verbose else None)
    err.print(
        f"{len(checked)} document(s) checked; {len(pending)} with undecided findings "
        f"({sum(pending.values())} in all)"
    )
    if scanned.errors or not scanned.complete:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if pending and not exit_zero else EXIT_CLEAN)


@app.command()
def review(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of exports to review.")],
    decisions: DecisionsOpt = None,
    key_file: KeyOpt = None,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Who is deciding (default: the OS user).")
    ] = None,
    workers: WorkersOpt = None,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    policy: PolicyOpt = None,
    staff: StaffOpt = None,
    csv_map: CsvMapOpt = None,
    patients: PatientsOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Decide flagged findings one by one; quit any time and resume later."""
    from .decide.decisions import current_reviewer
    from .review.session import ReviewSession
    from .review.terminal import run

    scanned = _scan_paths(
        paths,
        policy,
        staff,
        decisions,
        key_file,
        workers=workers,
        cache_dir=cache,
        no_cache=no_cache,
        csv_map=csv_map,
        patients=patients,
    )
    session = ReviewSession(scanned.documents, scanned.decisions, scanned.key, reviewer or current_reviewer())
    try:
        run(session, _console())
    except OSError as exc:
        raise _fail(f"cannot save decisions ({exc.strerror}: {exc.filename})") from None
    err = _console(stderr=True)
    err.print(f"decisions in {scanned.decisions.path}", markup=False)
    _print_errors(err, scanned.errors, scanned.traces if verbose else None)
    if scanned.errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if session.undecided() else EXIT_CLEAN)


@app.command("triage")
def triage_command(
    paths: Annotated[list[str], typer.Argument(help="A practice's exports: files or folders.")],
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the list as CSV here.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the list as JSON here.")] = None,
    decisions: DecisionsOpt = None,
    key_file: KeyOpt = None,
    workers: WorkersOpt = None,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    policy: PolicyOpt = None,
    staff: StaffOpt = None,
    csv_map: CsvMapOpt = None,
    patients: PatientsOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """One row per patient record, riskiest first: whom to code for enhanced review."""
    from .report.triage import print_triage, triage, triage_csv, triage_json

    _refuse_over_inputs(csv_out, paths, "--csv")
    _refuse_over_inputs(json_out, paths, "--json")
    scanned = _scan_paths(
        paths,
        policy,
        staff,
        decisions,
        key_file,
        workers=workers,
        cache_dir=cache,
        no_cache=no_cache,
        csv_map=csv_map,
        patients=patients,
    )
    rows = triage(scanned.documents)
    for target, render in ((csv_out, triage_csv), (json_out, triage_json)):
        if target is not None:
            _write(target, render(rows))
    print_triage(_console(), rows)
    err = _console(stderr=True)
    _print_errors(err, scanned.errors, scanned.traces if verbose else None)
    needing = sum(r.needs_enhanced_review for r in rows)
    err.print(f"{len(rows)} record(s); {needing} need enhanced review before online access")
    if scanned.errors or not scanned.complete:
        raise typer.Exit(EXIT_ERROR if scanned.errors else EXIT_INTERRUPTED)
    raise typer.Exit(EXIT_FINDINGS if needing else EXIT_CLEAN)


class Unreviewed(StrEnum):
    redact = "redact"
    keep = "keep"


@app.command("apply")
def apply_command(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of exports to redact.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the redacted copies and the manifest.")],
    decisions: DecisionsOpt = None,
    key_file: KeyOpt = None,
    unreviewed: Annotated[
        Unreviewed | None,
        typer.Option("--unreviewed", help="What to do with findings still awaiting review (default: stop)."),
    ] = None,
    marker: Annotated[
        str, typer.Option("--marker", help="Replacement text for .txt outputs; {category} is filled in.")
    ] = "[REDACTED: {category}]",
    fixed_marker: Annotated[
        bool, typer.Option("--fixed-marker", help="One fixed marker, [REDACTED], that hides the category.")
    ] = False,
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Recorded in the manifest.")] = None,
    whole_entries: Annotated[
        bool,
        typer.Option(
            "--whole-entries/--spans-only",
            help="Remove entries whose verdict is hide (default), or only the flagged spans.",
        ),
    ] = True,
    workers: WorkersOpt = None,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
    policy: PolicyOpt = None,
    staff: StaffOpt = None,
    csv_map: CsvMapOpt = None,
    patients: PatientsOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Write redacted copies, each in its own format, that pass the leak check, plus a manifest.

    Each copy mirrors its input's path below the folder that holds every input; the
    set replaces --out in one step. A file that cannot be redacted safely gets no copy
    and a line in the manifest's errors (exit 2)."""
    from .apply import ApplyError, Settings, check_out_folder, prepare_all, write_outputs
    from .apply.plan import FIXED_MARKER, counts
    from .decide.decisions import current_reviewer
    from .scan import default_workers

    if "{category}" not in marker and not fixed_marker and "{" in marker:
        raise _fail("--marker may use only the {category} placeholder")
    _refuse_over_inputs(out, paths, "--out")
    try:
        check_out_folder(out)
    except ApplyError as exc:
        raise _fail(f"{out}: {exc}") from None
    scanned = _scan_paths(
        paths,
        policy,
        staff,
        decisions,
        key_file,
        workers=workers,
        cache_dir=cache,
        no_cache=no_cache,
        csv_map=csv_map,
        patients=patients,
    )
    err = _console(stderr=True)
    if not scanned.complete:
        err.print("nothing written: the scan was interrupted")
        raise typer.Exit(EXIT_INTERRUPTED)
    root = _common_root(paths)
    chosen_policy = load_policy(policy)
    outputs, errors, targets, work = [], list(scanned.errors), {}, []
    for document in scanned.documents:
        source = Path(document.path)
        target = Path(os.path.abspath(source)).relative_to(root)
        if (same := targets.get(target)) is not None:
            errors.append((document.path, f"would write the same output as {same}; apply them separately"))
            continue
        targets[target] = document.path
        work.append((document, source, target))
    settings = Settings(
        unreviewed,
        FIXED_MARKER if fixed_marker else marker,
        whole_entries,
        scanned.csv_map,
        chosen_policy.unreadable == "document",
        FIXED_MARKER if fixed_marker else chosen_policy.withheld_entry,
    )
    for document, output, error in prepare_all(work, settings, workers or default_workers()):
        if output is None:
            errors.append((document.path, error or "could not write the copy"))
        elif output.leaks:
            where = ", ".join(output.leaks)
            errors.append((document.path, f"redacted text still recoverable from {where}: no copy written"))
        else:
            outputs.append(output)
    try:
        manifest = write_outputs(outputs, errors, out, scanned.decisions.path, reviewer or current_reviewer())
    except (OSError, ApplyError) as exc:
        raise _fail(f"{out}: cannot write the redacted set ({getattr(exc, 'strerror', None) or exc})") from None
    console = _console()
    for output in outputs:
        applied = (
            ", ".join(f"{label} {n}" for label, n in counts(output.redactions).items()) or "nothing to redact"
        )
        console.print(f"{out / output.target}: {applied}", markup=False, soft_wrap=True)
    console.print(f"manifest: {manifest}", markup=False, soft_wrap=True)
    _print_errors(err, errors, scanned.traces if verbose else None)
    if errors:
        err.print(f"{len(errors)} file(s) have no redacted copy: see the errors above and in the manifest")
        raise typer.Exit(EXIT_ERROR)


def _patient_override(
    name: str | None, dob: str | None, nhs: str | None, address: str | None
) -> Patient | None:
    if not any((name, dob, nhs, address)):
        return None
    forenames, surname = split_name(name) if name else ((), None)
    iso = None
    if dob:
        iso = parse_date(dob)
        if iso is None:
            raise _fail(f"--patient-dob: '{dob}' is not a date (use day first, e.g. 14/02/1988)")
    digits = "".join(ch for ch in nhs or "" if ch.isdigit()) or None
    if nhs and (digits is None or len(digits) != 10):
        raise _fail("--patient-nhs: an NHS number has ten digits")
    return Patient(forenames=forenames, surname=surname, dob=iso, nhs_number=digits, address=address)


@app.command("eval")
def evaluate(
    report: Annotated[Path, typer.Argument(help="A JSON report from `redactor scan --json`.")],
    gold: Annotated[list[Path], typer.Argument(help="Gold annotation files or folders (fixtures/gold).")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON here.")] = None,
) -> None:
    """Score a report against gold annotations: recall per category, precision, triage."""
    from .evaluate import EvaluationError, evaluate_report, print_scores

    try:
        scores = evaluate_report(report, gold)
    except EvaluationError as exc:
        raise _fail(str(exc)) from None
    print_scores(_console(), scores)
    if json_out is not None:
        write_atomic(json_out, json.dumps(scores, indent=1) + "\n")
