"""A truecased view of a record, so that case never decides whether a name is found.

Legacy imports and hurried nursing notes are written ALL IN CAPITALS or all in lower
case ("DR BOYLE SPOKE TO DAUGHTER PHILOMENA", "son bill in to visit"). The language
model and the name grammar both read capital letters as evidence, so such notes hide
every name. This module rewrites the case of those passages, word by word and with
the same length (so every offset still points into the original text):

- in a shouted passage, names become Title case, courtesy titles "Dr"/"Mrs", role
  acronyms stay as written ("SW", "HV"), and every other word goes to lower case;
- in any passage, a lower-case word becomes a name where a relation word or title
  stands right before it ("husband milovan", "dtr suzette", "son ,dave,"), however
  they are joined, and along a list of names after it ("sons mick, terry and alan");
- in a shouted or lowered passage, a word from the forename gazetteer that is not an
  English or clinical word ("suzette", "PHILOMENA") is a name, and so is an unknown
  word right after it ("IRENE CZYZEWICZ").

Only the view changes: findings keep the original text. Mixed-case prose is left as
written apart from lower-case names beside a relation word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .resources import NameSet, People

WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# Between words, a sentence end or a line break ends what a relation word anchors;
# "?" does not ("wife(?) Joellen").
BREAK = re.compile(r"\n|[.;!](?:\s|$)")
LIST_JOIN = re.compile(r"^[ \t]*(?:,|&|\+|/)?[ \t]*$")
# Passages whose case is judged as a whole run between line breaks and sentence ends;
# a full stop after an initial or a title ends nothing ("ROBERT V. DEGIORGIO", "DR. SMITH").
STOP = re.compile(r"\n|[.;!]")
ABBREVIATED = re.compile(r"(?:\b[^\W\d_]|\b(?i:dr|drs|mr|mrs|ms|mx|st|prof))$")
PERSONAL_TITLES = frozenset({"mr", "mrs", "miss", "mx"})
TITLES = {"dr": "Dr", "drs": "Drs", "mr": "Mr", "mrs": "Mrs", "ms": "Ms", "miss": "Miss", "mx": "Mx", "prof": "Prof"}
SHOUTED, LOWERED, MIXED = "shouted", "lowered", "mixed"
# After "son will" / "WIFE MAY", a finite verb, a pause or the end says the word was a
# name ("son Will rang", "WIFE MAY, 01632 ..."); a bare verb says it was the modal
# ("son will visit").
FINITE_AFTER = re.compile(
    r"[ \t]*(?:[,.;:()\-\"“”]|$|(?i:is|was|has|had|says|said|rang|rings|phoned|phones|called|calls|visited|visits|came|"
    r"comes|wants|wanted|feels|felt|thinks|thought|reports|reported|told|asked|asks|and|who|lives|lived|"
    r"works|worked|died|drinks|drank|aware|present|here|in|at|will|would|may|might|can|could|should|must)\b|(?i:(?![a-z]*eed\b)[a-z]{2,}ed)\b"
    r"|(?i:of)[ \t]+\d)",  # "NEIGHBOUR JACK STREET OF 29 CROMPTON WAY": an address follows
    re.M,
)
# "MAY KNOWS.", "will wants": a verb's -s form never follows a modal verb
S_VERB_AFTER = re.compile(
    r"[ \t]+(?i:(?!(?:always|perhaps|sometimes|afterwards|towards|besides|unless|thus|yes|this|its|his|hers|ours|"
    r"theirs|us|as|less|plus)\b)[a-z]{2,}[a-rt-z]s)\b"
)
MODALS = frozenset({"will", "may", "might", "can", "must", "shall"})
NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")
ADVERBS = frozenset(
    {"first", "then", "also", "just", "never", "always", "still", "later", "now", "already", "again", "once",
     "since", "often", "ever", "even", "too", "today", "yesterday", "tonight", "earlier", "apparently"}
)
REPORTED_AFTER = re.compile(
    r"[ \t]+(?i:says|said|rang|rings|phoned|phones|told|tells|thinks|thought|wants|wanted|asked|asks|texted|"
    r"messaged|called|reckons|reckoned|keeps|kept)\b"
)
MAIDEN_MARKERS = frozenset({"nee", "née", "prev", "previously", "formerly"})
ANCHOR_BRIDGE = frozenset({"is", "was", "called", "named", "in", "law", "aka"})
NICKNAME_GAP = re.compile(r"^[ \t]*\($")  # a first name, then "(Bill)"
AFTER_NICKNAME = re.compile(r"^\)[ \t]+$")  # "(Bill) O'Sullivan": the surname goes on
# "let her see my sister", "to marry my cousin": the word before the relation is a verb
VERB_SLOT_BEFORE = re.compile(
    r"\b(?i:to|me|him|her|them|us|you|let|lets|can|cant|will|wont|could|would|should|must|might|please|"
    r"i|we|they|not|never|just|also)[ \t]+$"
)
LIST_BEFORE = re.compile(r"([^\W_]+)[ \t]*[,/]")
LIST_AFTER = re.compile(r"[,/][ \t]*([^\W_]+)")
# A lower-case word opening a line, and what ended the line before it: a relation word
# (with "is"/"was"), or "(june and".
LINE_START_WORD = re.compile(r"\n[ \t]*(?P<name>[a-z][a-z'’\-]+)\b")
WRAP_ANCHOR = re.compile(
    r"(?:\b(?P<rel>[A-Za-z][\w-]*)(?:[ \t]+(?i:is|was|called|named))?|(?P<open>\([a-z]+[ \t]+and))[ \t]*$"
)
KIN_ADJECTIVE = r"(?:(?i:best|older|younger|little|big|twin|eldest|oldest|youngest|baby|new)[ \t]+)?"  # "my best mate"
OWNER = r"(?i:my|her|his|their|our|pt'?s|patient'?s|the)"
NURSING_BEFORE_SISTER = frozenset({"ward", "staff", "senior", "nursing", "district", "night", "junior"})


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The word lists the view is made from (all lower case)."""

    relations: frozenset[str]
    forenames: frozenset[str]
    common_forenames: frozenset[str]
    surnames: frozenset[str]
    english: frozenset[str]
    common_english: frozenset[str]
    clinical: frozenset[str]
    function_words: frozenset[str]  # and the verbs that report ("said", "phoned")
    role_acronyms: frozenset[str]
    role_words: frozenset[str]
    after_name: frozenset[str] = frozenset()

    @classmethod
    def from_people(cls, people: People) -> Vocabulary:
        single = {r for r in people.relations if " " not in r}
        return cls(
            relations=frozenset(single),
            forenames=NameSet(people.forenames | people.ambiguous_forenames),
            common_forenames=people.common_forenames,
            surnames=people.surnames,
            english=people.english,
            common_english=people.common_english,
            clinical=people.clinical | people.not_names,
            function_words=people.function_words
            | {v.lower() for v in people.info_verbs if " " not in v and v.isalpha()},
            role_acronyms=frozenset(a.lower() for a in people.professional_acronyms),
            role_words=frozenset(w for w in people.professional_words if " " not in w),
            after_name=people.after_name_words,
        )

    def is_relation(self, lower: str) -> bool:
        """ "daughter", "sons", "dtr-in-law", "step-daughter"."""
        if lower in self.relations or lower.removesuffix("s") in self.relations:
            return True
        if lower.endswith("-in-law"):
            return lower.removesuffix("-in-law") in self.relations
        head, _, tail = lower.rpartition("-")
        return head.split("-")[0] in RELATION_PREFIXES and tail in self.relations

    def safe(self, lower: str) -> bool:
        """An ordinary English or clinical word, not to be read as a name alone
        ("phoned-family" as much as "phoned")."""
        if lower in self.clinical or lower in self.english:
            return True
        parts = [p for p in re.split(r"[-'’]", lower) if p]
        return len(parts) > 1 and all(p in self.clinical or p in self.english or len(p) == 1 for p in parts)

    def anchored_name(self, lower: str) -> bool:
        """A word right after a relation word or title: a name unless it is a
        grammatical word, a reporting verb, a role, a clinical term, or an English
        word no gazetteer knows."""
        if lower in self.function_words or self.is_relation(lower) or lower in TITLES:
            return False
        if len(lower.replace("'", "").replace("-", "")) < 2:
            return False
        if lower in self.role_acronyms or lower in self.role_words:
            return False
        if lower in self.forenames:
            return lower not in self.clinical
        return not self.safe(lower)

    def reported_name(self, lower: str, text: str, end: int) -> bool:
        """An everyday word right after a relation word in a lower-case or shouted note,
        with what the person said or did right after it ("my girlfriend sky says",
        "SON RIVER RANG"): a name no gazetteer knows yet ("Sky", "River")."""
        if lower in self.function_words or lower in self.clinical or self.is_relation(lower):
            return False
        if lower in self.role_acronyms or lower in self.role_words or len(lower) < 3:
            return False
        if lower in ADVERBS or lower.endswith("ly"):
            return False  # "Mum first said", "dad apparently rang"
        return REPORTED_AFTER.match(text, end) is not None

    def modal_name(self, lower: str, text: str, end: int) -> bool:
        """A first name that is also a grammatical word ("will", "may"), right after a
        relation word: a name when what follows could not follow the modal verb (a
        pause, a finite verb, a surname)."""
        if lower not in self.function_words or lower not in self.forenames:
            return False
        if FINITE_AFTER.match(text, end) is not None or (lower in MODALS and S_VERB_AFTER.match(text, end)):
            return True
        following = NEXT_WORD.match(text, end)  # "WIFE-MAY PRITCHARD": a surname, no verb
        return lower in MODALS and following is not None and self.surname_only(following.group(1).lower())

    def surname_only(self, lower: str) -> bool:
        """A surname that is no first name and no English, clinical or grammatical word
        ("pritchard"; not "wayne" after "Mother said")."""
        return (
            lower in self.surnames
            and lower not in self.forenames
            and not self.safe(lower)
            and lower not in self.function_words
        )

    def titled_name(self, lower: str, title: str = "") -> bool:
        """A word right after "Dr", "Mrs": a surname even when it is also a word ("Smith"),
        or an initial before it ("DN SISTER P. COLLINS"). After a courtesy title, a
        surname that is also a rarer clinical word is a surname too ("MR BAKER", "mrs
        wells"), but not a common one ("MR PLAN": modified release), nor after "MS",
        which is also multiple sclerosis."""
        if len(lower) == 1:
            return True
        if lower in self.surnames and lower not in self.function_words and (
            lower not in self.clinical or (title in PERSONAL_TITLES and lower not in self.common_english)
        ):
            return True
        return self.anchored_name(lower)

    def surname_after_name(self, lower: str, text: str, end: int) -> bool:
        """The word after a first name in a shouted or lower-case note: a surname unless
        it is grammar, a role or a clinical word, or an English word no surname list
        holds among the rarer ones ("IRENE CZYZEWICZ", "joanna hart", not "JANE IN");
        a surname that is also a word when a pause or a verb follows it ("MARK BIRD.",
        "FRANK WELLS KILLED")."""
        if lower in self.function_words or lower in self.role_acronyms or lower in self.after_name:
            return False
        if lower in self.surnames and FINITE_AFTER.match(text, end) is not None:
            return True
        if lower in self.clinical:
            return False
        if lower in self.surnames and lower not in self.common_english:
            return True
        return not self.safe(lower)

    def lone_name(self, lower: str) -> bool:
        """A first name that is no English or clinical word ("suzette", "PHILOMENA"), or
        a common one that is only a rarer word ("TERRY", "DEAN"; not "WILL", "RAY")."""
        if len(lower) < 3 or lower not in self.forenames or lower in self.clinical or lower in self.function_words:
            return False
        return lower not in self.english or (lower in self.common_forenames and lower not in self.common_english)


LABEL = re.compile(r"^[^\n]{1,60}?:[ \t]+(?=\S)")
FIELD_ACRONYMS = re.compile(r"\b(?:DOB|D\.O\.B\.?|NHS|No|NO|Tel|TEL|MOB|Mob|GP)\b")


def _after_label(segment: str) -> str:
    """A line's label says nothing of how its text is typed: "[13:31] Pt -> Practice: mum
    is halina wojcik" is a lower-case message."""
    label = LABEL.match(segment)
    rest = segment[label.end() :] if label else segment
    return rest if sum(c.isalpha() for c in rest) >= 12 else segment


def passage_mode(segment: str) -> str:
    # "River WOOD   DOB 04/03/2023   NHS ...": a print's field labels say nothing of how its text is typed
    segment = FIELD_ACRONYMS.sub("", segment)
    letters = sum(1 for c in segment if c.isalpha())
    if letters < 4:
        return MIXED
    upper = sum(1 for c in segment if c.isupper())
    if upper >= 0.7 * letters and len(WORD.findall(segment)) >= 2:
        return SHOUTED
    if upper <= 0.02 * letters:
        return LOWERED
    return MIXED


def written_small(text: str, start: int, end: int) -> bool:
    """The words are written in lower case inside a passage typed in mixed case, so the
    writer's own case says they are no name ("found in the garden at dawn"); in an
    ALL-CAPS or all-lower-case passage case says nothing."""
    if not text[start:end].islower():
        return False
    begin = max(text.rfind(mark, 0, start) for mark in "\n.;!") + 1
    stops = [at for mark in "\n.;!" if (at := text.find(mark, end)) >= 0]
    segment = _after_label(text[begin : min(stops, default=len(text))])
    # A sentence with only its first letter capitalised counts as lower case to the
    # recaser, but its writer used case: only a passage with no capital says nothing.
    return passage_mode(segment) != SHOUTED and any(c.isupper() for c in segment)


def name_case(word: str) -> str:
    """ "o'neill" -> "O'Neill", "smith-jones" -> "Smith-Jones", "bill's" -> "Bill's"."""
    parts = re.split(r"(['’\-])", word.lower())
    out = []
    for index, part in enumerate(parts):
        possessive = index > 0 and parts[index - 1] in "'’" and part == "s"
        out.append(part if possessive or not part else part[0].upper() + part[1:])
    return "".join(out)


class Truecaser:
    """Built once per process from the people lists' vocabulary; `view` runs per document."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        relation = "|".join(sorted(map(re.escape, vocabulary.relations), key=len, reverse=True))
        # A relation word after the name, in apposition, says whose it is as well as one
        # before it does: "april (my friend)", "grace, my sister,"; with no punctuation only
        # a gazetteer first name after "my" ("i havent told rich my boyfriend and").
        self.relation_after = re.compile(
            rf"[ \t]*(?:\([ \t]*(?:{OWNER}[ \t]+)?{KIN_ADJECTIVE}(?i:{relation})s?[ \t]*\)"
            rf"|,[ \t]*{OWNER}[ \t]+{KIN_ADJECTIVE}(?i:{relation})s?[ \t]*(?:[,.;)]|$))",
            re.M,
        )
        self.bare_relation_after = re.compile(
            rf"[ \t]+(?i:my)[ \t]+{KIN_ADJECTIVE}(?i:{relation})s?[ \t]*(?:[,.;)]|(?i:and|who|but|had|has|is|was)\b|$)", re.M
        )

    def view(self, text: str) -> str:
        """The text with passages recased; identical when nothing needed it."""
        chars: list[str] | None = None
        for start, end in _segments(text):
            mode = passage_mode(_after_label(text[start:end]))
            for offset, new in self._recase(text, start, end, mode):
                if chars is None:
                    chars = list(text)
                chars[offset : offset + len(new)] = new
        for match in LINE_START_WORD.finditer(text):
            # "my birth mum was\ndawn hall", "(june and\nken)": a message's line wraps after
            # the relation word; a gazetteer first name written small starts the next line
            word = match.group("name")
            if not (word in self.vocabulary.forenames and self.vocabulary.anchored_name(word)):
                continue
            before = WRAP_ANCHOR.search(text, max(0, match.start() - 40), match.start())
            if before and (before.group("open") or self.vocabulary.is_relation(before.group("rel").lower())):
                if chars is None:
                    chars = list(text)
                chars[match.start("name") : match.end("name")] = name_case(word)
        return text if chars is None else "".join(chars)

    def _recase(self, text: str, start: int, end: int, mode: str) -> list[tuple[int, str]]:
        vocabulary = self.vocabulary
        changes: list[tuple[int, str]] = []
        # What the words so far make of the next one: "anchor" after a relation word,
        # "title" after a title or a role acronym, "name" after a name (a surname may
        # follow, or after a comma or "and" another name of the list), None otherwise.
        # `listed` is True while the names hang off a relation word ("sons mick, terry
        # and alan").
        state: str | None = None
        listed = False
        last_end = start
        previous = ""
        pending: tuple[int, str, str, str] | None = None  # a title waiting for its name
        title = ""  # the title or marker that opened the "title" state, lower-cased
        for offset, word in _words(text, start, end, vocabulary):
            lower = word.lower()
            gap = text[last_end:offset]
            last_end = offset + len(word)
            if gap.startswith(". ") and ABBREVIATED.search(previous):
                gap = gap[1:]  # "V. Degiorgio", "Dr. Smith": the full stop ends no sentence
            elif gap == "." and len(previous) == 1:
                gap = ""  # "DR J.P. HOLLIS": initials run together
            previous_lower = previous.lower()
            previous = word
            if state == "name" and NICKNAME_GAP.match(gap) and lower in vocabulary.forenames and lower not in vocabulary.function_words:
                state = "nickname"  # "SON WILLIAM (BILL) O'SULLIVAN"
            elif BREAK.search(gap) or (state == "name" and not LIST_JOIN.match(gap) and not AFTER_NICKNAME.match(gap)):
                state, listed = None, False
            if state == "anchor" and lower in ANCHOR_BRIDGE:
                continue  # "mum is halina", "brother in law rich": the anchor holds
            if state == "name" and lower == "and":
                state = "and" if listed else None
                changes.extend(_change(offset, word, self._plain(word, lower, mode)))
                continue
            is_name = False
            if state == "nickname":
                is_name = True
            elif state == "title":
                # after "MR" in prose, only a name in capitals ("MR BAKER", not "MR enterography")
                shouted_title = mode == MIXED and pending is not None and pending[1].isupper()
                is_name = vocabulary.titled_name(lower, title) and (word.isupper() or not shouted_title)
            elif state in ("anchor", "and") or (state == "name" and listed and ("," in gap or "&" in gap)):
                # in prose, only a known name ("her husband milovan" needs the gazetteer;
                # "mum incl. rash" stays); in a lower-case or shouted note, any non-word
                # ("family, faith, employment": in prose a common word written small is a word)
                is_name = (
                    vocabulary.anchored_name(lower)
                    and (
                        mode != MIXED
                        or not word.islower()
                        or (
                            (lower in vocabulary.forenames or lower in vocabulary.surnames)
                            and lower not in vocabulary.common_english
                        )
                    )
                ) or vocabulary.modal_name(lower, text, offset + len(word))
                if not is_name and state == "anchor" and mode != MIXED:
                    is_name = vocabulary.reported_name(lower, text, offset + len(word))
                listed = is_name
            elif state == "name" and mode != MIXED:  # "IRENE CZYZEWICZ", "joanna hart": a surname ("thanks ellie x": a kiss)
                is_name = word.strip("x") != "" and (len(lower) == 1 or vocabulary.surname_after_name(lower, text, offset + len(word)))
            elif mode != MIXED:
                is_name = vocabulary.lone_name(lower) and not self._among_tests(text, offset, offset + len(word))
                listed = False
            if not is_name and (mode != MIXED or word.islower()):
                is_name = self._named_by_relation_after(word, lower, text, offset + len(word))
            if is_name and mode == SHOUTED and word.islower():
                is_name = False  # "FATHER - see 14/03": in a shouted passage a name is shouted too
            if pending is not None:  # the title before this word: cased as one if a name follows
                changes.extend(_change(pending[0], pending[1], pending[2] if is_name else pending[3]))
                pending = None
            if is_name:
                state = "name"
                cased = name_case(word) if mode != MIXED or word.islower() else word
            elif lower == "sister" and (
                previous_lower in vocabulary.role_acronyms
                or previous_lower in vocabulary.role_words
                or previous_lower in NURSING_BEFORE_SISTER
            ):
                state, listed, title = "title", False, lower  # "DN SISTER BRIGGS", "WARD SISTER JONES": a nurse
                cased = "Sister"
            elif lower in MAIDEN_MARKERS:
                state, listed, title = "title", False, lower  # "(NEE DOYLE)", "(PREV BRANNIGAN)": a surname follows
                cased = self._plain(word, lower, mode)
            elif vocabulary.is_relation(lower):
                state, listed = "anchor", False
                cased = lower if mode == SHOUTED else word
            elif state == "name" and lower in vocabulary.role_acronyms:
                state, listed = None, False
                cased = word.upper()  # "florencia cooke np": a role after a name
            elif lower in vocabulary.role_acronyms and word.islower() and len(word) <= 4:
                # "np janice aware": a role written small, capitals only if a name follows
                state, listed, title = "title", False, lower
                pending = (offset, word, word.upper(), word)
                continue
            elif lower in TITLES and (mode != MIXED or word.islower() or (word.isupper() and lower in PERSONAL_TITLES)):
                # "MR SMITH" -> "Mr Smith", but "SEVERE MR", "QTc 421 ms" stay: the title
                # is recased only if a name follows (see below); in prose, only "dr chen"
                # and "MR BAKER says"
                state, listed, title = "title", False, lower
                pending = (offset, word, TITLES[lower], self._plain(word, lower, mode))
                continue
            else:
                state, listed = None, False
                cased = self._plain(word, lower, mode)
            changes.extend(_change(offset, word, cased))
        if pending is not None:
            changes.extend(_change(pending[0], pending[1], pending[3]))
        return changes

    def _among_tests(self, text: str, start: int, end: int) -> bool:
        """ "Plan: ANA, ENA, RF, ESR": one of a list of tests or terms, not a name ("Ana"):
        two of the list's other items, within three either side, are clinical words."""
        items = LIST_BEFORE.findall(text, max(0, start - 30), start)[-3:] + LIST_AFTER.findall(text, end, end + 30)[:3]
        return sum(item.lower() in self.vocabulary.clinical for item in items) >= 2

    def _named_by_relation_after(self, word: str, lower: str, text: str, end: int) -> bool:
        """A word with a relation word after it in apposition: "april (my friend)", "grace,
        my sister,", and after "my" with no punctuation a gazetteer first name ("rich my
        boyfriend and"), unless a verb takes it ("let her see my sister")."""
        following = text[end : end + 3].lstrip(" \t")[:1]
        if following not in ("(", ",", "m", "M"):
            return False  # most words: nothing after them can be a relation in apposition
        vocabulary = self.vocabulary
        if lower in vocabulary.function_words or vocabulary.is_relation(lower) or len(lower) < 2:
            return False
        known = lower in vocabulary.forenames
        if following in ("(", ","):
            return bool(self.relation_after.match(text, end)) and (known or vocabulary.anchored_name(lower))
        if not known or following not in ("m", "M"):
            return False  # only "rich my boyfriend" is left to read
        before = VERB_SLOT_BEFORE.search(text, max(0, end - len(word) - 12), end - len(word))
        return before is None and self.bare_relation_after.match(text, end) is not None

    def _plain(self, word: str, lower: str, mode: str) -> str:
        if mode != SHOUTED:
            return word
        if lower in self.vocabulary.role_acronyms and len(word) <= 4:
            return word  # "SW", "HV", "PC": role acronyms are written in capitals anyway
        return lower


def _segments(text: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for stop in STOP.finditer(text):
        if stop.group() == "." and ABBREVIATED.search(text, max(start, stop.start() - 4), stop.start()):
            continue
        if stop.start() > start:
            out.append((start, stop.start()))
        start = stop.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


RELATION_PREFIXES = frozenset({"step", "half", "ex", "grand", "great", "god", "foster"})


def _words(text: str, start: int, end: int, vocabulary: Vocabulary) -> list[tuple[int, str]]:
    """Words with their offsets; a relation word hyphenated to a name is two words
    ("DAUGHTER-KRISSY"), a hyphenated relation or name is one ("step-dad", "Smith-Jones")."""
    out = []
    for match in WORD.finditer(text, start, end):
        word = match.group()
        head, _, rest = word.partition("-")
        if rest and head.lower() in vocabulary.relations and not vocabulary.is_relation(word.lower()):
            out.append((match.start(), head))
            out.append((match.start() + len(head) + 1, rest))
        else:
            out.append((match.start(), word))
    return out


def _change(offset: int, word: str, cased: str) -> list[tuple[int, str]]:
    """The view keeps the record's length, so offsets hold: "ÇELİK" lowers to six code
    points ("i" and a combining dot) and is recased with a plain "i"; a word no such
    mending brings to its own length ("STRAßE" -> "STRASSE") is left as written."""
    if len(cased) != len(word):
        cased = cased.replace("i\u0307", "i")
    return [(offset, cased)] if cased != word and len(cased) == len(word) else []
