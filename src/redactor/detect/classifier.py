"""The sentence classifier: a spaCy `textcat_multilabel` over passage units that finds
sensitive passages no word list holds ("Looked dishevelled, strong smell in the flat").

Trained in this repository (`python recipes/passages/build.py`, data in
`training/passages` and the tuned fixtures); its thresholds per category, chosen on the
dev split and the development fixture batches, sit beside it in `thresholds.yml`.
Without the model the detector runs on the lexicons alone.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import TypeVar

import spacy
import yaml
from spacy.language import Language

from ..model import Category

# A unit's (start, end) -> the classifier's probability for each category.
Scores = dict[tuple[int, int], dict[Category, float]]
Key = TypeVar("Key", bound=Hashable)


class SentenceClassifier:
    def __init__(self, nlp: Language, thresholds: dict[Category, float]) -> None:
        self.nlp = nlp
        self.thresholds = thresholds

    @classmethod
    def load(cls, folder: Path) -> SentenceClassifier | None:
        if not (folder / "config.cfg").is_file():
            return None
        data = yaml.safe_load((folder / "thresholds.yml").read_text(encoding="utf-8"))
        return cls(spacy.load(folder), {Category(k): float(v) for k, v in data["thresholds"].items()})

    def scores(self, units: list[tuple[Key, str]], batch_size: int = 512) -> dict[Key, dict[Category, float]]:
        """Each unit's (keyed by anything) probability for every category."""
        out: dict[Key, dict[Category, float]] = {}
        texts = (text for _, text in units)
        with self.nlp.memory_zone():
            for (key, _), doc in zip(units, self.nlp.pipe(texts, batch_size=batch_size), strict=True):
                out[key] = {Category(label): probability for label, probability in doc.cats.items()}
        return out

    def confident(self, probabilities: dict[Category, float]) -> dict[Category, float]:
        """The categories at or above their thresholds."""
        return {c: p for c, p in probabilities.items() if p >= self.thresholds.get(c, 1.1)}
