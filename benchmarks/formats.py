"""Reading and scanning cost per record format, on the published NHS examples.

    python benchmarks/formats.py [--repeat 3] [--out benchmarks/results/formats.json]

For each format, every file under fixtures/external (and the synthetic fixtures of
that format) is read `--repeat` times through its reader (ingest only), then
scanned once through the whole detect + decide path in one process. Words are the
words of the text redactor extracts, so the figures compare with benchmarks/speed.py.
The spec examples wrapped in Jekyll tags are unwrapped first, as the tests do.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from redactor.decide import decide_document, load_policy  # noqa: E402
from redactor.detect.pipeline import Detector  # noqa: E402
from redactor.ingest import read_structured  # noqa: E402

SUFFIXES = (".json", ".xml", ".csv", ".docx")


def inputs() -> list[tuple[Path, bytes]]:
    files = sorted(p for p in (ROOT / "fixtures" / "external").rglob("*") if p.suffix in SUFFIXES)
    files += sorted(p for p in (ROOT / "fixtures" / "records").iterdir() if p.suffix in SUFFIXES)
    out = []
    for path in files:
        data = path.read_bytes()
        if (path.suffix == ".json" and b"{%" in data[:200]) or path.name == "consultations_response1.json":
            raw = re.sub(r"\{%[^%]*%\}", "", data.decode("utf-8-sig"))
            data = re.sub(r",(\s*[}\]])", r"\1", raw).encode()
        out.append((path, data))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "formats.json")
    args = parser.parse_args()
    detector, policy = Detector(), load_policy()
    files = inputs()
    stats: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for path, data in files:
        started = time.perf_counter()
        for _ in range(args.repeat):
            document = read_structured(path.suffix, data).document
        read_seconds = (time.perf_counter() - started) / args.repeat
        started = time.perf_counter()
        detector.detect([document])
        decide_document(document, policy)
        scan_seconds = time.perf_counter() - started + read_seconds
        row = stats[document.format]
        row["files"] += 1
        row["bytes"] += len(data)
        row["words"] += len(document.text.split())
        row["read_seconds"] += read_seconds
        row["scan_seconds"] += scan_seconds
    results = {
        fmt: {
            "files": int(row["files"]),
            "megabytes": round(row["bytes"] / 1e6, 2),
            "words": int(row["words"]),
            "read_mb_per_s": round(row["bytes"] / 1e6 / row["read_seconds"], 1),
            "scan_words_per_s": round(row["words"] / row["scan_seconds"]),
        }
        for fmt, row in sorted(stats.items())
    }
    for fmt, row in results.items():
        print(
            f"{fmt:10} {row['files']:3} files {row['megabytes']:6} MB {row['words']:7} words  "
            f"read {row['read_mb_per_s']:6} MB/s  scan {row['scan_words_per_s']:6} words/s"
        )
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
