"""negspacy's NegEx against the hand-written negation it replaced, everything else equal.

    python benchmarks/negation.py [--json benchmarks/results/negation.json]

Issue 11 asked for negation and family history to come from a well-kept library if it
does at least as well on the fixtures. This runs the shipped detector twice over the
same records: as shipped (negspacy with `models/context/`), and with its context reader
swapped for the regular expressions redactor used before (kept here, verbatim, as the
baseline: a cue within 45 characters before the words in the same sentence, or a
closing word within 25 after; an "FH:" line for family history). Scored with
`redactor eval`'s measures on the tuned fixtures, the development batches and the
blind batches, records with passages and routine consultations apart.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from build import BLIND_BATCHES, DEV_BATCHES  # noqa: E402
from passages import _has_passages, _has_sensitive, scores_for  # noqa: E402
from people_ner import fixtures, run  # noqa: E402

from redactor.detect.context import sentence_bounds  # noqa: E402
from redactor.detect.pipeline import Detector  # noqa: E402

# The hand-written negation of redactor before issue 11 (src/redactor/detect/context.py).
NEGATION = re.compile(
    r"\b(?:no|not|nil|none|denies|denied|never|without|negative for|no evidence of|no signs? of|"
    r"no concerns?(?: re| regarding| about)?|no current|no longer|ruled out|unlikely|"
    r"not (?:currently|known to|subject to|on)|closed)\b[^.;\n]*$",
    re.IGNORECASE,
)
NEGATION_AFTER = re.compile(
    r"^[^.;\n]{0,25}?\b(?:not (?:indicated|required|needed|present|raised)|negative|ruled out|"
    r"closed|ceased|ended|stepped down|removed|no longer)\b",
    re.IGNORECASE,
)
FAMILY_HISTORY_LINE = re.compile(r"^[ \t]*(?:FH|F/H|Family history|Family hx)\b", re.IGNORECASE | re.MULTILINE)


def negated(text: str, start: int, end: int) -> bool:
    sentence_start, sentence_end = sentence_bounds(text, start, end)
    if NEGATION.search(text[max(sentence_start, start - 45) : start]):
        return True
    return NEGATION_AFTER.match(text[end:sentence_end]) is not None


def in_family_history(text: str, start: int) -> bool:
    return FAMILY_HISTORY_LINE.match(text, text.rfind("\n", 0, start) + 1) is not None


def regex_read(axis: str, text: str, start: int, end: int, evidence: tuple[tuple[int, int], ...]) -> bool:
    """The old reading, in the shipped reader's shape (`Context.read`)."""
    if axis == "negation":
        return bool(evidence) and all(negated(text, s, e) for s, e in evidence)
    return bool(evidence) and all(in_family_history(text, s) for s, _ in evidence)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    detector = Detector()
    shipped = detector.passages.context.read
    sets = {"tuned": None, "development": DEV_BATCHES, "blind": BLIND_BATCHES}
    results: dict[str, dict[str, object]] = {}
    for label, reader in (("negspacy", shipped), ("hand-written regex", regex_read)):
        detector.passages.context.read = reader  # type: ignore[method-assign]
        row: dict[str, object] = {}
        for name, prefixes in sets.items():
            documents, gold = fixtures(prefixes or ("",))
            if prefixes is None:
                pairs = [
                    (d, g) for d, g in zip(documents, gold, strict=True)
                    if not g.name.startswith(BLIND_BATCHES + DEV_BATCHES)
                ]
            else:
                pairs = list(zip(documents, gold, strict=True))
            run(detector, [d for d, _ in pairs])
            sensitive = [(d, g) for d, g in pairs if _has_passages(g)]
            routine = [(d, g) for d, g in pairs if not _has_sensitive(g)]
            row[name] = {
                "records_with_passages": scores_for([d for d, _ in sensitive], [g for _, g in sensitive]),
                "routine_records": scores_for([d for d, _ in routine], [g for _, g in routine]),
            }
        results[label] = row
        print(label, json.dumps(row))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
