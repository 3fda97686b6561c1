"""Load the domain knowledge in `models/`: lexicons, people lists, identifier patterns.

The files are data a safeguarding GP can edit, so every problem in them is reported
as a `ModelDataError` naming the file and the rule, never as a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from ..model import Category
from .codes import CodeLists, load_code_lists


class ModelDataError(Exception):
    """A file in models/ that cannot be used as written."""


@dataclass(frozen=True, slots=True)
class LexiconRule:
    category: Category
    id: str
    reason: str
    score: float
    phrases: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    # Raised only when the same document has a finding from one of these rules or
    # categories: "mass", "histology" are harmful only where the patient is not yet told.
    only_with: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.category}/{self.id}"


class NameSet(frozenset):  # type: ignore[type-arg]
    """A first-name list that also holds the double-barrelled names made of its names
    ("ruby-rose", "lily-mae", "anne-marie")."""

    __slots__ = ()

    def __contains__(self, word: object) -> bool:
        if frozenset.__contains__(self, word):
            return True
        if not isinstance(word, str) or "-" not in word:
            return False
        parts = word.split("-")
        return all(part and frozenset.__contains__(self, part) for part in parts)


@dataclass(frozen=True, slots=True)
class People:
    relations: frozenset[str]
    professional_words: frozenset[str]  # lower case, matched in any case
    professional_acronyms: frozenset[str]  # matched only as written
    forenames: frozenset[str]
    ambiguous_forenames: frozenset[str]
    not_names: frozenset[str]
    info_verbs: tuple[str, ...] = ()
    place_words: frozenset[str] = frozenset()
    agencies: frozenset[str] = frozenset()
    surnames: frozenset[str] = frozenset()  # gazetteer
    common_forenames: frozenset[str] = frozenset()  # a name on its own, capitalised
    proper_nouns: frozenset[str] = frozenset()  # "Kenya", "Chelsea": places as well as names
    english: frozenset[str] = frozenset()  # common English words: the safe-list
    common_english: frozenset[str] = frozenset()  # the most common of them ("will", "grace")
    clinical: frozenset[str] = frozenset()  # clinical abbreviations, terms and drugs
    function_words: frozenset[str] = frozenset()  # "will", "may", "in": never a name after "son"
    after_name_words: frozenset[str] = frozenset()  # "seen", "well": never a surname after a name
    male_forenames: frozenset[str] = frozenset()  # on male name lists only ("miles")
    female_forenames: frozenset[str] = frozenset()  # on female name lists only ("jessica")
    eponymous: frozenset[str] = frozenset()  # "marie curie", "simon broome": never a person here
    places: frozenset[str] = frozenset()  # towns, cities, countries ("siem reap", "birkenhead")
    animals: frozenset[str] = frozenset()  # "Joey (budgie)", "his dog Bramble": a pet's name


@dataclass(frozen=True, slots=True)
class Models:
    root: Path
    rules: tuple[LexiconRule, ...]
    people: People
    identifier_config: dict[str, object] = field(hash=False)
    codes: CodeLists = field(hash=False, default_factory=lambda: CodeLists((), frozenset(), frozenset(), {}))


def models_dir() -> Path:
    """Where the data lives: $REDACTOR_MODELS, the installed package copy, or the repo."""
    override = os.environ.get("REDACTOR_MODELS")
    if override:
        return Path(override)
    here = Path(__file__).resolve()
    for candidate in (here.parents[1] / "models", here.parents[3] / "models"):
        if (candidate / "lexicons").is_dir():
            return candidate
    raise ModelDataError("cannot find the models/ folder; set REDACTOR_MODELS")


def alternation(words: Iterable[str], suffix: str = "") -> str:
    """One regex group for a word list, built as a trie ("st(?:ep(?:dad|mum)|...)") so
    the engine follows one branch per letter instead of trying every word in turn.
    Longer words are tried before their prefixes, so "stepdad" beats "step"."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return "(?:" + _trie_pattern(trie, suffix) + ")" if trie else "(?!)"


def _trie_pattern(node: dict, suffix: str) -> str:  # type: ignore[type-arg]
    branches = [
        re.escape(char) + _trie_pattern(child, suffix) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return suffix
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return body
    return f"(?:{body}|{suffix})" if suffix else f"(?:{body})?"


def read_word_list(path: Path) -> list[str]:
    """One term per line; '#' starts a comment."""
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return words


def _load_yaml(path: Path) -> dict[str, object]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ModelDataError(f"{path.name}{where}: not valid YAML") from None
    if not isinstance(data, dict):
        raise ModelDataError(f"{path.name}: expected a mapping at the top")
    return data


def load_rules(folder: Path, people: People) -> tuple[LexiconRule, ...]:
    placeholders = {
        "{relation}": alternation(people.relations, suffix="s?"),
        "{verb}": alternation(people.info_verbs).replace(r"\ ", r"\s+"),
    }
    rules: list[LexiconRule] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yml")):
        data = _load_yaml(path)
        try:
            category = Category(str(data.get("category")))
        except ValueError:
            raise ModelDataError(f"{path.name}: unknown category {data.get('category')!r}") from None
        for raw in data.get("rules") or []:  # type: ignore[union-attr]
            if not isinstance(raw, dict) or "id" not in raw or "reason" not in raw:
                raise ModelDataError(f"{path.name}: every rule needs an id and a reason")
            rule_id = str(raw["id"])
            score = float(raw.get("score", 0.8))
            if not 0 < score <= 1:
                raise ModelDataError(f"{path.name} rule {rule_id}: score must be in (0, 1]")
            patterns = tuple(_expand(str(p), placeholders) for p in raw.get("patterns") or [])
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ModelDataError(f"{path.name} rule {rule_id}: bad pattern ({exc})") from None
            rule = LexiconRule(
                category=category,
                id=rule_id,
                reason=str(raw["reason"]),
                score=score,
                phrases=tuple(str(p) for p in raw.get("phrases") or []),
                exact=tuple(str(p) for p in raw.get("exact") or []),
                patterns=patterns,
                only_with=tuple(str(r) for r in raw.get("only_with") or []),
            )
            if rule.name in seen:
                raise ModelDataError(f"{path.name}: rule {rule_id} defined twice")
            seen.add(rule.name)
            rules.append(rule)
    if not rules:
        raise ModelDataError(f"{folder}: no lexicon rules found")
    known = seen | {str(c) for c in Category}
    for rule in rules:
        unknown = [r for r in rule.only_with if r not in known]
        if unknown:
            raise ModelDataError(f"rule {rule.name}: only_with names unknown rule {unknown[0]!r}")
    return tuple(rules)


def _expand(pattern: str, placeholders: dict[str, str]) -> str:
    for name, value in placeholders.items():
        pattern = pattern.replace(name, value)
    return pattern


def misspellings(words: Iterable[str], taken: Collection[str]) -> frozenset[str]:
    """Relation words as messages and hurried notes misspell them: one letter dropped or
    two swapped ("daugter", "freind", "neice", "nieghbour"), in words of five letters or
    more (swaps only in five-letter words), never a spelling that is a word or a name
    already ("bother", "fiend")."""
    variants: set[str] = set()
    for word in words:
        if len(word) < 5 or not word.isalpha():
            continue
        swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
        drops = {word[:i] + word[i + 1 :] for i in range(len(word))} if len(word) > 5 else set()
        variants |= swaps | drops
    return frozenset(v for v in variants if v not in taken and v not in words)


def load_people(folder: Path) -> People:
    relations = frozenset(w.lower() for w in read_word_list(folder / "relations.txt"))
    words, acronyms = set(), set()
    for term in read_word_list(folder / "professionals.txt"):
        (acronyms if term.isupper() else words).add(term if term.isupper() else term.lower())
    forenames, ambiguous = set(read_word_list(folder / "forename_gazetteer.txt")), set()
    common = set(read_word_list(folder / "forename_common.txt"))
    for line in read_word_list(folder / "forenames.txt"):
        if line.startswith("ambiguous:"):
            ambiguous.add(line.split(":", 1)[1].strip().lower())
        else:
            common.add(line.lower())
    forenames |= common
    english = frozenset(read_word_list(folder / "english_words.txt"))
    clinical = frozenset(w.lower() for w in read_word_list(folder / "clinical_terms.txt"))
    # A first name that is also a common everyday word ("Will", "Grace", "Bill") or a
    # clinical term needs more than the gazetteer: a relation word, a title or a
    # surname beside it. Rarer words ("John", "Harry") are names when capitalised.
    common_english = frozenset(read_word_list(folder / "english_common.txt"))
    ambiguous |= {name for name in forenames if name in common_english or name in clinical}
    surnames = frozenset(read_word_list(folder / "surname_gazetteer.txt"))
    taken = english | clinical | forenames | surnames
    return People(
        relations=relations | misspellings(relations, taken),
        professional_words=frozenset(words),
        professional_acronyms=frozenset(acronyms),
        forenames=NameSet(forenames - ambiguous),
        ambiguous_forenames=NameSet(ambiguous),
        not_names=frozenset(w.lower() for w in read_word_list(folder / "not_names.txt")),
        info_verbs=tuple(read_word_list(folder / "info_verbs.txt")),
        place_words=frozenset(w.lower() for w in read_word_list(folder / "place_words.txt")),
        agencies=frozenset(w.lower() for w in read_word_list(folder / "agencies.txt")),
        surnames=surnames,
        common_forenames=NameSet(common - ambiguous),
        proper_nouns=frozenset(read_word_list(folder / "proper_nouns.txt")),
        english=english,
        common_english=common_english,
        clinical=clinical,
        function_words=frozenset(read_word_list(folder / "function_words.txt")),
        after_name_words=frozenset(read_word_list(folder / "after_name_words.txt")),
        male_forenames=frozenset(read_word_list(folder / "forename_male.txt")),
        female_forenames=frozenset(read_word_list(folder / "forename_female.txt")),
        eponymous=frozenset(w.lower() for w in read_word_list(folder / "eponymous_names.txt")),
        places=frozenset(read_word_list(folder / "places.txt")),
        animals=frozenset(read_word_list(folder / "animals.txt")),
    )


@cache
def load_models(root: Path | None = None) -> Models:
    root = root or models_dir()
    try:
        people = load_people(root / "people")
        rules = load_rules(root / "lexicons", people)
        identifiers = _load_yaml(root / "patterns" / "identifiers.yml")
        codes = load_code_lists(root / "codes")
    except FileNotFoundError as exc:
        raise ModelDataError(f"missing model file {Path(str(exc.filename)).name}") from None
    return Models(root=root, rules=rules, people=people, identifier_config=identifiers, codes=codes)
