"""Long records: words/s and peak memory for one record of 10k, 100k and 1M words,
beside the same words split into ordinary-sized records.

    python benchmarks/long_records.py [--sizes 10000 100000 1000000] [--extreme]

A patient with thirty years of records is one export of several hundred thousand
words. The long record is built from the bundled text fixtures: one record's header
(the patient's demographics), then the journal bodies of every text fixture in turn,
until it has the words asked for. The split case writes the same bodies as records of
about 2,000 words, each with the same header. Each case runs in a fresh child process
(so its peak RSS is its own) through the scan job with one worker, the model loaded
before the clock starts. Time per word should stay flat as the record grows, and peak
memory should stay under the 700 MB a worker may use.

`--extreme` adds the hostile shapes of the same size class: 200,000 short lines, a
20 MB single line and a 1,000,000-row CSV journal (built by tests/hostile.py), and a
5,000-page PDF of letters.
Results go to benchmarks/results/long_records.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER_FROM = "emis_01.txt"
SPLIT_WORDS = 2_000
LIMIT_MB = 700


def bodies() -> tuple[str, list[str]]:
    """The header of one fixture, and the journal body (after the header) of every text fixture."""
    records = ROOT / "fixtures" / "records"
    header_text = (records / HEADER_FROM).read_text(encoding="utf-8")
    cut = header_text.index("\n\n") + 2
    out = []
    for path in sorted(records.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        blank = text.find("\n\n")
        out.append(text[blank + 2 :] if 0 <= blank < 600 else text)
    return header_text[:cut], out


def build(folder: Path, words: int) -> tuple[Path, Path]:
    """One record of `words` words, and a folder of the same bodies as ~2,000-word records."""
    header, texts = bodies()
    long_parts, split_parts, count, current, current_words = [header], [], 0, [], 0
    while count < words:
        for body in texts:
            n = len(body.split())
            long_parts.append(body.rstrip() + "\n\n")
            current.append(body.rstrip() + "\n\n")
            count, current_words = count + n, current_words + n
            if current_words >= SPLIT_WORDS:
                split_parts.append(header + "".join(current))
                current, current_words = [], 0
            if count >= words:
                break
    if current:
        split_parts.append(header + "".join(current))
    one = folder / f"long_{words}.txt"
    one.write_text("".join(long_parts), encoding="utf-8")
    split = folder / f"split_{words}"
    split.mkdir()
    for number, text in enumerate(split_parts):
        # A line of its own, so no two parts are the same bytes (the scan reads a
        # duplicate once, which would flatter the split case).
        text = text.replace("\n\n", f"\nPart {number} of the record\n\n", 1)
        (split / f"part_{number:05}.txt").write_text(text, encoding="utf-8")
    return one, split


def measure(path: Path) -> dict[str, float]:
    """Scan `path` (a file or folder) in this process with one worker; time and peak RSS."""
    sys.path.insert(0, str(ROOT / "src"))
    from redactor.decide import load_policy
    from redactor.detect.pipeline import Detector
    from redactor.ingest import find_inputs
    from redactor.scan import scan

    detector = Detector()
    detector.detect([])  # load everything lazy before the clock starts
    inputs, _ = find_inputs([str(path)])
    words = sum(len(f.path.read_text(encoding="utf-8", errors="replace").split()) for f in inputs)
    start = time.perf_counter()
    result = scan(inputs, detector, load_policy(), keep_documents=False, workers=1)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "files": len(inputs),
        "errors": len(result.errors),
        "words": words,
        "seconds": round(elapsed, 2),
        "words_per_second": round(words / elapsed) if elapsed else 0,
        "peak_mb": round(peak),
    }


def child(path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--one", str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"failed": 1, "error": tail[0][:200]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def extreme(folder: Path) -> list[tuple[str, Path]]:
    """The hostile shapes from tests/hostile.py, and a 5,000-page letter PDF."""
    sys.path.insert(0, str(ROOT))
    from tests.hostile import big_cases

    cases = [(case.name, folder / case.filename) for case in big_cases(folder)]
    return [*cases, ("big-pdf-5000-pages", long_pdf(folder / "letters-5000-pages.pdf", 5_000))]


def long_pdf(path: Path, pages: int) -> Path:
    """A scanned-in bundle of clinic letters: text pages, one letter per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _, texts = bodies()
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(pages):
        pdf.setFont("Helvetica", 9)
        for row in range(40):
            pdf.drawString(40, 800 - row * 19, lines[(page * 40 + row) % len(lines)][:110])
        pdf.showPage()
    pdf.save()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--extreme", action="store_true")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for words in args.sizes:
            one, split = build(folder, words)
            for shape, path in (("one record", one), ("split", split)):
                row = {"case": f"{words:,} words, {shape}", **child(path)}
                rows.append(row)
                print(json.dumps(row), flush=True)
        if args.extreme:
            for name, path in extreme(folder):
                row = {"case": name, **child(path)}
                rows.append(row)
                print(json.dumps(row), flush=True)
    over = [r["case"] for r in rows if r.get("peak_mb", 0) > LIMIT_MB or r.get("failed")]
    print(f"{len(rows)} cases; over {LIMIT_MB} MB or failed: {', '.join(over) or 'none'}")
    out = ROOT / "benchmarks" / "results" / "long_records.json"
    out.write_text(json.dumps({"limit_mb": LIMIT_MB, "rows": rows}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
