"""Shared fixtures: one Detector per test session (loading spaCy once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from redactor.decide import load_policy
from redactor.detect.pipeline import Detector
from redactor.ingest.demographics import read_demographics
from redactor.ingest.entries import split_entries
from redactor.model import Document

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="session")
def policy():
    return load_policy()


@pytest.fixture
def analyse(detector, policy):
    """Run the whole detect + decide path on a snippet of record text."""
    from redactor.decide import decide_document

    def run(text: str) -> Document:
        doc = Document(path="snippet.txt", sha256="0", text=text)
        doc.patient, doc.authors = read_demographics(text)
        doc.entries = split_entries(text)
        doc.authors.extend(e.author for e in doc.entries if e.author)
        detector.detect([doc])
        decide_document(doc, policy)
        return doc

    return run


@pytest.fixture(autouse=True)
def practice_key(tmp_path_factory, monkeypatch):
    """Tests never touch the user's real practice key or findings cache."""
    key = tmp_path_factory.mktemp("key") / "practice.key"
    monkeypatch.setenv("REDACTOR_KEY_FILE", str(key))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    return key
