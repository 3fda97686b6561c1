"""Where someone lives, works or studies, read after its cue in any case.

"kerry works days at the co-op on station road", "LIAM WORKS NIGHTS AT BRANNOCK'S
DEPOT ON MILL ROAD", "my sister chantelle lives at flat 9, kestrel court, fernshaw
now": capitalisation cannot mark such a place in a note typed in capitals or in lower
case, so the place is the words after the cue, up to a word that ends it. Whose place
it is is decided like any identifier's (the line must name a third party or a
relation: see the pipeline); the cues and word lists are in
`models/patterns/identifiers.yml` under `places`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .identifiers import IdentifierHit
from .lexicon import FirstMatch

PATTERN = "place-after-cue"
ENTITIES = {
    "workplace": "WORKPLACE_OR_SCHOOL",
    "school": "WORKPLACE_OR_SCHOOL",
    "institution": "WORKPLACE_OR_SCHOOL",
    "home": "STREET_ADDRESS",
}
TOKEN = re.compile(r"[\w'’&\-]+(?:\.(?=\w))?[\w'’&\-]*\.?")
# one space, a line wrap (never a blank line) or a comma between the place's words
GAP = re.compile(r"[ \t]+|[ \t]*\n[ \t]*(?=\S)|[ \t]*,[ \t]*(?:\n[ \t]*)?(?=\S)")
POSSESSIVE_HOME = re.compile(
    r"(?:(?:his|her|my|their|our|a)[ \t]+)?[a-z]+(?:'s|’s|s)[ \t]+(?:on|in|at)[ \t]+", re.I
)
UNIT_NUMBER = re.compile(r"[ \t]+\d{1,4}[A-Za-z]?\b")
SPACES = re.compile(r"[ \t]*(?:\n[ \t]*)?")  # the place may start the next line
NUMBER_OPENING = re.compile(r"(?:flat|apartment|unit|no\.?|number)?[ \t]*\d", re.I)
# The words before a cue in its clause: none ("Works at Tesco" in a clinician's
# shorthand) or the writer ("i work at", "we live on") make the place the patient's.
CLAUSE_BREAK = re.compile(r"[.;:!?]|\n[ \t]*\n|\n[ \t]*(?=[A-Z])")
OWN_SUBJECTS = frozenset({"i", "we", "im", "i'm", "pt", "patient", "me", "myself", "i've", "ive"})


def _phrases(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"[ \t]+") for w in words), key=len, reverse=True))


def _cue(cue: str, time: str) -> str:
    """A cue's words, with time words allowed before its last word when it has two."""
    *head, last = cue.split()
    if not head:
        return re.escape(last)
    return r"[ \t]+".join(map(re.escape, head)) + rf"(?:[ \t]+(?:{time}))*[ \t]+" + re.escape(last)


class PlaceFinder:
    def __init__(self, config: dict[str, Any], english: frozenset[str], place_words: frozenset[str]) -> None:
        cues: dict[str, list[str]] = config["cues"]
        time = _phrases(config["time_words"])
        # "works at" also matches "works nights at", "works 3 days at"
        self.kind_of = {cue.lower(): kind for kind, words in cues.items() for cue in words}
        self.cues = FirstMatch([(rf"\b{_cue(cue, time)}\b", cue) for cue in self.kind_of])
        self.numbered_only = {w.lower() for w in config.get("numbered_only", [])}
        self.institution_words = frozenset(w.lower() for w in config.get("institution_words", []))
        self.institution_ahead = re.compile(rf"\b(?:{_phrases(self.institution_words)})\b", re.I)
        self.stop = frozenset(w.lower() for w in config["stop_words"])
        self.generic = frozenset(w.lower() for w in config["generic"])
        self.max_words = int(config.get("max_words", 8))
        self.max_parts = int(config.get("max_parts", 4))
        self.english = english
        self.place_words = place_words

    def find(self, text: str, offset: int = 0) -> list[IdentifierHit]:
        hits = []
        for cue, word in self.cues.finditer(text):
            start = SPACES.match(text, cue.end()).end()  # type: ignore[union-attr]
            home = POSSESSIVE_HOME.match(text, start)
            if home:
                start = home.end()
            kind = self.kind_of[word]
            if word in self.numbered_only and not NUMBER_OPENING.match(text, start):
                continue
            if kind == "institution" and not self.institution_ahead.search(text, start, start + 80):
                continue  # "at", "to" and "from" are everywhere: only a school or college will do
            end = self._place_end(text, start)
            if end > start and kind == "institution":
                words = {w.lower().strip("'’.,") for w in text[start:end].split()}
                end = end if words & self.institution_words else start
            if end > start and not self._patients_own(text, cue.start()):
                hits.append(IdentifierHit(offset + start, offset + end, ENTITIES[kind], 0.7, PATTERN))
        return hits

    @staticmethod
    def _patients_own(text: str, cue: int) -> bool:
        before = text[max(0, cue - 120) : cue]
        breaks = list(CLAUSE_BREAK.finditer(before))
        words = re.findall(r"[\w']+", before[breaks[-1].end() :] if breaks else before)
        return not words or words[-1].lower() in OWN_SUBJECTS

    def _place_end(self, text: str, start: int) -> int:
        """The end of the place that opens at `start`, or `start` where there is none."""
        words: list[str] = []
        parts: list[list[str]] = [[]]
        position, end = start, start
        while len(words) < self.max_words:
            token = TOKEN.match(text, position)
            if token is None:
                break
            raw = token.group()
            word = raw.rstrip(".").lower().strip("'’-")
            if not word or word in self.stop:
                break
            if parts[-1] == [] and len(parts) > 1 and not self._address_part(raw, text, token.end()):
                break  # what follows a comma is a new clause, not the address going on
            words.append(word)
            parts[-1].append(raw)
            end = token.start() + len(raw.rstrip("."))
            if raw.endswith(".") and not re.fullmatch(r"(?i)st\.|no\.|rd\.", raw):
                break  # the sentence ends here
            gap = GAP.match(text, token.end())
            if gap is None:
                break
            if "," in gap.group():
                if len(parts) >= self.max_parts:
                    break
                parts.append([])
            position = gap.end()
        names_someone = any(
            self._names_a_place(raw) for part in parts for raw in part
        ) or self._named_institution(words)
        if not words or words[0] in ("a", "an") or not names_someone:
            return start
        if all(w in self.generic for w in words):
            return start
        return end

    def _named_institution(self, words: list[str]) -> bool:
        """ "little acorns nursery": every word English, but a name before the school word
        ("back to school once fever gone" names none)."""
        first = next((i for i, w in enumerate(words) if w in self.institution_words), None)
        return first is not None and any(w not in self.generic for w in words[:first])

    def _names_a_place(self, raw: str) -> bool:
        """A number, a word no English dictionary has ("fernshaw", "speedyfit"), or a
        capitalised word in mixed-case text ("Kelso Meats") makes a place someone's."""
        word = raw.rstrip(".").strip("'’-")
        if any(c.isdigit() for c in word):
            return True
        base = re.sub(r"(?:'s|’s)$", "", word.lower())
        if base in self.generic:
            return False
        if word[:1].isupper() and not word.isupper():
            return True
        return base not in self.english

    def _address_part(self, raw: str, text: str, after: int) -> bool:
        """After a comma the address goes on only with a number, a street word or a place
        name ("flat 9, kestrel court, fernshaw"), never with a new clause."""
        word = raw.rstrip(".").lower()
        if any(c.isdigit() for c in word) or word in self.place_words or UNIT_NUMBER.match(text, after):
            return True  # "flat 9", "Unit 4 Beck Mill", "Church Row"
        following = TOKEN.match(text, after + 1) if text[after : after + 1] in (" ", "\t") else None
        if following and following.group().rstrip(".").lower() in self.place_words:
            return True
        return self._names_a_place(raw) and word not in self.stop
