"""PDFs and OCR: how long a 50-page text PDF takes to scan, how many scanned pages a
minute Tesseract reads at 300 dpi, and what apply costs with and without the
rasterised fallback.

    python benchmarks/pdf_ocr.py [--pages 50] [--scan-files 32] [--apply-pages 12] [--quick]
                                 [--wait-idle 300] [--json FILE]

Everything is built from the bundled fictional fixtures (fixtures/records/*.pdf,
reportlab letters with a text layer) in a temporary folder, and every case runs the
`redactor` command as a user would, in its own child process (so its wall time
includes start-up and model load, and its peak RSS, the largest of it and its
workers and Tesseract runs, is its own). Every run has --no-cache, so nothing is
reused between cases, and a practice key in the temporary folder.

1. Text PDF: `--pages` fixture pages, cycled and concatenated with pypdf into one
   file, scanned with `redactor scan FILE --json ... -q` (the issue's target: under
   10 s). Beside it, the same scan in a child process with the model loaded before
   the clock starts (as benchmarks/long_records.py does), so start-up is separated
   from the work per page.
2. OCR: fixture pages rendered by PDFium at 300 dpi in greyscale and saved by Pillow
   as image-only PDFs, so every page goes to Tesseract. `--scan-files` one-page
   files are scanned with --workers 2 and --workers 1, and 12 two-page files with
   --workers 2 (the scan hands each PDF or image to a worker alone, so a handful of
   scanned letters still uses both cores).
3. Apply, `--unreviewed redact --spans-only`: (a) copies of every fixture PDF, whose
   pages should go "glyphs"; (b) `--apply-pages` scanned pages (the two-page files),
   whose redacted pages go "raster" (render, burn, OCR text layer, OCR leak check).
   The manifest gives the pages per method. No --patients: fixtures/patients.csv
   lists none of the PDFs.

A failed command (exit 2) is recorded with its error lines (which never hold record
text) and the rest go on. Before each case the benchmark waits (up to --wait-idle
seconds) for the CPUs to be idle, and each row says how much CPU other processes
took while it ran (others_cpu_seconds): on a shared 2-core machine a test run beside
a case can double its time. Results go to benchmarks/results/pdf_ocr.json. The
default run takes about 4 minutes on the idle 2-core development machine; --quick
under 2.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "fixtures" / "records"
REDACTOR = Path(sys.executable).parent / "redactor"
DPI = 300
TARGET_SECONDS = 10.0
CHUNK_FILES = 16  # redactor/scan.py: files per task handed to a worker
WAIT_IDLE = 300.0  # --wait-idle
WHAT = {
    "text-pdf-scan": "one text-layer PDF, `redactor scan` wall time as a user sees it (start-up and model load included)",
    "text-pdf-model-loaded": "the same scan in-process with one worker, imports and model load before the clock",
    "ocr-scan-workers-2": "one-page image-only PDFs at 300 dpi, --workers 2 (one file per task)",
    "ocr-scan-workers-1": "the same files, --workers 1",
    "ocr-scan-12-files-workers-2": "12 two-page image-only PDFs, --workers 2 (each PDF is a chunk of its own)",
    "apply-text-pdfs": "every fixture PDF (text layer): redacted pages should go glyphs",
    "apply-scanned-pdfs": "two-page image-only PDFs: redacted pages go raster (render, burn, OCR layer, OCR leak check)",
}


def fixture_pages() -> list[tuple[Path, int]]:
    """Every page of every fixture PDF, in a fixed order."""
    import pypdfium2 as pdfium

    pages = []
    for path in sorted(RECORDS.glob("*.pdf")):
        document = pdfium.PdfDocument(str(path))
        pages += [(path, index) for index in range(len(document))]
        document.close()
    return pages


def text_pdf(path: Path, pages: int) -> Path:
    """One long text-layer PDF: the fixture pages in turn, cycled until it has `pages`."""
    from pypdf import PdfReader, PdfWriter

    order = fixture_pages()
    readers: dict[Path, PdfReader] = {}
    writer = PdfWriter()
    for number in range(pages):
        source, index = order[number % len(order)]
        reader = readers.setdefault(source, PdfReader(source))
        writer.add_page(reader.pages[index])
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def scanned_pdfs(folder: Path, files: int, per_file: int, offset: int = 0) -> Path:
    """`files` image-only PDFs of `per_file` pages each: fixture pages rendered at 300 dpi
    in greyscale, as a scanner would give them. Each file holds different pages (while
    there are pages enough), so none is read once as a duplicate of another."""
    import pypdfium2 as pdfium

    order = fixture_pages()
    folder.mkdir(parents=True)
    for number in range(files):
        images = []
        for slot in range(per_file):
            source, index = order[(offset + number * per_file + slot) % len(order)]
            document = pdfium.PdfDocument(str(source))
            bitmap = document[index].render(scale=DPI / 72, grayscale=True)
            images.append(bitmap.to_pil().convert("L"))
            bitmap.close()
            document.close()
        images[0].save(
            folder / f"scan_{number:02}.pdf", "PDF", resolution=DPI, save_all=True, append_images=images[1:]
        )
    return folder


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    paths = sorted(path.glob("*.pdf")) if path.is_dir() else [path]
    total = 0
    for one in paths:
        document = pdfium.PdfDocument(str(one))
        total += len(document)
        document.close()
    return total


def cpu_ticks() -> tuple[int, int] | None:
    """Busy and total CPU time of the whole machine so far (/proc/stat, in clock ticks)."""
    stat = Path("/proc/stat")
    if not stat.is_file():
        return None
    fields = [int(v) for v in stat.read_text().splitlines()[0].split()[1:]]
    total = sum(fields[:8])  # guest time is already counted in user
    return total - fields[3] - fields[4], total  # minus idle and iowait


def idle_cpus(seconds: float = 2.0) -> float | None:
    """CPUs left idle over a short wait."""
    before = cpu_ticks()
    time.sleep(seconds)
    after = cpu_ticks()
    if before is None or after is None:
        return None
    busy, total = after[0] - before[0], after[1] - before[1]
    return round((total - busy) / max(1, total) * (os.cpu_count() or 1), 2)


def settle() -> dict[str, Any]:
    """Wait (up to --wait-idle seconds) for the machine to be idle: on a shared
    development machine a test run beside a case can halve its speed."""
    waited = 0.0
    while True:
        idle = idle_cpus()
        if idle is None or idle >= (os.cpu_count() or 1) - 0.3 or waited >= WAIT_IDLE:
            return {"idle_cpus_before": idle, "waited_for_idle_seconds": round(waited)}
        waited += 2.0


def run(command: list[str], work: Path) -> tuple[dict[str, Any], list[str], list[str]]:
    """Run one command in its own child; its wall time, exit code and the peak RSS of the
    largest process it ran (itself, its workers, Tesseract), from wait4 on that child
    alone, and the CPU seconds everything else on the machine used meanwhile (which
    slowed it). Returns the row, stdout lines and stderr lines."""
    row = settle()
    with tempfile.TemporaryFile(dir=work) as err, tempfile.TemporaryFile(dir=work) as out:
        ticks = cpu_ticks()
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=work)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        after = cpu_ticks()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace").splitlines()
        stderr = err.read().decode("utf-8", "replace").splitlines()
    row |= {
        "exit": os.waitstatus_to_exitcode(status),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_mb": round(usage.ru_maxrss / 1024),
    }
    if ticks is not None and after is not None:
        busy = (after[0] - ticks[0]) / os.sysconf("SC_CLK_TCK")
        row["others_cpu_seconds"] = round(max(0.0, busy - row["cpu_seconds"]), 1)
    if row["exit"] not in (0, 1):
        # Exit 2 is a usage or input error; its lines name files and reasons, never record text.
        row["failed"] = True
        row["errors"] = [line.strip() for line in stderr if line.strip()][-20:]
        print(f"  FAILED (exit {row['exit']}):", *row["errors"], sep="\n    ", flush=True)
    return row, stdout, stderr


def common(work: Path) -> list[str]:
    return ["--no-cache", "--key-file", str(work / "practice.key")]


def scan_case(name: str, target: Path, work: Path, workers: int | None) -> dict[str, Any]:
    """`redactor scan` over a file or folder; pages and OCR'd pages from its JSON report."""
    report = work / f"report-{name}.json"
    command = [str(REDACTOR), "scan", str(target), "--json", str(report), "-q", *common(work)]
    if workers is not None:
        command += ["--workers", str(workers)]
    print(f"{name}: {len(list(target.glob('*.pdf'))) if target.is_dir() else 1} file(s) ...", flush=True)
    row: dict[str, Any] = {"case": name, "what": WHAT[name], "files": 0, "pages": page_count(target)}
    row |= run(command, work)[0]
    row["command"] = " ".join(["redactor", *command[1:]]).replace(str(work), "$TMP")
    if report.is_file():
        data = json.loads(report.read_text(encoding="utf-8"))
        row["files"] = len(data["documents"])
        row["ocr_pages"] = sum(len(d.get("ocr_pages", [])) for d in data["documents"])
        row["report_errors"] = _errors(data)
    minutes = row["seconds"] / 60
    row["pages_per_minute"] = round(row["pages"] / minutes, 1) if minutes else None
    row["seconds_per_page"] = round(row["seconds"] / row["pages"], 2) if row["pages"] else None
    return row


def apply_case(name: str, inputs: Path, work: Path) -> dict[str, Any]:
    """`redactor apply`; pages per method from the manifest (a page it does not list
    had nothing to remove and is copied as it was)."""
    out = work / f"out-{name}"
    command = [
        str(REDACTOR),
        "apply",
        str(inputs),
        "--out",
        str(out),
        "--unreviewed",
        "redact",
        "--spans-only",
        *common(work),
    ]
    print(f"{name}: {len(list(inputs.glob('*.pdf')))} file(s) ...", flush=True)
    row: dict[str, Any] = {"case": name, "what": WHAT[name], "pages": page_count(inputs)}
    row |= run(command, work)[0]
    row["command"] = " ".join(["redactor", *command[1:]]).replace(str(work), "$TMP")
    manifest = out / "redactor-manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        methods: collections.Counter[str] = collections.Counter()
        unexpected = []
        for document in data["documents"]:
            for page in document.get("pages", []):
                methods[page["method"]] += 1
                if name.startswith("apply-text") and page["method"] != "glyphs":
                    unexpected.append(f"{Path(document['input']).name} page {page['page']}: {page['method']}")
        written = sum(page_count(inputs / Path(d["input"]).name) for d in data["documents"])
        row["files_written"] = len(data["documents"])
        row["methods"] = {m: methods.get(m, 0) for m in ("glyphs", "raster", "withheld")} | {
            "untouched": written - sum(methods.values()),
            "not_written": row["pages"] - written,
        }
        row["manifest_errors"] = _errors(data)
        if unexpected:
            row["not_glyphs"] = unexpected
    minutes = row["seconds"] / 60
    row["pages_per_minute"] = round(row["pages"] / minutes, 1) if minutes else None
    row["seconds_per_page"] = round(row["seconds"] / row["pages"], 2) if row["pages"] else None
    return row


def _errors(data: dict[str, Any]) -> list[str]:
    """A report's or manifest's errors as "file: reason" (reasons never hold record text)."""
    return [f"{Path(e['path']).name}: {e['error']}" for e in data.get("errors", [])]


def warm(path: Path) -> dict[str, Any]:
    """The scan of `path` in this process with one worker, the model loaded before the clock."""
    start = time.perf_counter()
    sys.path.insert(0, str(ROOT / "src"))
    from redactor.decide import load_policy
    from redactor.detect.pipeline import Detector
    from redactor.ingest import find_inputs
    from redactor.scan import scan

    imported = time.perf_counter()
    detector = Detector()
    detector.detect([])  # load everything lazy before the clock starts
    loaded = time.perf_counter()
    inputs, _ = find_inputs([str(path)])
    result = scan(inputs, detector, load_policy(), keep_documents=False, workers=1)
    done = time.perf_counter()
    return {
        "import_seconds": round(imported - start, 2),
        "load_seconds": round(loaded - imported, 2),
        "seconds": round(done - loaded, 2),
        "errors": len(result.errors),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def warm_case(path: Path, pages: int, work: Path) -> dict[str, Any]:
    ran, stdout, _ = run([sys.executable, __file__, "--warm", str(path)], work)
    row: dict[str, Any] = {
        "case": "text-pdf-model-loaded",
        "what": WHAT["text-pdf-model-loaded"],
        "pages": pages,
    }
    row |= ran
    if row.get("failed"):
        return row
    row["wall_seconds"] = row.pop("seconds")
    row |= json.loads(stdout[-1])  # seconds: the scan alone, model loaded
    row["pages_per_minute"] = round(pages / row["seconds"] * 60, 1) if row["seconds"] else None
    row["seconds_per_page"] = round(row["seconds"] / pages, 3)
    return row


def machine() -> dict[str, Any]:
    import pypdfium2

    tesseract = shutil.which("tesseract")
    said = (
        subprocess.run([tesseract, "--version"], capture_output=True, text=True, check=False)
        if tesseract
        else None
    )
    version = ((said.stdout or said.stderr).strip().splitlines() or ["?"])[0] if said else "not installed"
    meminfo = Path("/proc/meminfo")
    lines = meminfo.read_text().splitlines() if meminfo.is_file() else []
    total = [line.split()[1] for line in lines if line.startswith("MemTotal")]
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "memory_mb": round(int(total[0]) / 1024) if total else None,
        "tesseract": version,
        "pypdfium2": str(pypdfium2.PYPDFIUM_INFO),
        "pdfium": str(pypdfium2.PDFIUM_INFO),
    }


def chunk_files() -> int:
    """redactor's own value, in case it has moved from the 16 this benchmark was built around."""
    sys.path.insert(0, str(ROOT / "src"))
    from redactor.scan import CHUNK_FILES as chunk

    return chunk


def code_version() -> dict[str, Any]:
    """The commit measured, and whether src/ or models/ differed from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain", "src", "models")),
    }


def table(rows: list[dict[str, Any]]) -> None:
    print(
        f"\n{'case':30} {'pages':>5} {'seconds':>8} {'pages/min':>9} {'s/page':>7} {'peak MB':>7} "
        f"{'others':>6}  notes"
    )
    for r in rows:
        notes = []
        if r.get("failed"):
            notes.append(f"FAILED exit {r.get('exit')}")
        if "load_seconds" in r:
            notes.append(f"imports {r['import_seconds']} s + model load {r['load_seconds']} s not counted")
        if "ocr_pages" in r:
            notes.append(f"OCR'd {r['ocr_pages']}")
        if "methods" in r:
            notes.append(" ".join(f"{k} {v}" for k, v in r["methods"].items()))
        if r.get("report_errors") or r.get("manifest_errors"):
            notes.append(f"{len(r.get('report_errors') or r.get('manifest_errors'))} file error(s)")
        print(
            f"{r['case']:30} {r.get('pages', ''):>5} {r.get('seconds', ''):>8} {r.get('pages_per_minute') or '':>9} "
            f"{r.get('seconds_per_page') or '':>7} {r.get('peak_mb', ''):>7} {r.get('others_cpu_seconds', ''):>6}  "
            f"{'; '.join(notes)}"
        )


def main() -> None:
    global WAIT_IDLE  # read by settle()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=50, help="pages in the text PDF (default 50)")
    parser.add_argument("--scan-files", type=int, default=32, help="one-page scanned PDFs for OCR throughput")
    parser.add_argument("--apply-pages", type=int, default=12, help="scanned pages for the rasterising apply")
    parser.add_argument(
        "--quick", action="store_true", help="20 text pages, 18 scans, 4 scanned pages to apply"
    )
    parser.add_argument(
        "--json", type=Path, default=ROOT / "benchmarks" / "results" / "pdf_ocr.json", help="results file"
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=WAIT_IDLE,
        help="seconds to wait for an idle machine before each case",
    )
    parser.add_argument("--warm", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    WAIT_IDLE = args.wait_idle
    if args.warm:
        print(json.dumps(warm(args.warm)))
        return
    if args.quick:
        args.pages, args.scan_files, args.apply_pages = 20, 18, 4
    rows: list[dict[str, Any]] = []
    version = code_version()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="redactor-pdf-ocr-") as tmp:
        work = Path(tmp)

        # 1. A text PDF, cold (as a user runs it) and with the model already loaded.
        text = work / "text" / f"letters_{args.pages}_pages.pdf"
        text.parent.mkdir()
        text_pdf(text, args.pages)
        rows.append(scan_case("text-pdf-scan", text, work, workers=None))
        rows.append(warm_case(text, args.pages, work))

        # 2. OCR throughput on image-only PDFs at 300 dpi.
        singles = scanned_pdfs(work / "scans-1page", args.scan_files, 1)
        rows.append(scan_case("ocr-scan-workers-2", singles, work, workers=2))
        rows.append(scan_case("ocr-scan-workers-1", singles, work, workers=1))
        apply_files = max(1, (args.apply_pages + 1) // 2)
        pairs = scanned_pdfs(
            work / "scans-2page", max(apply_files, 0 if args.quick else 12), 2, args.scan_files
        )
        if not args.quick:
            rows.append(scan_case("ocr-scan-12-files-workers-2", pairs, work, workers=2))

        # 3. Apply: text PDFs (glyphs) and scanned PDFs (raster).
        texts = work / "apply-text"
        texts.mkdir()
        for path in sorted(RECORDS.glob("*.pdf")):
            shutil.copyfile(path, texts / path.name)
        rows.append(apply_case("apply-text-pdfs", texts, work))
        chosen = work / "apply-scans"
        chosen.mkdir()
        for path in sorted(pairs.glob("*.pdf"))[:apply_files]:
            shutil.copyfile(path, chosen / path.name)
        rows.append(apply_case("apply-scanned-pdfs", chosen, work))

    total = time.perf_counter() - started
    if code_version() != version:
        print("redactor's code changed while the benchmark ran: the rows may mix two versions")
        version["changed_during_run"] = True
    table(rows)
    cold = rows[0]
    verdict = "met" if not cold.get("failed") and cold["seconds"] < TARGET_SECONDS else "not met"
    print(
        f"\n{args.pages}-page text PDF: {cold['seconds']} s as a user runs it (target {TARGET_SECONDS:.0f} s: {verdict})"
    )
    print(f"whole benchmark {total / 60:.1f} min on {os.cpu_count()} CPUs")
    busy = [r["case"] for r in rows if r.get("others_cpu_seconds", 0) > 0.1 * r.get("cpu_seconds", 0) + 2]
    if busy:
        print(f"other processes took CPU during: {', '.join(busy)} (see others_cpu_seconds)")
    result = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "code": version,
        "settings": {
            "text_pages": args.pages,
            "scan_files": args.scan_files,
            "apply_pages": args.apply_pages,
            "dpi": DPI,
            "quick": args.quick,
            "chunk_files": chunk_files(),
        },
        "reproduce": " ".join([".venv/bin/python benchmarks/pdf_ocr.py", *sys.argv[1:]]),
        "target": {"text_pdf_pages": args.pages, "seconds": TARGET_SECONDS, "verdict": verdict},
        "total_seconds": round(total, 1),
        "rows": rows,
    }
    args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"results: {args.json}")


if __name__ == "__main__":
    main()
