"""What the model recipes share: which fixture sources a model may learn from, and the
spaCy training run that installs the best model into `models/`.

One place decides which batches are never trained on (the blind batches: the test), so
the two recipes cannot drift. The development batches, once the rules were tuned on
them, measure nothing unseen any more, so the models learn from them too.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fixtures"))

from build import BLIND_BATCHES  # noqa: E402  (the fixtures' own batch list)

FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
TEXT_FORMAT = re.compile(r"^format: (txt|pdf)$", re.M)


def fixture_sources() -> Iterator[tuple[str, str]]:
    """(file name, annotated body) of the text and PDF fixture sources of every batch the
    rules were tuned on (development batches included); never a blind batch."""
    for path in sorted((ROOT / "fixtures" / "src").glob("*.txt")):
        if path.name.startswith(BLIND_BATCHES):
            continue
        raw = path.read_text(encoding="utf-8")
        front = FRONT.match(raw)
        if front and TEXT_FORMAT.search(front.group(1)):
            yield path.name, raw[front.end() :].replace("---PAGE---\n", "")


def train_and_install(config: Path, work: Path, steps: int, out: Path) -> Path:
    """Train with spaCy from `work`'s train/dev DocBins, copy the best model to `out`
    (replacing what was there) and return `out`."""
    from spacy.cli.train import train

    train(
        config,
        work / "model",
        overrides={
            "paths.train": str(work / "train.spacy"),
            "paths.dev": str(work / "dev.spacy"),
            "training.max_steps": steps,
        },
    )
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(work / "model" / "model-best", out)
    return out


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6
