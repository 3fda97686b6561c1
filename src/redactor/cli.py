"""Command line: a thin typer layer over scan, decide, report and evaluate.

Exit codes (as ruff and bandit): 0 nothing to redact or review, 1 something to
redact or review, 2 usage or input error. Messages never quote record text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import __version__
from .decide import PolicyError, load_policy
from .detect.resources import ModelDataError
from .ingest import find_inputs
from .ingest.demographics import parse_date, split_name
from .model import Action, Patient

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find what must be held back before a GP record is released to the patient.",
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)  # rich honours NO_COLOR itself


def _fail(message: str) -> typer.Exit:
    _console(stderr=True).print(f"[red]error:[/] {message}")
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


@app.command()
def scan(
    paths: Annotated[list[str], typer.Argument(help="Files or folders of exports (.txt, .pdf).")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the JSON report (schema 1) here.")
    ] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="Policy name or YAML file.")] = None,
    staff: Annotated[
        Path | None,
        typer.Option("--staff", help="Practice staff list, one name per line: always professionals."),
    ] = None,
    patient_name: Annotated[str | None, typer.Option(help="Patient's name, overriding the export's.")] = None,
    patient_dob: Annotated[str | None, typer.Option(help="Patient's date of birth (day first).")] = None,
    patient_nhs: Annotated[str | None, typer.Option(help="Patient's NHS number.")] = None,
    patient_address: Annotated[str | None, typer.Option(help="Patient's address.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary table; errors only.")] = False,
) -> None:
    """Scan exports and report every finding, entry verdicts and errors."""
    try:
        chosen_policy = load_policy(policy)
    except PolicyError as exc:
        raise _fail(str(exc)) from None
    override = _patient_override(patient_name, patient_dob, patient_nhs, patient_address)
    if staff is not None and not staff.is_file():
        raise _fail(f"{staff}: staff list not found")
    inputs, missing = find_inputs(paths)
    if not inputs and missing:
        for path, problem in missing:
            _console(stderr=True).print(f"[red]error:[/] {path}: {problem}")
        raise typer.Exit(EXIT_ERROR)

    from .detect.pipeline import Detector
    from .detect.resources import read_word_list
    from .report.json_report import build_report, write_json_report
    from .report.terminal import print_summary
    from .scan import scan as run_scan

    err = _console(stderr=True)
    try:
        detector = Detector(staff=read_word_list(staff) if staff else [])
    except ModelDataError as exc:
        raise _fail(f"models: {exc}") from None
    with Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[bad]} errors"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal or quiet,
    ) as progress:
        task = progress.add_task("scan", total=len(inputs), bad=0)
        bad = 0

        def done(_source: object, error: str | None) -> None:
            nonlocal bad
            bad += error is not None
            progress.update(task, advance=1, bad=bad)

        result = run_scan(inputs, detector, chosen_policy, override, on_file_done=done)
    errors = missing + result.errors
    if json_out is not None:
        try:
            write_json_report(json_out, build_report(result.documents, errors, chosen_policy.name))
        except OSError as exc:
            raise _fail(f"{json_out}: cannot write report ({exc.strerror})") from None
    if not quiet:
        print_summary(_console(), result.documents, [])
    for path, error in errors:
        err.print(f"[red]error:[/] {path}: {error}")
    if errors:
        raise typer.Exit(EXIT_ERROR)
    to_act = any(f.action is not Action.KEEP for doc in result.documents for f in doc.findings)
    raise typer.Exit(EXIT_FINDINGS if to_act else EXIT_CLEAN)


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
        import json

        from .report.json_report import write_atomic

        write_atomic(json_out, json.dumps(scores, indent=1) + "\n")
