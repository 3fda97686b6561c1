"""Progress for long scans: a rich bar on a terminal, plain periodic lines otherwise.

Both go to stderr, so nothing ever lands in a report written to stdout.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

PLAIN_EVERY_SECONDS = 10.0


class ScanProgress:
    def __init__(self, console: Console, total: int, quiet: bool = False) -> None:
        self.console = console
        self.total = total
        self.quiet = quiet
        self.files = self.errors = self.words = self.pages = 0
        self.started = self.last_line = time.monotonic()
        self.bar: Progress | None = None

    def __enter__(self) -> ScanProgress:
        if self.console.is_terminal and not self.quiet:
            self.bar = Progress(
                TextColumn("scanning"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:,.0f} words/s"),
                TextColumn("{task.fields[errors]} errors"),
                TextColumn("{task.fields[ocr]}"),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("scan", total=self.total, rate=0.0, errors=0, ocr="")
        return self

    def advance(self, _source: object, error: str | None, document: object | None) -> None:
        self.files += 1
        self.errors += error is not None
        if document is not None:
            self.words += len(document.text.split())  # type: ignore[attr-defined]
        rate = self.words / max(time.monotonic() - self.started, 1e-6)
        if self.bar is not None:
            self.bar.update(self.task, advance=1, rate=rate, errors=self.errors)
        elif not self.quiet and time.monotonic() - self.last_line >= PLAIN_EVERY_SECONDS:
            self.last_line = time.monotonic()
            self._line(rate)

    def page(self) -> None:
        """One more page read by OCR: a scanned letter takes seconds a page, so the
        display moves with pages, not only with finished files."""
        self.pages += 1
        if self.bar is not None:
            self.bar.update(self.task, ocr=f"{self.pages} pages read by OCR")
        elif not self.quiet and time.monotonic() - self.last_line >= PLAIN_EVERY_SECONDS:
            self.last_line = time.monotonic()
            self._line(self.words / max(time.monotonic() - self.started, 1e-6))

    def _line(self, rate: float) -> None:
        pages = f", {self.pages} pages read by OCR" if self.pages else ""
        self.console.print(
            f"scanned {self.files}/{self.total} files, {rate:,.0f} words/s, {self.errors} with errors{pages}",
            highlight=False,
        )

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        elif not self.quiet and self.total > 1 and time.monotonic() - self.started >= PLAIN_EVERY_SECONDS:
            self._line(self.words / max(time.monotonic() - self.started, 1e-6))
