"""Command line: a thin typer layer over scan, decide, report and evaluate.

Exit codes (as ruff and bandit): 0 nothing to redact or review, 1 something to
redact or review, 2 usage or input error (nothing to read included: a gate that
checked nothing never passes). Messages never quote record text. Every command
takes -h/--help, -V/--version, -q/--quiet and -v/--verbose; the scanning commands
share their other options through one `ScanOptions`.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import signal
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

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
from .ingest import InputFile, readable_suffixes, walk_inputs
from .ingest.demographics import parse_date, split_name
from .model import Action, Document, Patient
from .report.json_report import write_atomic
from .report.progress import ScanProgress

if TYPE_CHECKING:
    from .formats.csv_journal import CsvOptions


class _Argument(TyperArgument):
    """An argument shown by its metavar alone: no `<list[str]>`, no `{paths}...`."""

    def display_type_rich(self, ctx: typer.Context) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        return self.display_name_raw if self.required else f"[{self.display_name_raw}]"


class _PlainHelp:
    """Help without typer's type placeholders: a flag shows no `<bool>`, an argument
    only its metavar (options set theirs where they are declared)."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperArgument):
                param.__class__ = _Argument
            elif isinstance(param, TyperOption) and param.is_flag:
                param.metavar = ""

    def get_help_option(self, ctx: typer.Context) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.metavar = ""
        return option


class _Command(_PlainHelp, TyperCommand):
    pass


class _Group(_PlainHelp, TyperGroup):
    pass


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
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


VersionOpt = Annotated[
    bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")
]


@app.callback()
def main(version: VersionOpt = False) -> None:
    """redactor scans GP record exports and reports, entry by entry, what to hide or review."""
    # SIGTERM (a scheduler stopping an overnight run) ends the run like Ctrl-C:
    # finished files stay cached and the report says it is incomplete.
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


PathsArg = Annotated[
    list[str], typer.Argument(metavar="PATH...", help=f"Files or folders of exports ({readable_suffixes()}).")
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Errors and warnings only: no progress, table or summary.")
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="Name each file passed over; for a file that failed unexpectedly, where in redactor "
        "(never record text).",
    ),
]
PolicyOpt = Annotated[
    str | None,
    typer.Option("--policy", metavar="NAME|FILE", help="Policy name or YAML file (default: patient-access)."),
]
StaffOpt = Annotated[
    Path | None,
    typer.Option(
        "--staff", metavar="FILE", help="Practice staff list, one name per line: always professionals."
    ),
]
CsvMapOpt = Annotated[
    Path | None,
    typer.Option(
        "--csv-map",
        metavar="FILE",
        help="CSV journals: YAML mapping roles (date, clinician, code, term, text) to columns.",
    ),
]
PatientsOpt = Annotated[
    Path | None,
    typer.Option(
        "--patients",
        metavar="FILE",
        help="Patient list CSV (NHS number or file, name, DOB): who each record belongs to.",
    ),
]
PatientNameOpt = Annotated[
    str | None,
    typer.Option("--patient-name", metavar="NAME", help="Patient's name, overriding the export's."),
]
PatientDobOpt = Annotated[
    str | None,
    typer.Option("--patient-dob", metavar="DATE", help="Patient's date of birth (day first)."),
]
PatientNhsOpt = Annotated[
    str | None, typer.Option("--patient-nhs", metavar="NUMBER", help="Patient's NHS number.")
]
PatientAddressOpt = Annotated[
    str | None, typer.Option("--patient-address", metavar="ADDRESS", help="Patient's address.")
]
DecisionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--decisions",
        metavar="FILE",
        help="Reviewer decisions file (default: .redactor-decisions.json beside the inputs).",
    ),
]
KeyOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        metavar="FILE",
        help="Practice key for decision fingerprints (default: ~/.config/redactor).",
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, metavar="N", help="Processes to use (default: the CPU count)."),
]
CacheOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        metavar="FOLDER",
        help="Findings cache folder (default: ~/.cache/redactor); holds no record text.",
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Analyse everything afresh; write no cache.")]


@dataclass(frozen=True)
class Options:
    """What every command shares."""

    quiet: bool = False
    verbose: bool = False


@dataclass(frozen=True)
class ScanOptions(Options):
    """What every scanning command shares, built once per run from its options."""

    policy: str | None = None
    staff: Path | None = None
    csv_map: Path | None = None
    patients: Path | None = None
    override: Patient | None = None  # --patient-name, --patient-dob, ...
    decisions: Path | None = None
    key_file: Path | None = None
    workers: int | None = None
    cache: Path | None = None
    no_cache: bool = False
    scheduler: str | None = None  # scan only: a Dask cluster


def _shared(name: str, annotation: object, default: object = None) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


COMMON = [
    _shared("quiet", QuietOpt, False),
    _shared("verbose", VerboseOpt, False),
    _shared("version", VersionOpt, False),
]
SCANNING = [
    _shared("policy", PolicyOpt),
    _shared("staff", StaffOpt),
    _shared("csv_map", CsvMapOpt),
    _shared("patients", PatientsOpt),
    _shared("patient_name", PatientNameOpt),
    _shared("patient_dob", PatientDobOpt),
    _shared("patient_nhs", PatientNhsOpt),
    _shared("patient_address", PatientAddressOpt),
    _shared("decisions", DecisionsOpt),
    _shared("key_file", KeyOpt),
    _shared("workers", WorkersOpt),
    _shared("cache", CacheOpt),
    _shared("no_cache", NoCacheOpt, False),
    *COMMON,
]


def _with_options(
    shared: list[inspect.Parameter], build: Callable[[dict[str, Any]], Options]
) -> Callable[..., Any]:
    """Give a command the shared options without repeating them: they are added to its
    signature (typer reads them from there, after the command's own) and reach the
    command as one `options` object."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        own = [
            p for p in inspect.signature(command, eval_str=True).parameters.values() if p.name != "options"
        ]
        names = [p.name for p in shared]

        @functools.wraps(command)
        def run(**values: Any) -> Any:
            given = {name: values.pop(name) for name in names}
            given.pop("version")  # eager: done with before the command runs
            return command(**values, options=build(given))

        params = own + shared
        run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in params}
        return run

    return decorate


def _scan_options(given: dict[str, Any]) -> ScanOptions:
    override = _patient_override(
        given.pop("patient_name"),
        given.pop("patient_dob"),
        given.pop("patient_nhs"),
        given.pop("patient_address"),
    )
    return ScanOptions(override=override, **given)


scanning = _with_options(SCANNING, _scan_options)
plain = _with_options(COMMON, lambda given: Options(**given))


class Executor(StrEnum):
    local = "local"
    dask = "dask"


ExecutorOpt = Annotated[
    Executor,
    typer.Option(
        "--executor", metavar="local|dask", help="local processes, or a Dask cluster (needs --scheduler)."
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run on a Dask distributed cluster at this address (e.g. tcp://10.0.0.5:8786) "
        "instead of local processes; its workers must see the same input paths.",
    ),
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


# Added to the reason of a name held because the record names no patient.
def _scan_paths(
    paths: list[str],
    options: ScanOptions,
    on_document: Callable[[Document], None] | None = None,
    progress: bool = True,
) -> _Scanned:
    """Scan with progress on stderr, applying recorded decisions; exits 2 on usage errors
    and when the paths hold nothing redactor reads (a gate that checked nothing must
    not pass). Files passed over and records naming no patient are warned of.

    With `on_document`, each judged document goes to it as it is finished and is not
    kept, so a command that needs only a summary of each runs over a whole practice
    in flat memory."""
    from .formats.csv_journal import load_mapping
    from .ingest.patients import load_patient_list

    try:
        chosen_policy = load_policy(options.policy)
        mapping = load_mapping(options.csv_map) if options.csv_map else None
        patient_list = load_patient_list(options.patients) if options.patients else None
    except (PolicyError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if options.staff is not None and not options.staff.is_file():
        raise _fail(f"{options.staff}: staff list not found")
    err = _console(stderr=True)
    found = walk_inputs(paths)
    _say_skipped(err, found.skipped, options.verbose)
    if not found.files:
        _print_errors(err, found.problems)
        raise _nothing_to_read(paths)
    key_file = options.key_file
    try:
        decisions = Decisions.load(options.decisions or default_decisions_path(paths))
        new_key = not (key_file or default_key_file()).exists()
        key = load_key(key_file)
    except DecisionsError as exc:
        raise _fail(str(exc)) from None
    if new_key:
        err.print(
            f"created a practice key at {key_file or default_key_file()}: keep it (and back it up) outside "
            "the decisions file; without it recorded decisions no longer match"
        )

    from .cache import FindingsCache
    from .detect.pipeline import Detector
    from .detect.resources import read_word_list
    from .scan import Job, default_cache_dir, default_workers
    from .scan import scan as run_scan

    staff_names = read_word_list(options.staff) if options.staff else []
    workers = options.workers or default_workers()
    try:
        detector = Detector(staff=staff_names) if workers == 1 and not options.scheduler else None
        cache = (
            None
            if options.no_cache
            else FindingsCache(
                options.cache or default_cache_dir(),
                Job(chosen_policy, tuple(staff_names), options.override, mapping, patient_list),
            )
        )
    except ModelDataError as exc:
        raise _fail(f"models: {exc}") from None
    nameless: dict[str, str] = {}  # path: the warning, said once the progress display is gone
    judged = 0

    def reviewed(document: Document) -> None:
        nonlocal judged
        judged += 1
        if not document.patient.name_words():
            nameless[document.path] = _no_identity(document)  # its names are held: decide_document
        apply_decisions(document, decisions, key)

    with ScanProgress(err, len(found.files), options.quiet or not progress) as shown:
        in_order = _InOrder(found.files, shown.advance, on_document) if on_document else None
        result = run_scan(
            found.files,
            detector,
            chosen_policy,
            options.override,
            on_file_done=in_order or shown.advance,
            reviewed=reviewed,
            keep_documents=on_document is None,
            workers=workers,
            cache=cache,
            staff=staff_names,
            scheduler=options.scheduler,
            csv_map=mapping,
            patients=patient_list,
            on_page=shown.page,
        )
    if in_order is not None:
        in_order.flush()
    place = {source.shown_as: number for number, source in enumerate(found.files)}
    for path in sorted(nameless, key=place.__getitem__):
        err.print(f"[yellow]warning:[/] {escape(nameless[path])}", soft_wrap=True)
    errors = found.problems + result.errors
    if result.complete and not judged and not errors:
        raise _nothing_to_read(paths)  # never "0 checked" and a pass
    if not result.complete:
        err.print("[yellow]interrupted:[/] the report covers the files finished so far")
    return _Scanned(
        result.documents,
        errors,
        chosen_policy.name,
        decisions,
        key,
        result.complete,
        mapping,
        result.traces,
    )


def _no_identity(document: Document) -> str:
    """The warning for a record that names no patient: what is missing and what to do."""
    missing = (
        "no name in the record, only an NHS number" if document.patient.nhs_number else "name or NHS number"
    )
    return (
        f"{document.path}: no patient identity ({missing}); give --patients or --patient-name: "
        "names with nothing to say whose they are will be held for review, not redacted"
    )


def _nothing_to_read(paths: list[str]) -> typer.Exit:
    return _fail(
        f"no supported files in {', '.join(paths)}: found no files redactor reads ({readable_suffixes()})"
    )


def _say_skipped(console: Console, skipped: list[Path], verbose: bool) -> None:
    """Files of types redactor does not read, counted by type (and with -v by path):
    never passed over in silence."""
    if not skipped:
        return
    by_type = Counter(path.suffix.lower() or "(no extension)" for path in skipped)
    counts = ", ".join(f"{n} {suffix}" for suffix, n in by_type.most_common())
    hint = "" if verbose else " (-v names them)"
    console.print(
        f"[yellow]warning:[/] skipped {len(skipped)} file(s) redactor does not read: {escape(counts)}{hint}",
        soft_wrap=True,
    )
    if verbose:
        for path in skipped:
            console.print(f"  skipped {path}", markup=False, highlight=False, soft_wrap=True)


DETAILS_HELP = (
    "List every flag, one line each, as path:line:col: CODE CATEGORY action rule reason [field · entry · "
    "code · page] (line and column from 1 in the text redactor reads: for a PDF or a structured record, "
    "its extracted text); never record text."
)


@app.command(cls=_Command)
@scanning
def scan(
    paths: PathsArg,
    json_out: Annotated[
        Path | None, typer.Option("--json", metavar="FILE", help="Write the JSON report (schema 1) here.")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", metavar="FILE", help="Write a self-contained HTML report here.")
    ] = None,
    details: Annotated[bool, typer.Option("--details", help=DETAILS_HELP)] = False,
    executor: ExecutorOpt = Executor.local,
    scheduler: SchedulerOpt = None,
    *,
    options: ScanOptions,
) -> None:
    """Scan exports and report every finding, entry verdicts and errors."""
    if (executor is Executor.dask) != (scheduler is not None):
        raise _fail("--executor dask and --scheduler ADDRESS go together")
    _refuse_over_inputs(json_out, paths, "--json")
    _refuse_over_inputs(html_out, paths, "--html")
    options = replace(options, scheduler=scheduler)

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
                policy_name = load_policy(options.policy).name
                writer = stack.enter_context(ReportWriter(json_out, policy_name))
            except PolicyError as exc:
                raise _fail(str(exc)) from None
            except OSError as exc:
                raise _fail(f"cannot write report ({exc.strerror}: {exc.filename})") from None

        def report(document: Document) -> None:
            if writer is not None:
                writer.add(document)
            summary.add(document)

        scanned = _scan_paths(paths, options, on_document=report if streaming else None)
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
    console = _console()
    if not options.quiet:
        summary.print(console)
    summary.print_details(console)  # asked for by name: printed even with -q
    _print_errors(_console(stderr=True), scanned.errors, scanned.traces if options.verbose else None)
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


@app.command(cls=_Command)
@scanning
def check(
    paths: PathsArg,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on", metavar="redact|review", help="Fail on undecided findings at or above this action."
        ),
    ] = FailOn.review,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", metavar="text|json", help="Report format.")
    ] = OutputFormat.text,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="FILE", help="Write the report here.")
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even with undecided findings (never hides exit 2).")
    ] = False,
    *,
    options: ScanOptions,
) -> None:
    """Gate for scripts: exit 1 while any finding at or above --fail-on awaits a decision,
    exit 2 while any file could not be checked or nothing was found to check."""
    from .decide.verdicts import awaiting, awaiting_words

    _refuse_over_inputs(output, paths, "--output")
    levels = {Action.REDACT} if fail_on is FailOn.redact else {Action.REDACT, Action.REVIEW}
    checked: dict[str, Counter[Action]] = {}  # each document's count, kept instead of the document

    def count(document: Document) -> None:
        checked[document.path] = awaiting(document)

    scanned = _scan_paths(paths, options, on_document=count, progress=False)
    # In a stable order, whatever finished first.
    pending = {path: n for path, n in sorted(checked.items()) if any(n[level] for level in levels)}
    if output_format is OutputFormat.json:
        body = json.dumps(
            {
                "schema": 1,
                "tool": {"name": "redactor", "version": __version__},
                "fail_on": str(fail_on),
                "undecided": [
                    {"path": p, "findings": n.total(), "review": n[Action.REVIEW], "redact": n[Action.REDACT]}
                    for p, n in pending.items()
                ],
                "errors": [{"path": p, "error": e} for p, e in scanned.errors],
            },
            indent=1,
        )
    else:
        body = "\n".join(f"{path}: {awaiting_words(n)}" for path, n in pending.items())
    if output is not None:
        _write(output, body + "\n")
    elif body:
        print(body)
    err = _console(stderr=True)
    _print_errors(err, scanned.errors, scanned.traces if options.verbose else None)
    if not options.quiet:
        total = sum(checked.values(), Counter[Action]())
        err.print(
            f"{len(checked)} document(s) checked; {len(pending)} with findings awaiting a decision at or above "
            f"{fail_on}; in all {awaiting_words(total)}",
            soft_wrap=True,
        )
    if scanned.errors or not scanned.complete:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if pending and not exit_zero else EXIT_CLEAN)


class ReviewBy(StrEnum):
    entry = "entry"
    flag = "flag"


@app.command(cls=_Command)
@scanning
def review(
    paths: PathsArg,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", metavar="NAME", help="Who is deciding (default: the OS user).")
    ] = None,
    by: Annotated[
        ReviewBy,
        typer.Option(
            "--by",
            metavar="entry|flag",
            help="entry: one key hides or shows a whole entry, as the clinical systems do; "
            "flag: every flag of every document in turn.",
        ),
    ] = ReviewBy.entry,
    *,
    options: ScanOptions,
) -> None:
    """Review entry by entry (or flag by flag): hide or show each held entry, or open its
    flags one by one; quit any time and resume later."""
    from .decide.decisions import current_reviewer
    from .review.session import ReviewSession
    from .review.terminal import run

    scanned = _scan_paths(paths, options)
    session = ReviewSession(
        scanned.documents, scanned.decisions, scanned.key, reviewer or current_reviewer(), by=str(by)
    )
    try:
        run(session, _console())
    except OSError as exc:
        raise _fail(f"cannot save decisions ({exc.strerror}: {exc.filename})") from None
    except DecisionsError as exc:  # another session held the lock too long: nothing decided is lost
        raise _fail(str(exc)) from None
    err = _console(stderr=True)
    if not options.quiet:
        err.print(f"decisions in {scanned.decisions.path}", markup=False)
    _print_errors(err, scanned.errors, scanned.traces if options.verbose else None)
    if scanned.errors:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if session.undecided() else EXIT_CLEAN)


@app.command("triage", cls=_Command)
@scanning
def triage_command(
    paths: PathsArg,
    csv_out: Annotated[
        Path | None,
        typer.Option(
            "--csv", metavar="FILE", help="Write the list as CSV here (names and NHS numbers in full)."
        ),
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json", metavar="FILE", help="Write the list as JSON here (names and NHS numbers in full)."
        ),
    ] = None,
    show_identifiers: Annotated[
        bool,
        typer.Option(
            "--show-identifiers", help="Show NHS numbers in full on the terminal (masked by default)."
        ),
    ] = False,
    *,
    options: ScanOptions,
) -> None:
    """One row per patient record, the most serious first: whom to code for enhanced review.

    The terminal shows each record by its file and masked NHS number, never a name."""
    from .report.triage import print_triage, triage, triage_csv, triage_json

    _refuse_over_inputs(csv_out, paths, "--csv")
    _refuse_over_inputs(json_out, paths, "--json")
    scanned = _scan_paths(paths, options)
    rows = triage(scanned.documents)
    for target, render in ((csv_out, triage_csv), (json_out, triage_json)):
        if target is not None:
            _write(target, render(rows))
    if not options.quiet:
        print_triage(_console(), rows, show_identifiers)
    err = _console(stderr=True)
    _print_errors(err, scanned.errors, scanned.traces if options.verbose else None)
    needing = sum(r.needs_enhanced_review for r in rows)
    if not options.quiet:
        err.print(
            f"{len(rows)} record(s); {needing} need enhanced review before online access", soft_wrap=True
        )
    if scanned.errors or not scanned.complete:
        raise typer.Exit(EXIT_ERROR if scanned.errors else EXIT_INTERRUPTED)
    raise typer.Exit(EXIT_FINDINGS if needing else EXIT_CLEAN)


class Unreviewed(StrEnum):
    redact = "redact"
    keep = "keep"


@app.command("apply", cls=_Command)
@scanning
def apply_command(
    paths: PathsArg,
    out: Annotated[
        Path, typer.Option("--out", metavar="FOLDER", help="Folder for the redacted copies and the manifest.")
    ],
    unreviewed: Annotated[
        Unreviewed | None,
        typer.Option(
            "--unreviewed",
            metavar="redact|keep",
            help="What to do with findings still awaiting review (default: stop).",
        ),
    ] = None,
    marker: Annotated[
        str,
        typer.Option(
            "--marker", metavar="MARKER", help="Replacement text for .txt outputs; {category} is filled in."
        ),
    ] = "[REDACTED: {category}]",
    fixed_marker: Annotated[
        bool, typer.Option("--fixed-marker", help="One fixed marker, [REDACTED], that hides the category.")
    ] = False,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", metavar="NAME", help="Recorded in the manifest.")
    ] = None,
    whole_entries: Annotated[
        bool,
        typer.Option(
            "--whole-entries/--spans-only",
            help="Remove entries whose verdict is hide (default), or only the flagged spans.",
        ),
    ] = True,
    *,
    options: ScanOptions,
) -> None:
    """Write redacted copies, each in its own format, that pass the leak check, plus a manifest.

    Each copy mirrors its input's path below the folder that holds every input; the
    set replaces --out in one step. A file that cannot be redacted safely gets no copy
    and a line in the manifest's errors (exit 2); so does one with findings held for
    review, unless --unreviewed says what to do with them."""
    from .apply import ApplyError, Settings, check_out_folder, prepare_all, write_outputs
    from .apply.plan import FIXED_MARKER, counts
    from .decide.decisions import current_reviewer
    from .decide.verdicts import awaiting, awaiting_words
    from .scan import default_workers

    if "{category}" not in marker and not fixed_marker and "{" in marker:
        raise _fail("--marker may use only the {category} placeholder")
    _refuse_over_inputs(out, paths, "--out")
    try:
        check_out_folder(out)
    except ApplyError as exc:
        raise _fail(f"{out}: {exc}") from None
    scanned = _scan_paths(paths, options)
    err = _console(stderr=True)
    if not scanned.complete:
        err.print("nothing written: the scan was interrupted")
        raise typer.Exit(EXIT_INTERRUPTED)
    root = _common_root(paths)
    chosen_policy = load_policy(options.policy)
    outputs, errors, targets, work = [], list(scanned.errors), {}, []
    total: Counter[Action] = Counter()
    for document in scanned.documents:
        total += awaiting(document)  # the count check gives; plan() stops a copy while any await review
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
    for document, output, error in prepare_all(work, settings, options.workers or default_workers()):
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
        raise _fail(
            f"{out}: cannot write the redacted set ({getattr(exc, 'strerror', None) or exc})"
        ) from None
    if not options.quiet:
        console = _console()
        for output in outputs:
            applied = (
                ", ".join(f"{label} {n}" for label, n in counts(output.redactions).items())
                or "nothing to redact"
            )
            console.print(f"{out / output.target}: {applied}", markup=False, soft_wrap=True)
        console.print(f"manifest: {manifest}", markup=False, soft_wrap=True)
        if total:
            err.print(f"in all {awaiting_words(total)}", soft_wrap=True)
    _print_errors(err, errors, scanned.traces if options.verbose else None)
    if errors:
        err.print(
            f"{len(errors)} file(s) have no redacted copy: see the errors above and in the manifest",
            soft_wrap=True,
        )
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


@app.command("eval", cls=_Command)
@plain
def evaluate(
    report: Annotated[
        Path, typer.Argument(metavar="REPORT", help="A JSON report from `redactor scan --json`.")
    ],
    gold: Annotated[
        list[Path],
        typer.Argument(metavar="GOLD...", help="Gold annotation files or folders (fixtures/gold)."),
    ],
    json_out: Annotated[
        Path | None, typer.Option("--json", metavar="FILE", help="Write the scores as JSON here.")
    ] = None,
    *,
    options: Options,
) -> None:
    """Score a report against gold annotations: recall per category, precision, triage."""
    from .evaluate import EvaluationError, evaluate_report, print_scores

    try:
        scores = evaluate_report(report, gold)
    except EvaluationError as exc:
        raise _fail(str(exc)) from None
    if not options.quiet:
        print_scores(_console(), scores)
    if json_out is not None:
        write_atomic(json_out, json.dumps(scores, indent=1) + "\n")
