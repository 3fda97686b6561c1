"""Who is who: decide for every name in a record whether it is the patient's, a
professional's or a third party's.

Candidates come from spaCy's PERSON entities, relation words ("mum Karen"),
courtesy and professional titles ("Mrs Jones", "SW Helen Brooks") and a first-name
list. Each is then judged by the record's demographics, title and role words,
author lines and the staff list. Once a name is judged, every other mention of it
in the document (first name alone included) gets the same judgement, because
missing one mention of a third party's name undoes the redaction of the others.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate, pairwise

import jellyfish

from ..ingest.demographics import DATE, parse_date
from ..model import Category, Finding, Patient
from .resources import People, alternation
from .truecase import FINITE_AFTER, KIN_ADJECTIVE, MODALS, S_VERB_AFTER, Vocabulary, written_small

# Letters of names, accented ones included ("João", "WÓJCIK", "FERNÁNDEZ"). Latin
# Extended-A, -B and Additional ("Bożena", "ŁUKASZ", "Şahin", "Nguyễn") interleave upper
# and lower case by code point, so both classes hold them: such a letter opening a word
# is taken as a capital.
EXTENDED = "Ā-ɏḀ-ỿ"
UP = "A-ZÀ-ÖØ-Þ" + EXTENDED
LOW = "a-zß-öø-ÿ" + EXTENDED
NAME_WORD = rf"(?:Ma?c[{UP}][{LOW}]+|O['’][{UP}][{LOW}]+|[{UP}][{LOW}]+(?:-[{UP}]?[{LOW}]+|['’][{UP}][{LOW}]+)?)"
SURNAME_WORD = (
    rf"(?:Ma?c[{UP}][{LOW}]+|Ma?c[{UP}]{{2,}}|O['’][{UP}][{LOW}]+|O['’][{UP}]{{2,}}|[{UP}][{LOW}]+(?:-[{UP}]?[{LOW}]+|['’][{UP}][{LOW}]+)?"
    rf"|[{UP}]{{2,}}(?:['’\-][{UP}]+)?)"
)
NAME = rf"(?:{NAME_WORD}|[{UP}]{{2,}})(?:[ ]{SURNAME_WORD}){{0,2}}"
COURTESY = r"(?:Mr|Mrs|Ms|Miss|Mx|Master)\.?"
INITIALS = r"(?:[A-Z]\.[ \t]*|[A-Z][ \t]+){0,3}"  # "J. ", "J.P. ", "J P "
# "Ebuka OKONKWO": a capitalised word then a capitalised surname, as record prints write names.
NAME_SHAPE = re.compile(
    rf"\b[{UP}][{LOW}]+(?:-[{UP}][{LOW}]+)?[ ](?=(?:Ma?c)?[{UP}]*[AEIOUYÀ-ÖØ-Þ])(?:Ma?c)?[{UP}]{{3,}}(?:-[{UP}]{{2,}})?\b"
)
AGE_AFTER = re.compile(
    r"[ \t]*(?:\((?:aged[ \t]+|(?:he|she)(?:'s|[ \t]+is)[ \t]+)?\d{1,2}(?:[ \t]*(?:yrs?|years?|y/?o|months?))?\)"
    r"|,[ \t]*(?:aged[ \t]+)?\d{1,2}[ \t]*(?:yrs?|years?|y/?o)\b)",
    re.I,
)
# What may stand between a relation word and its name: "daughter-Krissy", "son ,Dave,",
# "wife(?) Joellen", "SISTER,CARROLL", "social-> dtr Rita", "proxy is granddaughter: Irene".
# what joins a relation word to its name: punctuation, "called", a space, or the end of a
# line in a letter that wraps ("with his wife\nFunmilayo Adeyemi")
JOIN = r"(?:[ \t]*(?:\(\?\)|[-–—:,(>=/]){1,4}[ \t]*|[ \t]+(?i:called|named)[ \t]+|[ \t]+|[ \t]*\n[ \t]*)"
# A list of names hanging off one relation word: "Sons Smokey, Morris and Roger",
# "GRANDCHILDREN ALFIE, MAISIE AND JUNE".
COORDINATED = re.compile(
    rf"(?:[ \t]*[,&+/][ \t]*(?:(?i:and)[ \t]+)?|[ \t]+(?:(?i:and)|&)(?:[ \t]+|[ \t]*\n[ \t]*))"
    rf"(?P<name>(?:{NAME_WORD}|[{UP}]{{2,}}(?:['’\-][{UP}]+)?)(?:[ ](?!(?i:and|or)\b){SURNAME_WORD})?)"
)
# A name continued on the next line ("his partner, Beatrix" / "Quennell, attended").
WRAPPED_SURNAME = re.compile(rf"[ \t]*\n[ \t]*(?P<name>{SURNAME_WORD})\b")
# A relative's name that is also a word, mentioned again as the subject of what they did
# or said ("DAUGHTER HOPE RANG ... HOPE SAYS"), never after a determiner ("the mark is").
NAME_VERB_AFTER = re.compile(
    r"(?:['’]s\b|[ \t]+(?i:says|said|rang|rings|phoned|phones|called|calls|visited|visits|came|comes|went|goes|"
    r"wants|wanted|feels|felt|thinks|reports|told|tells|asked|asks|is|was|has|had|will|would|does|did|can|could|"
    r"hit|hits|took|takes|left|leaves|got|gets|made|makes|saw|sees|gave|gives|kept|keeps|brought|brings|drove|"
    r"drives|threw|broke|pays|paid|lives|works|drinks|knows|knew|found|finds|won't|wont|hasnt|isnt|"
    r"doesnt|(?![a-z]*eed\b)[a-z]{3,}ed)\b)"
)
# "deans been", "ambers place": a possessive typed without its apostrophe
POSSESSIVE_S_AFTER = re.compile(
    r"[ \t]+(?i:been|got|gone|not|house|flat|place|home|mum|dad|number|phone|mobile|car|new|old|partner|kids|"
    r"diagnosis|illness|health|condition|dementia|cancer|drinking|temper|funeral|death|care|appointment)\b"
)
# "bill always picks it up": an adverb, then what the person does
ADVERB_VERB_AFTER = re.compile(r"[ \t]+(?i:always|never|just|still|also|really|usually|often|then|now)[ \t]+[a-z]{3,}(?:s|ed)\b")
# "takes bill to his physio", "never told bill or krissy": a person as the object of what
# is done to or with them, the clause going on after the name
OBJECT_BEFORE = re.compile(
    r"\b(?i:told|tell|tells|telling|asked|ask|asks|takes|took|take|taking|see|saw|seeing|visit|visited|visiting|"
    r"call|called|ring|rang|text|texted|messaged|with|without|for|from|like|love|loves|miss|misses|left|leave|leaves|"
    r"found|find|met|meet)[ \t]+$"
)
CLAUSE_AFTER = re.compile(
    r"(?:[ \t]*[,.;!?)]|[ \t]+(?i:to|or|and|about|that|because|so|but|if|when|yet|too|either|anymore|again|on|at|in|"
    r"today|tonight|tomorrow|yesterday|daily|weekly|monthly|regularly|sometimes|often)\b|[ \t]*$)",
    re.M,
)
COMPOUND_BEFORE = re.compile(r"(?:\b(?i:a|an|the)|£\d[\d,.]*)[ \t]+([^\W\d_]+)[ \t]+$")
CLAUSE_END_AFTER = re.compile(r"[ \t]*(?:[,.;:)]|$|(?i:and|who|but|is|was|has|had)\b)", re.M)
WORD_OR_AFTER = re.compile(r"[ \t]+(?:and|or|&|\+)[ \t]+([^\W\d_]+)")
NAME_AND_BEFORE = re.compile(rf"{NAME_WORD}[ \t]*(?:[ \t]and|&|\+)[ \t]+$")  # "with Joanne and mark", "daisy + will"
WORD_AND_BEFORE = re.compile(r"([^\W\d_]+)[ \t]*(?:[ \t]and|&|\+)[ \t]+$")  # "FRANK AND BILL", "daisy + will"
COUNT_BEFORE = re.compile(r"(?<![\d./:-])\d+(?:[.,]\d+)?[ \t]$")  # "1.5 MILES", never "17.05.84  FRANK"
DETERMINER_BEFORE = re.compile(r"\b(?i:the|a|an|this|that|no|some|any|his|her|my|their|your|our|i|we|you|they)[ \t]+$")
MEDICINE_WORDS = frozenset(
    {"otc", "patch", "pill", "pills", "tab", "tabs", "tablet", "tablets", "capsule", "capsules", "cream", "gel", "inhaler", "mg", "mcg", "coil"}
)
MEDICINE_AFTER = re.compile(rf"[ \t]+(?i:{'|'.join(sorted(MEDICINE_WORDS))})\b")
SLASHED_AFTER = re.compile(r"[ \t]*/[ \t]*([^\W\d_][\w\-]*)")
SLASHED_BEFORE = re.compile(r"([^\W\d_][\w\-]*)[ \t]*/[ \t]*$")
BRACKETED_AFTER = re.compile(r"([^\W\d_][\w\-]*)[ \t]*\([ \t]*$")  # "FABER (PATRICK)"
FIELD_LABELS = frozenset({"dob", "d.o.b", "nhs", "tel", "mob", "mobile", "phone", "addr", "address", "email", "age"})
# What is said of a medicine, never of a person: "On Yasmin", "stop Yasmin", "switch to Hana".
DRUG_BEFORE = re.compile(
    r"(?:^|[\s.;:,])(?i:on|stop|stopped|started|restart|restarted|continue|cont|switch(?:ed)?[ \t]+to|"
    r"change(?:d)?[ \t]+to|prescribed|trial[ \t]+of|rx|treated[ \t]+with|tx[ \t]+with|given[ \t]+(?:a[ \t]+)?(?:dose[ \t]+of[ \t]+)?)[ \t]+$"
)
AGENCY_AFTER_RELATION = re.compile(
    r"(?:['’]s)?[ \t]+(?i:services?|social[ \t]+care|centre|center|ward|unit|hospital|team|home|hospice|support|liaison|"
    r"court|hub|nurse|workers?|practitioner|therapy|group)\b"
)
LIST_ITEM_BEFORE = re.compile(r"([^\W_]+)[ \t]*[,/][ \t]*$")
LIST_ITEM_AFTER = re.compile(r"[ \t]*[,/][ \t]*([^\W_]+)")
DETERMINERS = frozenset(
    {"a", "an", "the", "this", "that", "these", "those", "my", "his", "her", "our", "their", "your", "every", "each", "any", "no"}
)
# A full stop that ends a sentence, not an abbreviation's ("Dr.", "Prof.", "St.")
SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\b(?i:dr|mr|ms|st|sr|rn|no))(?<!\b(?i:drs|mrs|rev))(?<!\b(?i:prof|capt))\.[ \t]+")
PAID_CARER_WORDS = frozenset({"carer", "carers"})
CARE_SETTING = re.compile(
    r"^[ \t]*Resident[ \t]*:|\b(?i:care home|nursing home|residential home|care agency|homecare agency|domiciliary care|reablement)\b",
    re.M,
)
NICKNAME_AFTER = re.compile(r"[ \t]*\n?[ \t]*\([ \t]*[\"“'‘]([^\W\d_]{2,})[\"”'’][ \t]*[),]")  # ("Flori"), ("Tank", 24)
# "hi its chiamaka (everyone calls me chi-chi)": the writer of a message, the patient
CALLS_ME = re.compile(r"\b(?i:everyone|people|friends|family|they)[ \t]+(?i:calls?)[ \t]+me[ \t]+[\"“'‘]?([^\W\d_]{2,}(?:-[^\W\d_]+)?)")
OWN_ALIAS = re.compile(  # "Goes by Barney.", "Known to everyone as Mimi.", a header's "KNOWN AS: BILLY"
    r"(?:^|[.!?][ \t]+|[ \t]{2,})[ \t]*(?i:goes[ \t]+by|known(?:[ \t]+to[ \t]+(?:everyone|all|friends|family))?[ \t]+as|prefers(?:[ \t]+to[ \t]+be[ \t]+called)?|"
    r"likes[ \t]+to[ \t]+be[ \t]+called)[ \t]*:?[ \t]+[\"“'‘]?([A-Z][a-z]+|[A-Z]{2,})\b",
    re.M,
)
# The name someone goes by, in quotes after what says so: "known to him as "Tank and
# Shaz"", "gave his name as "Biscuit"": a person, though the word may be everyday.
ALIAS = re.compile(
    r"\b(?i:(?:known|referred[ \t]+to)(?:[ \t]+to(?:[ \t]+[^\W\d_]+){1,2})?[ \t]+as|gave[ \t]+(?:his|her|their)[ \t]+names?[ \t]+as"
    r"|goes[ \t]+by|calls?[ \t]+(?:himself|herself|themselves)|nicknamed|aka)[ \t]*[\"“'‘]"
    rf"(?P<names>{NAME_WORD}(?:[ \t]+{SURNAME_WORD})?(?:[ \t]*(?:,|and|&)[ \t]*{NAME_WORD})*)[\"”'’]"
)
ALIAS_NAME = re.compile(rf"{NAME_WORD}(?:[ \t]+(?!and\b){SURNAME_WORD})?")
WORD_BEFORE_NAME = re.compile(r"([^\W\d_]+)[ \t]+$")
GOES_BY_FULL = re.compile(r"([^\W\d_]{2,})[ \t]*\([ \t]*([^\W\d_]+)[ \t]+([^\W\d_'’-]+)[ \t]*\)")
GOES_BY = re.compile(
    r"([^\W\d_]+)[ \t]*\((?:(?i:prefers|known as|aka|he prefers|she prefers)[ \t]+)?[\"“'‘]?([^\W\d_]{2,})[\"”'’]?\)"
)
# "Mr D Nowak (patient)", "Mr B. Hope (patient copy - ...)"; never "(Patient Services)"
PATIENT_AFTER = re.compile(r"[ \t]*\((?i:patient|pt)(?:[ \t]+(?i:copy|only))?[ \t]*[)\-–,]")
# "BIRTH NAME PAUL ANTHONY KERSHAW", "her birth name, Jonathan Hirst": the patient's own
BIRTH_NAME_BEFORE = re.compile(
    r"\b(?i:birth[ \t]+name|name[ \t]+at[ \t]+birth|previous[ \t]+name|former[ \t]+name|"
    r"previously[ \t]+known[ \t]+as|formerly[ \t]+known[ \t]+as|born[ \t]+as|dead[ \t]?name|n[eé]e(?=[ \t]*:))[ \t]*(?:(?i:was|is)[ \t]+)?[:,\-]?[ \t]*$"
)
# "PER DOUGLASS WILL HOLD", "as per Priya": whose instruction a plan follows, a clinician's
PER_BEFORE = re.compile(r"\b(?i:per)[ \t]+$")
ORGANISATION_AFTER = re.compile(
    r"[ \t]+(?:[\w&\-]+[ \t]+){0,3}(?i:service|services|team|trust|centre|center|clinic|practice|surgery|"
    r"hospital|hosp|unit|department|partnership|podiatry|pharmacy|locality|hub|charity|pool|gym|leisure)\b"
)
NICKNAMED = re.compile(rf"(?P<first>{NAME_WORD})[ \t]+(?:\({NAME_WORD}\)|[\"“]{NAME_WORD}[\"”])[ \t]+{SURNAME_WORD}\b")  # or Richard "Rich" GASKELL
# A child listed with an age after a relation word: "children (Ruby 6, Miles 3)".
CHILD_WITH_AGE = re.compile(
    rf"[(,;:][ \t]*(?:and[ \t]+)?(?P<name>{NAME_WORD})[ \t]*(?:\(|,)?[ \t]*(?:aged[ \t]+)?\d{{1,2}}"
    r"(?:[ \t]*(?:yrs?|years?|y/?o|months?|mo|/12|/52))?\)?(?=[ \t]*[,;)\n.]|[ \t]+and\b|$)",
    re.M,
)
# A married name and the name before it: "Rose (nee Doyle)", "SUSAN HEPWORTH, NEE BARRACLOUGH".
_WORD = r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))+"  # "O'Neill", "Smith-Jones"
MAIDEN_NAME = re.compile(rf"[ \t]*[(,][ \t]*(?i:nee|née|formerly|prev|previously)[ \t]+(?P<maiden>{_WORD})")
WORDS_BEFORE = re.compile(rf"({_WORD})(?:[ \t]+({_WORD}))?$")
# A name straight after a social-history or visitors label, doing what visitors do.
VISITOR = re.compile(
    r"\b(?i:social|visitors?|family)[ \t]*:[ \t]*(?P<name>[A-Za-z][a-z]+)"
    r"(?=[ \t]+(?i:called|visited|phoned|rang|came|in[ \t]+to|here|at[ \t]+bedside)\b)"
)
POSSESSIVE_CONTACT = re.compile(
    rf"\b(?P<name>{NAME_WORD})['’]s[ \t]+(?i:tel|telephone|mobile|mob|number|phone|landline|email|address)\b"
)
# A full name with a phone number or its label right after it: someone to contact.
CONTACT_AFTER = re.compile(
    rf"(?P<name>{NAME_WORD}[ ]{NAME_WORD})(?=[ \t]*(?:\(?(?i:cell|home|mobile|mob|tel|phone)\b[ \t#:.)]*)?[ \t]*\+?\(?\d{{3}})"
)
LABEL_AFTER = re.compile(r"[ \t]*(?::|of\b)")
# "LETTER JESSOP HOSPITAL FERTILITY UNIT, MR R. OAKLEY", "REF MR J. LUMB GYNAE": a
# titled name writing for a unit, or a referral's consultant
UNIT_BEFORE = re.compile(
    rf"(?:\b(?i:hospital|unit|clinic|department|dept|service)[ \t]*[,:(\-–]"
    rf"|\b(?i:ref|refer|referred|referral|letter[ \t]+from)(?:[ \t]+(?i:to))?)[ \t]*(?:{COURTESY}[ \t]+)?$"
)
FIELD_BEFORE = re.compile(r"[ \t]*[^\W\d_][^\n:]{0,40}:[ \t]*(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?[ \t]+)?")
FIELD_LINE = re.compile(r"[ \t]*[^\W\d_][\w /&'’-]{0,30}:")
DETAILS_AFTER = re.compile(r"[ \t(,]*(?i:dob|d\.o\.b\.?|born|b\.|nhs)\b")
HEADER_LABEL = re.compile(r"[ \t]*[^\W\d_]+[ \t]*:[ \t]*")
NEXT_LINE_LABEL = re.compile(r"[^\n:]{0,30}:")
HYPHEN_WRAP = re.compile(rf"-[ \t]*\n[ \t]*{SURNAME_WORD}\b")
PAREN_NAME = re.compile(rf"\((?P<name>{NAME_WORD}(?:(?:[ ]|[ \t]*\n[ \t]*){SURNAME_WORD})?)(?:\)|,)")  # "(Luca)", "(Morag Fairbairn, 07700 ...)"
NER_SEPARATOR = re.compile(r"-{2,}|[ \t]+[-–][ \t]+|[;,()\n]|\.[ \t]+|[ \t]{2,}")
# "Kind regards, Summer Hayes, Corve Valley Surgery", "cc: Ms Joy Ogunleye, Kingsmead Health Centre"
PRACTICE_AFTER = re.compile(
    r"[ \t]*,[ \t]*(?:[A-Z][\w'’&\-]*[ \t]+){1,4}(?:Surgery|Practice|Medical[ \t]+Centre|Health[ \t]+Centre|Medical[ \t]+Group)\b"
)
# What the model, the first-name list or a name's shape say alone: no word beside the name.
WEAK_EVIDENCE = frozenset({"ner", "forename", "name-shape"})
THE_BEFORE = re.compile(r"\bthe[ \t]+$")
HYPHENED_BEFORE = re.compile(r"([^\W\d_]+)-$")
TERM_BEFORE = re.compile(r"([^\W\d_]+)[ \t]+$")
MONTHS = frozenset(m.lower() for m in calendar.month_name if m)
MONTH_ABBREVIATIONS = frozenset(m.lower() for m in calendar.month_abbr if m) | {"sept"}
MONTH_BEFORE = re.compile(
    r"\b(?i:since|in|on|from|until|till|by|of|for|during|last|next|this|early|mid|late|before|after|end|start)[ \t]+$"
)
# "lives in Paris", "moved from Chester to Pontypridd": a place, whatever names it shares
PLACE_BEFORE = re.compile(
    r"\b(?i:(?:lives?|living|lived|moved|based|born|staying|stays|stayed|settled|emigrated|relocated|works?|working)"
    r"[ \t]+(?:in|at|to|from|near|back[ \t]+to)|moved[ \t]+from[ \t]+\w+[ \t]+to)[ \t]+$"
)
PLACE_AFTER = re.compile(
    r"[ \t]+(?i:hospital|hosp|infirmary|surgery|practice|school|primary|academy|college|road|street|lane|health[ \t]+centre|"
    r"medical[ \t]+(?:centre|practice)|pharmacy)\b"
)
MONTH_AFTER = re.compile(r"[ \t]+(?:\d|(?i:last|next|this)[ \t]+year\b)")
NAME_PARTICLES = frozenset(
    {"de", "van", "von", "bin", "binti", "al", "da", "le", "la", "du", "del", "der", "ibn"}
)
# "Mrs Faith de Souza", "Mr Jan van der Berg": lower-case particles inside a surname
PARTICLES = rf"(?:(?:{'|'.join(sorted(NAME_PARTICLES))})[ ])*"
FEMALE_TITLES = frozenset({"mrs", "ms", "miss"})
# "Interpreter: Tigrinya, Mr Tesfaldet ABRAHA", "Interpreter used - Vietnamese, Mr Duc TRAN"
INTERPRETER_LINE = re.compile(rf"[ \t]*(?i:interpreter|interpreting)\b[^\n()]{{0,40}}[:,\-][ \t]*(?:{COURTESY}[ \t]+)?$")
# what follows a name in an attendance list: the line's end, its organisation or role
ATTENDANCE_AFTER = re.compile(r"[ \t]*(?:$|,|\(|[-–][ \t])", re.M)
HOUSE_NUMBER_BEFORE = re.compile(r"\d+[A-Za-z]?,?[ \t]+$")
COURTESY_WORDS = frozenset({"mr", "mrs", "ms", "miss", "mx", "master"})  # "Ms Sophie LANE" is no street
MALE_TITLES = frozenset({"mr", "master"})


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    evidence: set[str] = field(default_factory=set)
    relation: str | None = None  # the relation word that anchored it, if any
    title: str | None = None  # courtesy or professional title before it


@dataclass(frozen=True, slots=True)
class Judgement:
    category: Category
    score: float
    rule: str
    reason: str


# Words that head a list of relatives rather than name one relation.
GROUP_LABELS = frozenset({"family", "family member", "relatives", "household"})


@dataclass
class NameMemory:
    """The names judged so far in a long record read window by window: each name token's
    judgement, and the pairs of words that make a third party's whole name."""

    registry: dict[str, Judgement] = field(default_factory=dict)
    pairs: set[tuple[str, str]] = field(default_factory=set)

    def remember(self, registry: dict[str, Judgement], pairs: set[tuple[str, str]]) -> None:
        for token, judgement in registry.items():
            previous = self.registry.get(token)
            if previous is None or _rank(judgement) > _rank(previous):
                self.registry[token] = judgement
        self.pairs |= pairs


def _coverage(findings: Iterable[Finding]) -> Callable[[int], bool]:
    """Whether an offset lies inside any of the findings, by bisection (long records have
    thousands)."""
    spans = sorted((f.start, f.end) for f in findings)
    starts = [start for start, _ in spans]
    reach = list(accumulate((end for _, end in spans), max))  # furthest end so far

    def is_covered(offset: int) -> bool:
        index = bisect_right(starts, offset) - 1
        return index >= 0 and reach[index] > offset

    return is_covered


def _patient_tokens(text: str, patient: Patient, known_forenames: frozenset[str] = frozenset()) -> set[str]:
    """The patient's name as words, with the short forms and the everyday name they go by."""
    forenames = {w for name in patient.forenames for w in _name_tokens(name)}
    # A short form of the patient's first name is theirs too ("Vince" for Vincent, "Jess",
    # and "Bea" for Beatrix where the forename list knows it as a name).
    forenames |= {
        f[:n]
        for name in patient.forenames
        for f in _name_tokens(name)
        for n in range(3, len(f))
        if n > 3 or f[:n] in known_forenames
    }
    surnames = set(_name_tokens(patient.surname or ""))
    # "Anthony (prefers Tony)", "Bernard (\"Bernie\")": the patient's everyday name, anywhere;
    # after the surname only with the patient's first name before it (the wife's
    # "Marjorie OPENSHAW (\"Madge\")" is not the patient's)
    goes_by = set()
    for match in GOES_BY.finditer(text):
        word = match.group(1).lower()
        before = WORD_BEFORE_NAME.search(text, max(0, match.start() - 30), match.start())
        if word in forenames or (word in surnames and before and before.group(1).lower() in forenames):
            goes_by.add(match.group(2).lower())
    # "Goes by Barney.": a sentence with no subject says what the patient is called
    for match in OWN_ALIAS.finditer(text):
        before = match.start()  # the last character before it that is not blank (no copy of the text)
        while before > 0 and text[before - 1] in " \t\n":
            before -= 1
        if text[before - 1 : before] in (",", "(", "-"):
            continue  # "... her birth mother, Margaret Knox,\nknown as "Peggy"": a wrapped line, someone else's
        if match.group(1).lower() in known_forenames:
            goes_by.add(match.group(1).lower())
    goes_by |= {match.group(1).lower() for match in CALLS_ME.finditer(text)}
    # "Regards, Ronnie (Rhona Gillespie)": a name followed by the patient's whole name
    for match in GOES_BY_FULL.finditer(text):
        if match.group(2).lower() in forenames and match.group(3).lower() in surnames:
            goes_by.add(match.group(1).lower())
    tokens = forenames | surnames | goes_by
    return tokens | {_unaccented(t) for t in tokens}  # "Eglė" in the header, "egle" in her message


def _unaccented(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


class PeopleJudge:
    """Built once per process; `judge` runs per document."""

    def __init__(self, people: People, staff: Iterable[str] = ()) -> None:
        self.people = people
        self.vocabulary = Vocabulary.from_people(people)
        relation = alternation(people.relations, suffix="s?")
        role_any_case = alternation(people.professional_words)
        role_acronyms = alternation(people.professional_acronyms)
        self.role_before = re.compile(
            rf"(?:\b(?i:{role_any_case})|\b(?:{role_acronyms}))\.?(?:[ \t]+(?:\d+|[A-Z]\.?))?[ \t]*[:\-(,]?[ \t]*"
            rf"(?:{COURTESY}[ \t]+)?(?:[A-Z]\.[ \t]*)*$"  # "Healthcare Admin (J. Kirk)"
        )
        self.agency_line = re.compile(
            rf"[ \t]*(?:\d+[.)][ \t]*)?(?:[\w'’&,]+[ \t]+){{0,5}}?\b(?i:{alternation(people.agencies)})\b[^\n:\-–]{{0,50}}?"
            rf"[ \t]*[-–:][ \t]*(?:{COURTESY}[ \t]+|(?:{role_acronyms})[ \t]+)?$"
        )
        self.agency_before = re.compile(
            rf"\b(?i:{alternation(people.agencies)})[ \t]*[:(][ \t]*{COURTESY}[ \t]+$"
        )
        # "DR CAMARDA AND CLIFFORD", "Drs Joseph and Robbinson": the second name shares the title
        self.role_coordinated = re.compile(
            rf"(?:\b(?i:drs?|dr['’]s|doctors|{role_any_case})|\b(?:{role_acronyms}))\.?[ \t]+"
            rf"(?:[A-Za-z.'’\-]+[ \t]+){{1,3}}(?i:and|&)[ \t]+$"
        )
        self.role_after = re.compile(
            # "(Consultant HPB Surgeon)", ", Head of Year 10 and Deputy DSL", "(Parkinson's Disease
            # Nurse Specialist)" (not "(Frank's sister)"), or a role word right after
            rf"^(?:[ \t]*(?:,|\.?[ \t]*\(|-|–)[ \t]*(?:the[ \t]+|a[ \t]+|our[ \t]+)?(?:[A-Za-z0-9&\-]+(?:['’]s(?=[ \t]+(?i:disease|syndrome|nurse|specialist)))?[ \t]+){{0,5}}|[ \t]+)"
            # ... but not the role of the next person named ("Marlon REID - PC Brennan"); a
            # role word may be followed by its specialty ("Consultant Old Age Psychiatrist")
            rf"(?:\b(?i:{role_any_case})\b|\b(?:{role_acronyms})\b(?![ \t][A-Z][a-z]))"
        )
        # a name alone on its line, its role on the next ("Karen MBEKI\nIndependent Conference Chair")
        self.role_next_line = re.compile(
            rf"^[ \t]+(?:[\w&\-]+[ \t]+){{0,3}}(?:\b(?i:{role_any_case})\b|\b(?:{role_acronyms})\b)"
        )
        self.relation_before = re.compile(
            rf"\b(?i:(?:her|his|their|pt'?s|patient'?s|the|my|your|and|whose)[ \t]+)?(?P<rel>(?i:{relation}))"
            # "father of baby: Mark BROOK"
            rf"(?i:[ \t-]in[ \t-]law|[ \t]+of[ \t]+(?:the[ \t]+)?(?:baby|babies|child|children|infant|twins))?"
            rf"(?:'s)?[ \t]*(?:\(\?\)|[-–—:,(>=/]){{0,4}}[ \t]*(?:(?i:called|named|is|was|-)[ \t]+)?$"
        )
        self.relation_after = re.compile(
            rf"^(?:[ \t]*\([ \t]*(?i:her|his|their|my|our|pt'?s|patient'?s|the|aged \d+,?)?[ \t]*{KIN_ADJECTIVE}(?P<rel1>(?i:{relation}))\b(?!['’]s)"
            rf"|[ \t]*,[ \t]*(?i:her|his|their|my|our|pt'?s|patient'?s|the)[ \t]+{KIN_ADJECTIVE}(?P<rel2>(?i:{relation}))\b"
            # "i havent told rich my boyfriend and", "summer my best mate had": a message's apposition
            rf"|[ \t]+(?i:my)[ \t]+{KIN_ADJECTIVE}(?P<rel5>(?i:{relation}))s?\b(?=[ \t]*(?:[,.;)]|(?i:and|who|but|had|has|is|was)\b|$))"
            rf"|[ \t]+[-–][ \t]+(?i:her|his|their|pt'?s|patient'?s|the)?[ \t]*(?P<rel4>(?i:{relation}))\b(?!['’]s)"
            rf"|[ \t]+(?:\((?i:aged )?\d+\)[ \t]+)?(?i:is|was)[ \t]+(?i:her|his|their|pt'?s|patient'?s|the)[ \t]+(?P<rel3>(?i:{relation}))\b)"
        )
        self.anchored = re.compile(  # "my birth mum was\ndawn hall": "is"/"was" may bridge them
            rf"(?P<rel>\b(?i:{relation}))(?i:[ \t-]in[ \t-]law)?(?:'s)?(?:[ \t]+(?i:is|was))?{JOIN}(?P<name>{NAME})"
        )
        self.relation_word = re.compile(rf"\b(?i:{relation})\b")
        self.quoted_after_relation = re.compile(
            rf"\b(?P<rel>(?i:{relation}))[ \t]*[\"“‘](?P<name>[{UP}][\w'’]*(?:-[\w'’]+)?(?:[ ][{UP}][\w'’]+)?)[\"”’]"
        )
        self.owner_of_relation = re.compile(rf"['’]s[ \t]+(?i:{relation})\b")
        self.courtesy = re.compile(  # "Mrs\nKowalczyk": a letter's line may fall between them
            rf"\b(?P<title>{COURTESY})(?:[ \t]+|[ \t]*\n[ \t]*)(?P<name>{INITIALS}{PARTICLES}{SURNAME_WORD}(?:[ ]{PARTICLES}{SURNAME_WORD})?)"
        )
        self.role_titled = re.compile(
            rf"\b(?:Drs|Dr['’]s|Dr|Doctor|Prof|Professor|Nurse|Sister|Midwife|SW|HV|PC|DC|DS|DI|CPN|ANP|HCA|NP)\.?[ \t]+"
            rf"(?P<name>{INITIALS}{SURNAME_WORD}(?:[ ]{SURNAME_WORD})?)"
        )
        # "Helen from case management", "Jo from the school nursing team": in role.
        self.from_organisation = re.compile(
            # ... or the department written straight after ("martin carey ethics support dept")
            rf"^[ \t]+(?:(?i:from)[ \t]+(?i:the[ \t]+)?(?:[A-Za-z&]+[ \t]+){{0,3}}?|(?=(?:[A-Za-z&]+[ \t]+){{0,3}}(?i:team|services|department|dept)\b)(?:[A-Za-z&]+[ \t]+){{0,3}})"
            rf"(?:(?i:{role_any_case}|team|services?|department|dept|management|"
            rf"unit|clinic|hospice|agency|council|surgery|practice|pharmacy|ward|speech|physio\w*)\b|\b(?:{role_acronyms})\b)"
        )
        # "Robert V. Degiorgio": a middle initial inside the name
        self.capitalised = re.compile(rf"\b(?P<name>{NAME_WORD}(?:[ ](?:[{UP}]\.[ ])?{SURNAME_WORD}){{0,2}})")
        self.staff = [_name_tokens(s) for s in staff if s.strip()]
        self.person_verb = re.compile(rf"[ \t]+{alternation(people.info_verbs)}\b", re.IGNORECASE)
        animal = rf"(?i:{alternation(people.animals)})s?" if people.animals else r"(?!)"
        # "Joey (budgie)", "Tilly (the home's cat)", "Meg, the dog"; "his dog Bramble", "the cat, Tilly"
        self.pet_after = re.compile(rf"[ \t]*(?:\([^()\n]{{0,20}}\b{animal}[ \t]*\)|,?[ \t]+(?i:the|his|her|their|our|my)[ \t]+{animal}\b)")
        self.pet_before = re.compile(rf"\b{animal}[ \t]*(?:,?[ \t]+(?:(?i:called|named)[ \t]+)?|\([ \t]*)$")  # "budgie (Joey)"

    # --- candidates -------------------------------------------------------

    def candidates(
        self, text: str, ner_spans: Iterable[tuple[int, int]], written: str | None = None
    ) -> list[Candidate]:
        """Name candidates in `text` (the truecased view); `written` is the record as
        written, for what only its case tells ("Ruby BAKER": a surname)."""
        written = text if written is None else written
        found: dict[tuple[int, int], Candidate] = {}

        def add(start: int, end: int, evidence: str, **extra: str | None) -> None:
            lower_names = evidence == "ner" and not written_small(written, start, end)
            start, end = self._trim(text, start, end, lower_names=lower_names)
            if start >= end:
                return
            candidate = found.setdefault((start, end), Candidate(start, end))
            candidate.evidence.add(evidence)
            for key, value in extra.items():
                if value and not getattr(candidate, key):
                    setattr(candidate, key, value)

        ner_spans = list(ner_spans)
        ner_starts = {start for start, _ in ner_spans}
        for start, end in ner_spans:
            # NER runs names together across list punctuation ("Marlon REID - PC Brennan").
            piece_start = start
            for cut in NER_SEPARATOR.finditer(text, start, end):
                add(piece_start, cut.start(), "ner")
                piece_start = cut.end()
            add(piece_start, end, "ner")
        for match in self.anchored.finditer(text):
            relation = match.group("rel").lower()
            name = match.group("name")
            if _nursing_title(text, match.start("rel"), match.group("rel")) or not (
                self._may_be_name(name)
                or (  # "her partner Big Kev", "nan Nana Pat": a nickname's first word
                    len(name.split()) > 1
                    and name.split()[0].lower() in KIN_NICKNAME_WORDS
                    and self._may_be_name(name.split(None, 1)[1])
                )
                or self.vocabulary.modal_name(name.split()[0].lower(), text, match.start("name") + len(name.split()[0]))
                or self.vocabulary.reported_name(name.split()[0].lower(), text, match.start("name") + len(name.split()[0]))
                # "Granddaughter Sky (14, ...)": a capital after a relation word that the model reads as a name
                or (name[:1].isupper() and not name.split()[0].isupper() and match.start("name") in ner_starts)
                or (  # "Sibling: River WOOD": a surname as EMIS writes it
                    NAME_SHAPE.fullmatch(name)
                    and (name.split()[-1].lower() in self.people.surnames or name.split()[-1].lower() not in self.people.english)
                )
            ):
                continue  # "our CNS, Sister Julie", "with partner Present", "son will visit"
            if relation in GROUP_LABELS and self.owner_of_relation.match(text, match.end("name")):
                continue  # "Family: Jessica's mother Mrs ...": Jessica is whose mother she is
            if "\n" in text[match.end("rel") : match.start("name")] and NEXT_LINE_LABEL.match(text, match.start("name")):
                continue  # "seen with maternal grandad\nAudiology result: ...": a new line's heading
            add(match.start("name"), match.end("name"), "relation", relation=relation)
            position = match.end("name")
            while (
                (more := COORDINATED.match(text, position))
                and self._may_be_name(more.group("name"))
                and not self._a_place(_name_tokens(more.group("name")))  # "Frank and Ivy REED, Birkenhead"
            ):
                add(more.start("name"), more.end("name"), "relation", relation=relation)
                position = more.end()
        for match in self.quoted_after_relation.finditer(text):  # grandad "Pops", his cousin 'J-Dog'
            add(match.start("name"), match.end("name"), "relation", relation=match.group("rel").lower())
        for match in ALIAS.finditer(text):  # known to him as "Tank and Shaz"
            for name in ALIAS_NAME.finditer(text, match.start("names"), match.end("names")):
                add(name.start(), name.end(), "alias")
        for match in NICKNAMED.finditer(text):  # "SON WILLIAM (BILL) O'SULLIVAN": one person
            if match.group("first").lower() in self.vocabulary.forenames:
                add(match.start(), match.end(), "forename")
            elif self.relation_before.search(text, max(0, match.start() - 30), match.start()):
                add(match.start(), match.end(), "relation")  # "Her sister, Chidinma (Chi) Okonjo"
        for match in CHILD_WITH_AGE.finditer(text):  # "2 children (Ruby 6, Miles 3)"
            line_start = text.rfind("\n", 0, match.start()) + 1
            relation = self.relation_word.search(text, max(line_start, match.start() - 80), match.start())
            if relation and self._may_be_name(match.group("name")):
                add(match.start("name"), match.end("name"), "relation", relation=relation.group().lower())
        for match in MAIDEN_NAME.finditer(text):  # "MARRIED 1950 TO ROSE (NEE DOYLE)", "SUSAN HEPWORTH, NEE ..."
            before = WORDS_BEFORE.search(text, max(0, match.start() - 40), match.start())
            if before is None or match.group("maiden").lower() not in self.people.surnames:
                continue
            words = [(before.start(i), before.group(i)) for i in (1, 2) if before.group(i)]
            named = [w for w in words if w[1].lower() in self.vocabulary.forenames or self._known_name(w[1].lower())]
            if named:
                start = named[0][0]
                add(start, before.end(), "relation", relation="née")
                add(match.start("maiden"), match.end("maiden"), "relation", relation="née")
        for match in VISITOR.finditer(text):  # "social: bob visited during the evening"
            if match.group("name").lower() in self.people.forenames:
                add(match.start("name"), match.end("name"), "relation", relation="visitor")
        for match in POSSESSIVE_CONTACT.finditer(text):  # "Walter's tel is 01632 ..."
            if match.group("name").lower() in self.vocabulary.forenames:
                add(match.start("name"), match.end("name"), "contact")
        for match in CONTACT_AFTER.finditer(text):  # "Lopie Certusi cell# 410-...", "Jo Bell 07700 ..."
            words = match.group("name").lower().split()
            if not any(w in self.people.english or w in self.people.clinical for w in words):
                add(match.start("name"), match.end("name"), "contact")
        for match in PAREN_NAME.finditer(text):  # "a partner she met online (Luca)"
            line_start = text.rfind("\n", 0, match.start()) + 1
            relation = self.relation_word.search(text, max(line_start, match.start() - 60), match.start())
            if relation and AGENCY_AFTER_RELATION.match(text, relation.end()):
                continue  # "Children's services (Halbeck)": an agency, not a child
            if relation and self._may_be_name(match.group("name")):
                add(match.start("name"), match.end("name"), "relation", relation=relation.group().lower())
        for match in self.courtesy.finditer(text):
            add(match.start("name"), match.end("name"), "title", title=match.group("title"))
        for match in self.role_titled.finditer(text):
            add(match.start("name"), match.end("name"), "role")
            position = match.end("name")  # "Drs Ferullo and Saeed" (not "Dr Shah and Andy")
            plural = text[match.start() : match.start("name")].lower().startswith(("drs", "dr's", "dr’s"))
            while plural and (more := COORDINATED.match(text, position)) and self._may_be_name(more.group("name")):
                add(more.start("name"), more.end("name"), "role")
                position = more.end()
        for match in self.capitalised.finditer(text):
            words = match.group("name").split()
            first = words[0].lower()
            # A common first name is a name on its own; a rarer one ("Kenya", "Thu") or an
            # everyday word ("Will", "Grace") only with a surname beside it.
            if (
                first in self.people.common_forenames
                or (len(words) > 1 and self._known_name(first))
                or (self._rare_forename(first) and not SENTENCE_START.search(text, max(0, match.start() - 20), match.start()))
            ):
                add(match.start(), match.end(), "forename")
            line_end = text.find("\n", match.end())
            after = text[match.end() : line_end if line_end != -1 else len(text)]
            if len(match.group("name").split()) > 1 and self.role_after.match(after):
                add(match.start(), match.end(), "role")  # "Clare Devlin - Designated Safeguarding Lead"
            if AGE_AFTER.match(after):
                add(match.start(), match.end(), "age")  # "Tobi (he's 9)", "Ebuka, 7 yrs"
            relation = self._relation_after(after)
            if relation and self._may_be_name(match.group("name")):  # "Chinedu OKONKWO (husband)"
                rel = next(g for g in relation.groups() if g)
                add(match.start(), match.end(), "relation", relation=rel.lower())
        for match in NAME_SHAPE.finditer(text):
            words = match.group().lower().split()
            if not any(w in self.people.not_names for w in words):
                add(match.start(), match.end(), "name-shape")
        return [self._surname_after(written, self._unwrap(text, c, written)) for c in self._merge(list(found.values()))]

    def _rare_forename(self, word: str) -> bool:
        """A gazetteer first name that is no English, clinical or place word ("Suzette"):
        a name when written capitalised mid-sentence ("ask to page Suzette")."""
        people = self.people
        return (
            word in people.forenames
            and word not in people.proper_nouns
            and word not in people.common_forenames
            and word not in people.english
            and word not in people.clinical
        )

    def _may_be_name(self, name: str) -> bool:
        """The first word after a relation word can be a name: not a grammatical,
        reporting, clinical or everyday word ("with partner present", "mum smokes",
        "wife said"), unless the forename gazetteer knows it ("son Bill")."""
        written = [w.strip("'’.") for w in name.split()]
        if written[0].lower() in COURTESY_WORDS and len(written) > 1:
            written.pop(0)  # "Partner: Mr Tomasz Nowak"
        first = written[0].lower()
        if first in COURTESY_WORDS:
            return False
        # "Son, Ed, was updated": a first name written as one, though "ED" is an abbreviation
        if written[0].istitle() and first in self.vocabulary.forenames:
            return first not in self.vocabulary.function_words
        return self.vocabulary.anchored_name(first)

    def _unwrap(self, text: str, candidate: Candidate, written: str) -> Candidate:
        """A first name at the end of a line whose surname starts the next one; a
        hyphenated surname broken at its hyphen ("Okafor-\nHunt", "ASPINALL-\nDRAKE", read
        as written: the truecased view may have made "DRAKE" a word)."""
        hyphen = HYPHEN_WRAP.match(written, candidate.end - (written[candidate.end - 1 : candidate.end] == "-"))
        if hyphen:
            candidate.end = hyphen.end()
            return candidate
        wrapped = WRAPPED_SURNAME.match(text, candidate.end)
        words = [w for w in text[candidate.start : candidate.end].lower().split() if w.strip(".") not in COURTESY_WORDS]
        word = words[0] if len(words) == 1 else ""  # one first name (after a title) ends the line
        if wrapped and (
            self._known_name(word)
            or candidate.title is not None
            or ("ner" in candidate.evidence and wrapped.group("name").lower() in self.people.surnames)
        ):  # "Beatrix\nQuennell", "Mr Ifan\nCross", "a known donor, Femi\nOkonkwo" (the model's name)
            surname = wrapped.group("name").lower()
            people = self.people
            everyday = surname in people.english or surname in people.clinical
            # a relative's surname may be a word too ("nephew Jack\nPickles"), never a label
            relatives = (candidate.relation is not None or candidate.title is not None) and surname in people.surnames
            label = LABEL_AFTER.match(text, wrapped.end("name"))
            if surname not in people.function_words and (not everyday or (relatives and not label)):
                candidate.end = wrapped.end("name")  # "Beatrix\nQuennell"
        return candidate

    def _surname_after(self, written: str, candidate: Candidate) -> Candidate:
        """A first name followed by a gazetteer surname that is also a word, written as
        the record writes surnames: in capitals after a first name that is not ("Ruby
        BAKER", EMIS's style), or in lower case in a lower-case message ("birth mum lisa
        baker"). Read from the record as written: the truecased view may have made
        "BAKER" a word again. Left out, the surname would be released beside the name."""
        people = self.people
        words = [w for w in written[candidate.start : candidate.end].split() if w.lower().strip(".") not in COURTESY_WORDS]
        after = SURNAME_AFTER.match(written, candidate.end) if len(words) == 1 else None
        if after is not None:
            first, surname, end = words[0], after.group("name"), after.end()
        elif len(words) == 2:
            (first, surname), end = words, candidate.end
        else:
            return candidate
        lower = surname.lower()
        if (
            not self._known_name(first.lower())
            or lower not in people.surnames
            or lower in people.function_words
            or lower in people.relations
            or lower in FIELD_LABELS
            or self._is_role_word(surname)
            or LABEL_AFTER.match(written, end)
        ):
            return candidate
        capitals = surname.isupper() and len(surname) > 2 and not first.isupper()  # not "Chang PA"
        lower_case = (
            after is not None
            and surname.islower()
            and first.islower()
            # a common word too only after a relation word, ending its clause ("birth mum was dawn hall and")
            and (lower not in people.common_english or (candidate.relation is not None and CLAUSE_END_AFTER.match(written, end)))
            and _lower_case_around(written, end)
        )
        if capitals or lower_case:
            candidate.end = end
            candidate.evidence.add("surname")  # written as a surname: no everyday words ("Teddy BAKER")
        return candidate

    def _trim(self, text: str, start: int, end: int, lower_names: bool = False) -> tuple[int, int]:
        """Drop relation words, titles and stray punctuation from a candidate's edges;
        with `lower_names` (the model's own span) a lower-case word a name list knows
        stays, since the model read its context ("dawn and mark well")."""
        # A name never runs over a line break or a column gap ("Chloe Anne      Sex").
        gap = re.search(r"\n|\f|[ \t]{2,}", text[start:end])
        if gap:
            end = start + gap.start()
        words = list(re.finditer(r"[^\s]+", text[start:end]))
        skip = {"her", "his", "their", "the", "and", "my", "your"}

        def strip(word: str) -> str:
            return word.strip(".,;:()'\"").lower().removesuffix("'s")

        while len(words) > 2 and self._is_role_word(f"{words[0].group()} {words[1].group()}"):
            del words[:2]  # "Outreach worker Marek NOWAK"
        while words and (
            strip(words[0].group()) in self.people.relations
            or strip(words[0].group()) in skip
            or re.fullmatch(COURTESY, words[0].group().strip(",")) is not None
            or self._is_role_word(words[0].group())
        ):
            words.pop(0)
        while words and (
            strip(words[-1].group()) in self.people.relations
            or strip(words[-1].group()) in FIELD_LABELS  # "Ruby Okafor DOB 19/07/1998"
            or self._is_role_word(words[-1].group())
            or (  # "Karen rang": names are capitalised
                not words[-1].group()[0].isupper() and not (lower_names and self._known_name(strip(words[-1].group())))
            )
        ):
            words.pop()
        while (
            words
            and strip(words[0].group()) in MONTHS
            and re.search(r"\d[ \t]*$", text[: start + words[0].start()])
        ):
            words.pop(0)  # "On 21 May Harold was taken...": a date, then the name
        if not words:
            return start, start
        new_start = start + words[0].start()
        head, dash, _ = words[0].group().partition("-")
        if dash and strip(head) in self.people.relations:
            new_start += len(head) + 1  # "daughter-Krissy" as the language model reads it
        new_end = start + words[-1].end()
        while new_end > new_start and text[new_end - 1] in ".,;:)'\"’":
            if text[new_end - 1] in "'’" or text[new_end - 2 : new_end] in ("'s", "’s"):
                break
            new_end -= 1
        if text[new_start:new_end].endswith(("'s", "’s")):
            new_end -= 2
        return new_start, new_end

    def _is_role_word(self, word: str) -> bool:
        bare = word.strip(".,;:()")
        return bare in self.people.professional_acronyms or bare.lower() in self.people.professional_words

    @staticmethod
    def _merge(candidates: list[Candidate]) -> list[Candidate]:
        candidates.sort(key=lambda c: (c.start, -c.end))
        merged: list[Candidate] = []
        for candidate in candidates:
            if merged and candidate.start < merged[-1].end:
                last = merged[-1]
                last.end = max(last.end, candidate.end)
                last.evidence |= candidate.evidence
                last.relation = last.relation or candidate.relation
                last.title = last.title or candidate.title
            else:
                merged.append(candidate)
        return merged

    # --- judgement --------------------------------------------------------

    def judge(
        self,
        text: str,
        ner_spans: Iterable[tuple[int, int]],
        patient: Patient,
        authors: Iterable[str],
        third_parties: Iterable[str] = (),
        memory: NameMemory | None = None,
        written: str | None = None,
    ) -> list[Finding]:
        """Who each name in `text` (the truecased view) is. `memory` carries the names
        judged in the earlier windows of a long record into this one, and this window's
        names on to the next; `written` is the record as written."""
        patient_tokens = _patient_tokens(text, patient, self.people.forenames)
        address_tokens = set(_name_tokens(patient.address or ""))
        known_professionals = [_name_tokens(a) for a in authors] + self.staff
        written_title = patient.title or _usual_title(text, patient.surname)  # as the record writes it
        patient_title = patient.title or self._title_by_name(patient) or written_title
        if _is_a_child(text, patient):
            patient_title = CHILD  # "Ms Bostock" in a two-year-old's record is an adult: not the patient
        # A third party the record's structure names (FHIR RelatedPerson): the parts of
        # their name that are not also the patient's identify them wherever they appear.
        known_third = {
            t
            for name in third_parties
            for t in _name_tokens(name)
            if len(t) > 1 and t not in patient_tokens and t not in self.people.not_names
        }
        first_forename = next((t for name in patient.forenames[:1] for t in _name_tokens(name)), None)
        # In a care home's or a care agency's notes "carer Bogdan" is staff, not family.
        care_setting = CARE_SETTING.search(text) is not None
        titled_registry: dict[tuple[str, object], Judgement] = {}  # ("mrs", "adeyemi") -> judgement
        relatives_titled: dict[tuple[str, str], Judgement] = {}  # ("mrs", "farrant"): a relative's full name
        judged: list[tuple[Candidate, list[str], Judgement]] = []
        for candidate in self.candidates(text, ner_spans, written):
            tokens = _name_tokens(text[candidate.start : candidate.end])
            if not tokens or self._not_a_name(text, candidate, tokens):
                continue
            # "Mrs Adeyemi" again is the same person; where the surname is the patient's
            # own, only the same written name is ("Mrs Lorna Shuttleworth" is not the
            # patient's "Mrs Shuttleworth").
            titled = (
                (candidate.title.lower().strip("."), tokens[-1] if tokens[-1] not in patient_tokens else tuple(tokens))
                if candidate.title
                else None
            )
            judgement = titled_registry.get(titled) if titled else None  # "Mrs Adeyemi" again
            if judgement is None and titled and len(tokens) == 1 and titled[0] != (written_title or "").lower():
                # "Mrs Farrant" after "Mrs Angela Farrant" (her mother) in Ms Farrant's record
                judgement = relatives_titled.get((titled[0], tokens[0]))
            if judgement is not None and judgement.rule in DEFAULT_RULES:
                judgement = None  # judged by default before: what stands beside this mention may say more
            if judgement is None:
                judgement = self._judge_one(
                    text,
                    candidate,
                    tokens,
                    patient_tokens,
                    address_tokens,
                    known_professionals,
                    patient_title,
                    known_third,
                    care_setting,
                    first_forename,
                )
            if judgement is None:
                continue
            if titled:
                if titled_registry.get(titled) is None or titled_registry[titled].rule in DEFAULT_RULES:
                    titled_registry[titled] = judgement
                if judgement.category is Category.THIRD_PARTY_NAME and len(tokens) > 1:
                    relatives_titled.setdefault((titled[0], tokens[-1]), judgement)
            judged.append((candidate, tokens, judgement))

        # One person, one judgement: a name judged by default ("Owner: Tom ABRAHAMS")
        # takes the judgement of the same name where the record says who they are
        # ("Tom ABRAHAMS (IDVA, ...)"), whichever comes first in the text.
        findings: list[Finding] = []
        registry: dict[str, Judgement] = {}  # lower-cased name token -> judgement
        for candidate, tokens, judgement in judged:
            if judgement.rule in DEFAULT_RULES or judgement.rule == "people/professional-role":
                # Never the patient: a name that failed the patient test ("Mrs Ogunleye"
                # in Mr Ogunleye's record) must not become the patient by a shared surname.
                same_person = [
                    j
                    for _, other, j in judged
                    if set(tokens) <= set(other) and j.category is not Category.PATIENT_IDENTIFIER
                ] or [judgement]
                strongest = max(same_person, key=_strength)
                # A role word before a name ("Health visitor: Lily-Mae is meeting her
                # milestones") yields only to a relation word naming the same person.
                overridable = judgement.rule in DEFAULT_RULES or strongest.rule == "people/relation-name"
                if overridable and _strength(strongest) > _strength(judgement):
                    judgement = Judgement(
                        strongest.category, strongest.score, strongest.rule + "+same-name", strongest.reason
                    )
            findings.append(_finding(text, candidate.start, candidate.end, judgement))
            nickname = NICKNAME_AFTER.match(text, candidate.end)
            if nickname and judgement.category is Category.THIRD_PARTY_NAME:
                # "Florentina POPESCU (\"Flori\")": the same person by the name she goes by
                findings.append(_finding(text, nickname.start(1), nickname.end(1), judgement))
                tokens = [*tokens, nickname.group(1).lower()]
            for token in tokens:
                if (
                    judgement.category is Category.THIRD_PARTY_NAME
                    and token in patient_tokens | address_tokens
                ):
                    continue  # a relative sharing the patient's surname: bare surname stays the patient's
                if (
                    len(token) > 1
                    and token not in self.people.not_names
                    and token not in NAME_PARTICLES  # "de" of "de Souza" is no name alone
                    and not self._is_role_word(token)
                ):
                    previous = registry.get(token)
                    if previous is None or _rank(judgement) > _rank(previous):
                        registry[token] = judgement
        # A relative's first name shortened later ("Funmi" for Funmilayo, "Chris"): a prefix
        # of four letters or more that is no word and no one else's name in this record.
        people = self.people
        for _, tokens, judgement in judged:
            if judgement.category is not Category.THIRD_PARTY_NAME or len(tokens[0]) < 6:
                continue
            first = tokens[0]
            for size in range(4, len(first)):
                short = first[:size]
                if short in registry or short in patient_tokens or short in people.english or short in people.clinical:
                    continue
                registry[short] = judgement
        # "chase wood" again, in lower case: a relative's whole name, though both are words
        pairs = {
            pair
            for _, tokens, judgement in judged
            if judgement.category is Category.THIRD_PARTY_NAME
            for pair in pairwise(tokens)
        }
        if memory is not None:
            # A name this window judges itself keeps that judgement; one judged only in an
            # earlier window takes the earlier one.
            for token, judgement in memory.registry.items():
                registry.setdefault(token, judgement)
            memory.remember(registry, pairs)
            pairs = memory.pairs
        findings.extend(self._other_mentions(text, findings, registry, pairs, patient_tokens))
        professional_tokens = {t for name in known_professionals for t in name}
        findings.extend(
            self._known_mentions(text, findings, known_third - professional_tokens, patient_tokens)
        )
        return [_with_courtesy_title(text, f) for f in findings]

    def later_mentions(
        self, text: str, findings: list[Finding], memory: NameMemory, known: set[str], patient: Patient
    ) -> list[Finding]:
        """In an earlier window of a long record, the mentions of names that only a later
        window judged (`known`: the tokens already judged when this window was read)."""
        later = {token: j for token, j in memory.registry.items() if token not in known}
        found = self._other_mentions(text, findings, later, memory.pairs, _patient_tokens(text, patient, self.people.forenames))
        return [_with_courtesy_title(text, f) for f in found]

    def _known_mentions(
        self, text: str, findings: list[Finding], known: set[str], patient_tokens: set[str]
    ) -> list[Finding]:
        """Mentions of a known third party that nothing else caught: the name alone
        ("Karen"), or misspelt ("Shivaun" for RelatedPerson Siobhan)."""
        if not known:
            return []
        is_covered = _coverage(f for f in findings if f.category is Category.THIRD_PARTY_NAME)
        extra = []
        for match in CAPITALISED_WORD.finditer(text):
            word = match.group().lower().removesuffix("'s").removesuffix("’s")
            if is_covered(match.start()) or word in patient_tokens:
                continue
            if word in known:
                judgement = KNOWN_THIRD_PARTY
            elif len(word) >= 4 and word not in self.people.not_names and not self._is_role_word(word):
                if not any(spelt_like(word, name) for name in known):
                    continue
                judgement = KNOWN_THIRD_PARTY_SPELLING
            else:
                continue
            end = match.start() + len(word)
            extra.append(_finding(text, match.start(), end, judgement))
        return extra

    def _among_medicines(self, text: str, candidate: Candidate) -> bool:
        """Beside a medicine or a clinical test, a name is a brand or an eponym: written
        with "/" to a clinical term, followed by a form or "OTC", or in brackets after one."""
        clinical = self.people.clinical
        after = MEDICINE_AFTER.match(text, candidate.end)
        slash_after = SLASHED_AFTER.match(text, candidate.end)
        slash_before = SLASHED_BEFORE.search(text, max(0, candidate.start - 30), candidate.start)
        bracket_before = BRACKETED_AFTER.search(text, max(0, candidate.start - 30), candidate.start)
        return bool(
            after
            or any(word.lower() in MEDICINE_WORDS for word in text[candidate.start : candidate.end].split()[1:])
            or (slash_after and slash_after.group(1).lower() in clinical)
            or (slash_before and slash_before.group(1).lower() in clinical)
            or (bracket_before and bracket_before.group(1).lower() in clinical)
        )

    def _title_by_name(self, patient: Patient) -> str | None:
        """The patient's sex from a first name found on one sex's name lists only: in
        Miles Brown's record "Mrs Brown" is someone else (his mother)."""
        first = next((t for name in patient.forenames for t in _name_tokens(name)), None)
        if first in self.people.male_forenames:
            return "mr"
        if first in self.people.female_forenames:
            return "ms"
        return None

    def _not_a_name(self, text: str, candidate: Candidate, tokens: list[str]) -> bool:
        not_names = self.people.not_names
        written = text[candidate.start : candidate.end]
        titled = candidate.title is not None and candidate.title.lower().strip(".") in COURTESY_WORDS
        # a relative's or a titled person's surname may be a word ("mum's boyfriend Robin
        # WARD", "Mr Ward stood by the door")
        relative = "relation" in candidate.evidence and len(tokens) > 1 and tokens[0] in self.vocabulary.forenames
        surname = (titled or relative) and tokens[-1] in self.people.surnames and written.split()[-1][:1].isupper()
        if all(t in not_names for t in tokens) and not surname and not ("relation" in candidate.evidence and written.istitle()):
            return True  # "ED", "Obs"; but "Son, Ed, was updated"
        if (
            not titled
            and not candidate.evidence & {"relation", "contact", "role"}
            and (
                self.pet_after.match(text, candidate.end)
                or self.pet_before.search(text, max(0, candidate.start - 30), candidate.start)
            )
        ):
            return True  # "feed Joey (budgie)", "walks his dog Bramble": a pet
        opening = " ".join(re.findall(r"[^\W\d_]+", text[candidate.start : candidate.end + 40].lower()))
        if any(opening == name or opening.startswith(name + " ") for name in self.people.eponymous):
            return True  # "Marie Curie night sitter", "Simon Broome criteria", "DIANA PRINCESS OF WALES HOSP"
        if len(tokens) == 1 and len(tokens[0]) <= 4 and not titled and not candidate.evidence & {"relation", "contact", "role"}:
            if written.isupper() and len(written) <= 4:
                return True  # "Plan: ANA, ENA, RF": capitals left as written in prose are an acronym
            previous = LIST_ITEM_BEFORE.search(text, max(0, candidate.start - 20), candidate.start)
            following = LIST_ITEM_AFTER.match(text, candidate.end)
            if any(m and m.group(1).lower() in self.people.clinical for m in (previous, following)):
                return True  # "Plan: ANA, ENA, RF, ESR": one of a list of tests
            term = TERM_BEFORE.search(text, max(0, candidate.start - 20), candidate.start)
            if len(tokens[0]) <= 3 and term and term.group(1).lower() in self.people.clinical:
                return True  # "typhoid Vi", "Typhim Vi": a short word after a clinical term is part of it
        # "Craig-y-Don Parade": the end of a hyphened word; "Jan-Mar": months; "at the
        # Christie": a person is not "the" anyone
        if candidate.evidence <= WEAK_EVIDENCE and (
            (
                (joined := HYPHENED_BEFORE.search(text, max(0, candidate.start - 30), candidate.start))
                and not self.vocabulary.is_relation(joined.group(1).lower())  # "WIFE-MAY PRITCHARD"
            )
            or (
                len(parts := re.split(r"[-/–]", written.lower())) > 1
                and all(part in MONTHS or part in MONTH_ABBREVIATIONS for part in parts)
            )
            or THE_BEFORE.search(text, max(0, candidate.start - 5), candidate.start)
        ):
            return True
        if tokens[0] in DETERMINERS and not candidate.evidence & {"relation", "contact"} and not titled:
            return True  # "An Initial Child Protection Conference"
        if (
            not titled
            and not candidate.evidence & {"relation", "contact"}
            and DRUG_BEFORE.search(text, max(0, candidate.start - 20), candidate.start)
        ):
            return True  # "On Yasmin for 6 years", "stop Yasmin today": a medicine
        if not titled and not candidate.evidence & {"relation", "contact"} and self._among_medicines(text, candidate):
            return True  # "Yasmin/Lucette", "POP (Hana OTC, Cerazette)", "FABER (PATRICK)"
        # "Summer STREET DOB ...", "Jermaine STREET, 24": a place word printed in capitals as a
        # first name's surname, with no house number before them
        street_surname = (
            "surname" in candidate.evidence
            and not HOUSE_NUMBER_BEFORE.search(text, max(0, candidate.start - 8), candidate.start)
            and tokens[-1] in self.people.place_words
            and tokens[-1] in self.people.surnames
            and written.split()[-1].isupper()
        )
        if not street_surname and (
            (tokens[-1] in self.people.place_words and not titled and not surname)
            or (tokens[-1] in not_names and "relation" not in candidate.evidence and not surname)
        ):
            return True  # "John Radcliffe Hospital", "Alder Close", "Children's Emergency Department"
        if candidate.evidence <= {"ner"} and written.islower() and all(
            (t in self.people.english and not self._known_name(t)) or t in self.people.clinical for t in tokens
        ):
            return True  # "see 14/03", "every carol": everyday words the model took for names
        if candidate.evidence <= {"ner", "name-shape"}:
            # Alone, the language model tags lab tests and headings ("Urine ACR", "U&E",
            # "Continue MART"): an acronym, an ampersand or a known non-name rules it out.
            words = text[candidate.start : candidate.end].split()
            if any(t in not_names for t in tokens) or "&" in text[candidate.start : candidate.end]:
                return True
            if any(w.islower() and w not in NAME_PARTICLES for w in words[1:]):
                return True  # "Department of Dermatology": names have no lower-case words inside
            first = tokens[0]
            if len(tokens) > 1 and first in self.people.common_english and first not in self.vocabulary.forenames:
                return True  # "Neck ROM", "Using MART": an everyday word opens no name
            if any(w.isupper() and len(w) <= 4 for w in words) and not (
                NAME_SHAPE.fullmatch(" ".join(words))
                and all(w.lower() in self.people.surnames for w in words if w.isupper())
            ):
                return True  # "Acnecide OTC", "Possible CSE"; but "Mary COX"
        after = text[candidate.end : candidate.end + 40]
        if candidate.evidence <= WEAK_EVIDENCE and ORGANISATION_AFTER.match(after):
            return True  # "Ystrad Valley Community Podiatry Service"
        place = re.match(rf"[ \t]*(?:'s[ \t]+)?([{UP}{LOW}]+(?:[ \t]+[{UP}{LOW}]+)?)", after)
        if place:
            words = place.group(1).lower().split()
            if (words[0] in not_names and words[0] in self.people.place_words) or " ".join(
                words
            ) in self.people.place_words:
                return True
        before = text[max(0, candidate.start - 12) : candidate.start]
        if re.search(r"\b(?i:st|saint|royal)\.?[ \t]+$", before) or (len(tokens) > 1 and tokens[0] == "royal"):
            return True  # "St Anne's", "Royal Alexandra Children's Hospital"
        if any(ch.isdigit() for ch in text[candidate.start : candidate.end]):
            return True
        if EPONYM_AFTER.match(text, candidate.end) or (len(tokens) > 1 and tokens[-1] in INSTRUMENT_WORDS):
            return True  # "Gilbert's syndrome", "Baker's cyst", "Thomas test", "Abbey Pain Scale"
        if candidate.evidence <= WEAK_EVIDENCE and (
            self._a_place(tokens)
            or PLACE_BEFORE.search(text, max(0, candidate.start - 40), candidate.start)
            or (
                len(tokens) == 1
                and tokens[0] in MONTHS
                and (MONTH_BEFORE.search(text, max(0, candidate.start - 12), candidate.start) or MONTH_AFTER.match(text, candidate.end))
            )
        ):
            return True  # "son Bill lives in Paris", "a cycle planned for April"
        if (
            len(tokens) == 1
            and tokens[0] in self.people.proper_nouns
            and candidate.evidence <= {"ner", "forename"}
            and TRAVEL_BEFORE.search(text, max(0, candidate.start - 40), candidate.start)
        ):
            return True  # "travelling to Kenya and Jordan", "entering Jordan from Kenya"
        if (
            candidate.evidence <= {"ner", "forename"}
            and re.match(r"['’]s\b", text[candidate.end : candidate.end + 3])
            and HEDGED_EPONYM.search(text, max(0, candidate.start - 30), candidate.start)
        ):
            return True  # "likely Gilbert's, no action"
        # Without a relation word, title, role or age beside it, a clinical word is
        # never a name ("Pt", "Albuterol MDI", "FOLEY"), nor are everyday words no
        # forename list knows ("Last ABG", "Felt", "Multiple").
        if not candidate.evidence & {"relation", "title", "role", "age", "surname", "alias"} and self._everyday(
            text[candidate.start : candidate.end].split()
        ):
            return True
        # Evidence from NER or the first-name list alone is weak; a lone
        # capitalised word that only those two suggest must look like a name.
        strong = candidate.evidence & {"relation", "title", "role", "name-shape", "age", "alias"}
        if not strong and len(tokens) == 1:
            word = text[candidate.start : candidate.end]
            if tokens[0] in self.people.common_english and COUNT_BEFORE.search(text, max(0, candidate.start - 12), candidate.start):
                return True  # "WALKING 1.5 MILES": a unit after a number
            if word.isupper() or not word[0].isupper():
                # Capitals and lower case hide a name's shape; the model reads the
                # context ("DAWN AND MARK WELL, CLEAN", "kuba and zosia are with"), and
                # a word it tags that a name list knows is taken as it stands.
                if (
                    tokens[0] in self.people.english
                    and TIME_BEFORE.search(text, max(0, candidate.start - 8), candidate.start)
                    and not (NAME_VERB_AFTER.match(text, candidate.end) or S_VERB_AFTER.match(text, candidate.end))
                ):
                    return True  # "WAKES AT DAWN WITH", "SINCE DAWN PER": not "UNTIL DAWN FINISHES"
                return not ("ner" in candidate.evidence and self._known_name(tokens[0]))
            # The language model alone tags lab terms and drug names as people; a
            # lone word it suggests must be a known first name or lead a sentence
            # about what someone said or did.
            if (
                tokens[0] not in self.people.forenames
                and not self.person_verb.match(text, candidate.end)
                and not self.role_after.match(text[candidate.end : candidate.end + 80])  # "Sade, Care Navigator"
            ):
                return True
        return False

    def _relation_after(self, after: str) -> re.Match[str] | None:
        """A relation word written after a name ("Chinedu OKONKWO (husband)"), unless it
        opens an agency's name ("SW Precious MOYO (Family Support Team)")."""
        match = self.relation_after.match(after)
        return None if match is None or AGENCY_AFTER_RELATION.match(after, match.end()) else match

    def _attendance_line(self, text: str, candidate: Candidate) -> bool:
        """An interpreter's line, or a meeting's attendance list: an agency, then the name
        that ends the line or comes before its organisation ("Housing Options - Mark RIVERS",
        "Probation - PO Dawn MITCHELL", "Education - Mrs Angela COOK, Croydon Education
        Safeguarding")."""
        line_start = text.rfind("\n", 0, candidate.start) + 1
        if INTERPRETER_LINE.match(text, line_start, candidate.start):
            return True  # "Interpreter: Tigrinya, Mr Tesfaldet ABRAHA"
        return bool(
            self.agency_line.match(text, line_start, candidate.start)
            and ATTENDANCE_AFTER.match(text, candidate.end)
        )

    def _known_name(self, token: str) -> bool:
        """On a first-name list, an everyday word or not ("kuba", "grace")."""
        return token in self.people.forenames or token in self.people.ambiguous_forenames

    def _a_place(self, tokens: list[str]) -> bool:
        """Wholly a town, city or country that is no first name: "Siem Reap", "Birkenhead";
        never "Chester" or "Florence", which are first names too."""
        people = self.people
        if " ".join(tokens) not in people.places:
            return False
        return len(tokens) > 1 or (
            len(tokens[0]) > 4 and not self._known_name(tokens[0])
        )  # a short one may be a nickname too ("Aga")

    def _everyday(self, words: list[str]) -> bool:
        """Clinical or everyday words. A first name written as one ("Ada", "Ed") is
        not taken for the abbreviation it shares letters with ("ADA diet", "ED")."""
        people = self.people
        tokens = [w.strip(".,;:()'\"’").lower().removesuffix("'s") for w in words]
        for word, token in zip(words, tokens, strict=True):
            named = self._known_name(token)
            if token in people.clinical and not (named and word[:1].isupper() and not word.isupper()):
                return True
        return all(t in people.english and not self._known_name(t) for t in tokens)

    def _judge_one(
        self,
        text: str,
        candidate: Candidate,
        tokens: list[str],
        patient_tokens: set[str],
        address_tokens: set[str],
        professionals: list[list[str]],
        patient_title: str | None = None,
        known_third: set[str] = frozenset(),  # type: ignore[assignment]
        care_setting: bool = False,
        first_forename: str | None = None,
    ) -> Judgement | None:
        line_start = text.rfind("\n", 0, candidate.start) + 1
        if len(text[line_start : candidate.start].strip()) < 5:  # name opens its line: role may end the last
            line_start = text.rfind("\n", 0, max(0, line_start - 1)) + 1
        before = text[max(line_start, candidate.start - 40) : candidate.start].replace("\n", " ")
        ends = [m.end() for m in SENTENCE_END.finditer(before)]
        if ends:
            before = before[ends[-1] :]  # "disclosed to the team. Funmi asked": not the team's
        line_end = text.find("\n", candidate.end)
        own_line_start = text.rfind("\n", 0, candidate.start) + 1
        if (
            line_end != -1
            and not text[candidate.end : line_end].strip()
            and not (
                FIELD_BEFORE.fullmatch(text, own_line_start, candidate.start) and FIELD_LINE.match(text, line_end + 1)
            )  # "Partner: Mark BROOK\nGP: Clwyd Coast ...": one field, then the next
        ):
            line_end = text.find("\n", line_end + 1)  # a signature: role on the next line
        if line_end != -1 and text.count("(", line_start, line_end) > text.count(")", line_start, line_end):
            next_end = text.find("\n", line_end + 1)  # "Ms Oladipo (social\nworker, Children's Services)"
            line_end = next_end if next_end != -1 else len(text)
        after = text[candidate.end : line_end if line_end != -1 else len(text)][:80].replace("\n", " ")
        relation = candidate.relation
        written = text[candidate.start : candidate.end]
        if relation is None and (candidate.evidence - {"role"} or self._may_be_name(written)):
            # "Children's Social Care": a relation word before everyday words makes no name
            match = self.relation_before.search(before)
            if match and not _nursing_title(before, match.start("rel"), match.group("rel")):
                relation = match.group("rel").lower()
        if relation in PAID_CARER_WORDS and care_setting:
            return Judgement(
                Category.PROFESSIONAL,
                0.7,
                "people/professional-role",
                "a carer in a care home's or care agency's notes: staff in role (a family carer is "
                "named by their relation)",
            )
        if (
            relation == "sister"
            and not self.relation_after.match(after)  # not "Grace (my sister)"
            and not OWNED_SISTER.search(before)  # not "my sister hodan"
        ) and (
            self.role_after.match(after)
            or (len(tokens) == 1 and tokens[0] in self.people.surnames and tokens[0] not in self.vocabulary.forenames)
        ):
            relation = None  # "Sister L. Hart, Uro-oncology CNS", "SISTER HARCOURT HAS ADDED": a nurse
            if len(tokens) == 1:
                return Judgement(
                    Category.PROFESSIONAL,
                    0.8,
                    "people/professional-role",
                    "a surname after 'Sister': a nurse's title (a sister is named by her first name)",
                )
        if relation in GROUP_LABELS and self.owner_of_relation.match(text, candidate.end):
            relation = None  # "Family: Jessica's mother ...": whose mother, not a relative
        relation_after_only = False
        if relation is None and self._may_be_name(written):
            match = self._relation_after(after)
            if match:
                relation = next(g for g in match.groups() if g).lower()
                relation_after_only = True

        if relation == "née" and len(tokens) == 1 and (
            sum(t in patient_tokens for t in _name_tokens(before.rsplit("(", 1)[0].rsplit(",", 1)[0])) >= 2
        ):
            return Judgement(
                Category.PATIENT_IDENTIFIER,
                0.8,
                "people/birth-name",
                "the patient's own maiden name, after their name ('SUSAN KERSHAW (NEE FIELDING)')",
            )
        if relation is None and candidate.title is None and set(tokens) <= address_tokens:
            return Judgement(
                Category.PATIENT_IDENTIFIER,
                0.9,
                "people/patient-address",
                "part of the patient's own address in the record's demographics",
            )
        # The patient's name, with a middle name the header left out ("Eileen Mary HOLDSWORTH").
        patients = set(tokens) <= patient_tokens or (
            len(tokens) > 2 and tokens[0] in patient_tokens and tokens[-1] in patient_tokens
        )
        # "cc: Mr D Nowak (patient)": the patient's initial and surname, or said to be the patient
        initials = [t for t in tokens if len(t) == 1]
        if (
            not patients
            and initials
            and {t for t in tokens if len(t) > 1} <= patient_tokens
            and {t for t in tokens if len(t) > 1}
            and all(any(f.startswith(i) for f in patient_tokens) for i in initials)
        ):
            patients = True
        if PATIENT_AFTER.match(after):
            patients = True
        # "Mother: Tiegan Paige BOARDMAN" heading a maternity record: the patient's whole
        # name after a header label is the patient, whatever the label says
        header_label = HEADER_LABEL.fullmatch(text, text.rfind("\n", 0, candidate.start) + 1, candidate.start) is not None
        # (the patient's first name, not a middle one: "Father: Abdirahman MOHAMED" in Nasra
        # Abdirahman MOHAMED's record is her father)
        own_full_name = (
            len(tokens) > 1 and first_forename is not None and first_forename.startswith(tokens[0]) and tokens[-1] in patient_tokens
        )
        if (
            patients
            # "Phoned Mrs PEMBERTON - daughter on speaker": a relation written after the
            # patient's own name is whom she was with, not who she is; "FAITH DOYLE (NEE
            # FLANAGAN)": a maiden name that is the patient's surname is the family's
            and (
                relation is None
                or relation_after_only
                or (header_label and own_full_name)
                or relation == "née"
                # the patient's whole name after a relation word is the patient only with their
                # details beside it ("my dad desmond clarke dob 12/4/41"); else a namesake
                # ("father Martin WARD" in Martin Joseph WARD's record)
                or (
                    _forename_shared(tokens, patient_tokens, first_forename)
                    and (candidate.relation is None or DETAILS_AFTER.match(after) is not None)
                )
            )
            and not _other_gender(candidate.title, patient_title)
        ):
            return Judgement(
                Category.PATIENT_IDENTIFIER,
                0.95,
                "people/patient-name",
                "the patient's own name, as given in the record's demographics",
            )
        if known_third.intersection(tokens):
            return KNOWN_THIRD_PARTY
        professional_role = (
            (_alone_on_line(text, candidate.start, candidate.end) and self.role_next_line.match(after))
            or self.role_before.search(before)
            or self.agency_before.search(before)
            or self._attendance_line(text, candidate)
            or (candidate.title and UNIT_BEFORE.search(before))
            or self.role_after.match(after)
            or PRACTICE_AFTER.match(after)
            or self.from_organisation.match(after)
            or ("role" in candidate.evidence and relation is None)
        )
        # An age after a name ("Kyle ROURKE, 19,") marks a lay person, not a role holder.
        if professional_role and relation is None and "age" not in candidate.evidence:
            return Judgement(
                Category.PROFESSIONAL,
                0.9,
                "people/professional-role",
                "a name written with a professional title or role, so a professional acting in role",
            )
        if relation is None and BIRTH_NAME_BEFORE.search(before):
            return Judgement(
                Category.PATIENT_IDENTIFIER,
                0.8,
                "people/birth-name",
                "the patient's own name at birth or former name (what the record says of it may be "
                "legally restricted: see the passage)",
            )
        if relation is None and (
            self.role_coordinated.search(before)
            or _signature(text, candidate, len(tokens))
            or PER_BEFORE.search(before)
        ):
            return Judgement(
                Category.PROFESSIONAL,
                0.8,
                "people/professional-role",
                "a name sharing a professional title with the name before it, signing the note, or "
                "giving the instruction a plan follows ('per ...')",
            )
        if _matches_any(tokens, professionals) and relation is None:
            return Judgement(
                Category.PROFESSIONAL,
                0.85,
                "people/known-professional",
                "matches a clinician in the record's author lines or the practice staff list",
            )
        if relation is not None:
            return Judgement(
                Category.THIRD_PARTY_NAME,
                0.95,
                "people/relation-name",
                f"a name written beside the relation word '{relation}', so a third party",
            )
        if "alias" in candidate.evidence:
            return Judgement(
                Category.THIRD_PARTY_NAME,
                0.85,
                "people/alias",
                "the name someone goes by, given in quotes ('known as', 'gave his name as'): a "
                "person who is neither the patient nor a known professional",
            )
        if candidate.title:
            return Judgement(
                Category.THIRD_PARTY_NAME,
                0.85,
                "people/titled-name",
                "a titled person who is neither the patient nor a known professional",
            )
        if "ner" in candidate.evidence and "forename" in candidate.evidence:
            return Judgement(
                Category.THIRD_PARTY_NAME,
                0.8,
                "people/person-name",
                "a person's name (language model and first-name list agree) that is neither "
                "the patient's nor a known professional's",
            )
        if "forename" in candidate.evidence:
            return Judgement(
                Category.THIRD_PARTY_NAME,
                0.7,
                "people/first-name-list",
                "a common first name that is neither the patient's nor a known professional's",
            )
        return Judgement(
            Category.THIRD_PARTY_NAME,
            0.55,
            "people/ner-person",
            "the language model tagged this as a person who is neither the patient nor a known "
            "professional; check it is a name",
        )

    def _other_mentions(
        self,
        text: str,
        findings: list[Finding],
        registry: dict[str, Judgement],
        pairs: set[tuple[str, str]] = frozenset(),  # type: ignore[assignment]
        patient_tokens: set[str] = frozenset(),  # type: ignore[assignment]
        extend: bool = True,
    ) -> list[Finding]:
        """Every other mention of a judged name token gets the same judgement. With
        `extend`, a third party's mention takes in a name beside it that no list knows
        ("DAWIT TESFAY" where a sibling is Luwam TESFAY), and that name's own mentions."""
        if not registry:
            return []
        is_covered = _coverage(findings)
        found: dict[str, Judgement] = {}
        # "kerrys drinking", "stans number": a possessive typed without its apostrophe
        pattern = re.compile(rf"(?<![\w'’-])({alternation(registry)})(s?)(?![\w-])", re.IGNORECASE)
        extra = []
        english = self.people.english
        for match in pattern.finditer(text):
            if is_covered(match.start()):
                continue
            word, plural = match.group(1), match.group(2)
            if plural and (
                word[0].isupper()
                or len(word) < 3
                or ((word + plural).lower() in english and not POSSESSIVE_S_AFTER.match(text, match.end()))
            ):
                continue  # "Marks", "pats", "wills": words; only a lower-case name takes a bare 's'
            first = registry[word.lower()]
            if (
                word.isupper()
                and word.lower() in english
                and IDIOM_BEFORE.search(text, max(0, match.start() - 8), match.start())
            ):
                continue  # "WAKES AT DAWN" in a record where a daughter is Dawn
            if PLACE_BEFORE.search(text, max(0, match.start() - 40), match.start()) or PLACE_AFTER.match(text, match.end()):
                continue  # "Daughter Sydney lives in Sydney", "ADMITTED SHELTON HOSPITAL"
            if (
                word.lower() in english
                and not word.istitle()  # "from the way Ruby looked": a capital mid-sentence is a name
                and (compound := COMPOUND_BEFORE.search(text, max(0, match.start() - 30), match.start()))
                and not ADVERB_VERB_AFTER.match(text, match.end())  # "the landline bill always picks it up"
                and not self.vocabulary.is_relation(compound.group(1).lower())
                and compound.group(1).lower() not in COURTESY_WORDS
            ):
                continue  # "the phone bill", "A £400 PHONE BILL": a word after its noun, not the brother Bill
            if word.lower() in MONTHS and (
                MONTH_BEFORE.search(text, max(0, match.start() - 12), match.start()) or MONTH_AFTER.match(text, match.end())
            ):
                continue  # "since april last year" in a record where a friend is April
            if (
                word.lower() in self.people.function_words
                and SENTENCE_START.search(text, max(0, match.start() - 20), match.start())
                and not FINITE_AFTER.match(text, match.end())
                and not (word.lower() in MODALS and S_VERB_AFTER.match(text, match.end()))  # "MAY KNOWS."
            ):
                continue  # "Will review 2/7." opening a sentence, where the husband is Will
            if (
                not word[0].isupper()
                and (word.lower() in english or word.lower() in self.people.clinical)
                and not (
                    first.category is Category.THIRD_PARTY_NAME
                    and (
                        NAME_VERB_AFTER.match(text, match.end())
                        or (plural and POSSESSIVE_S_AFTER.match(text, match.end()))  # "since bills diagnosis"
                        or ADVERB_VERB_AFTER.match(text, match.end())
                        or (
                            OBJECT_BEFORE.search(text, max(0, match.start() - 12), match.start())
                            and CLAUSE_AFTER.match(text, match.end())
                        )
                        or (
                            (joined_after := WORD_OR_AFTER.match(text, match.end()))
                            and (joined_after.group(1).lower() in registry or joined_after.group(1).lower() in patient_tokens)
                        )
                        or NAME_AND_BEFORE.search(text, max(0, match.start() - 30), match.start())
                        or (
                            (joined := WORD_AND_BEFORE.search(text, max(0, match.start() - 30), match.start()))
                            and (joined.group(1).lower() in registry or joined.group(1).lower() in patient_tokens)
                        )
                        or _in_a_known_pair(text, match.start(), match.end(), pairs)
                    )
                    and not DETERMINER_BEFORE.search(text, max(0, match.start() - 12), match.start())
                )
            ):
                continue  # "will", "mark" as words, "grace period"; but "HOPE SAYS ..." after "DAUGHTER HOPE"
            judgement = Judgement(
                first.category,
                min(first.score, 0.9),
                first.rule + "+mention",
                "another mention of a name judged elsewhere in this record: " + first.reason,
            )
            start, end = match.start(), match.end()
            if extend and first.category is Category.THIRD_PARTY_NAME and word[0].isupper() and first.rule not in WEAK_RULES:
                for neighbour in (NEIGHBOUR_BEFORE.search(text, max(0, start - 30), start), NEIGHBOUR_AFTER.match(text, end)):
                    if neighbour and not is_covered(neighbour.start(1)) and self._unknown_name(neighbour.group(1), registry, patient_tokens):
                        start, end = min(start, neighbour.start(1)), max(end, neighbour.end(1))
                        found[neighbour.group(1).lower()] = first
            extra.append(_finding(text, start, end, judgement))
        if found:  # the mentions of the names found beside a mention
            extra += self._other_mentions(text, findings + extra, found, pairs, patient_tokens, extend=False)
        return extra

    def _unknown_name(self, word: str, registry: dict[str, Judgement], patient_tokens: set[str]) -> bool:
        """A capitalised word beside a third party's name that is no word, role or
        other name the record knows: part of that person's name."""
        lower = word.lower()
        people = self.people
        return not (
            len(lower) < 3
            or lower in registry
            or lower in patient_tokens
            or lower in people.english
            or lower in people.clinical
            or lower in people.function_words
            or lower in people.not_names
            or lower in people.places
            or self.vocabulary.is_relation(lower)
            or self._is_role_word(word)
        )


# A capitalised word right beside a mention, on the same line: "DAWIT TESFAY".
NEIGHBOUR_BEFORE = re.compile(rf"(?<![\w'’-])([{UP}][{UP}{LOW}'’\-]+)[ ]$")
NEIGHBOUR_AFTER = re.compile(rf"[ ]([{UP}][{UP}{LOW}'’\-]+)(?![\w'’-])")
INSTRUMENT_WORDS = frozenset({"scale", "score", "criteria", "questionnaire", "index", "tool"})
EPONYM_AFTER = re.compile(
    r"(?:[ \t]+(?:guidelines?|guidance|competen\w*|criteria|knife|frame|procedure|manoeuvre|wing|summary|card|envelope"
    r"|test|score|sign|scale|classification)\b"
    # a named instrument with one word between ("Abbey Pain Scale", "Wells DVT score")
    r"|[ \t]+[A-Za-z][\w-]*[ \t]+(?:scale|score|criteria|questionnaire|index|tool|classification)\b"
    r"|['’]s[ \t]+(?:syndrome|disease|cyst|palsy|sign|test|phenomenon|contracture|oesophagus|lymphoma|"
    r"formula|classification|score|criteria|competen\w*|ulcer|node))",
    re.IGNORECASE,
)


TRAVEL_BEFORE = re.compile(
    r"\b(?:travel\w*|going|flying|fly|holiday\w*|trip|visit\w*|enter\w*|return\w*|back|arriv\w*)\b"
    r"(?:[^.,;\n]{0,25}?\b(?:to|from|in|and))?[ \t]+$",
    re.IGNORECASE,
)
SENTENCE_START = re.compile(r"(?:^|[.!?:;(\-–]|\n)[ \t]*$")
# A surname after a first name: capitals ("Ruby BAKER") or lower case ("lisa baker").
SURNAME_AFTER = re.compile(r"[ \t]+(?P<name>[A-Z]{2,}(?:['’\-][A-Z]+)?|[a-z]{2,})(?![\w'’-])")
IDIOM_BEFORE = re.compile(r"\b(?i:at|by|until|till|of|in|on|from|per)[ \t]+$")  # "at dawn", "by dawn"
TIME_BEFORE = re.compile(r"\b(?i:at|by|until|till|since)[ \t]+$")


def _lower_case_around(text: str, offset: int, reach: int = 200) -> bool:
    """Is the text around `offset` written in lower case (a patient's message, a quick
    note), where a capital letter no longer marks a name? A long line or a few lines
    are needed: a short wrapped line of ordinary prose is lower case too. The truecased
    view has given names their capitals back, so a few are allowed."""
    start, end = text.rfind("\n", 0, offset) + 1, text.find("\n", offset)
    for piece in (text[start : end if end != -1 else len(text)], text[max(0, offset - reach) : offset + reach]):
        words = re.findall(r"[^\W\d_]{2,}", piece)
        if len(words) >= 12 and sum(w[0].isupper() for w in words) <= len(words) // 8:
            return True  # a long line of a message, or a stretch of them
    return False
HEDGED_EPONYM = re.compile(r"\b(?:likely|probable|possible|probably|query|suspected|c/w|consistent with|\?)[ \t]*$", re.I)


KNOWN_THIRD_PARTY = Judgement(
    Category.THIRD_PARTY_NAME,
    0.95,
    "people/related-person",
    "the name of a third party the record's structure names (a RelatedPerson or another person resource)",
)
KNOWN_THIRD_PARTY_SPELLING = Judgement(
    Category.THIRD_PARTY_NAME,
    0.75,
    "people/related-person-spelling",
    "spelt like the name of a third party the record's structure names (a RelatedPerson): check it",
)
CAPITALISED_WORD = re.compile(rf"(?<![\w'’-])[{UP}][{UP}{LOW}'’\-]+")


def spelt_like(word: str, name: str) -> bool:
    """A misspelling of a name: one or two edits apart, or sounding alike (same
    Soundex code) and mostly the same letters (Jaro-Winkler)."""
    if word == name or abs(len(word) - len(name)) > 3:
        return word == name
    distance = jellyfish.damerau_levenshtein_distance(word, name)
    if distance <= 1 or (distance <= 2 and min(len(word), len(name)) >= 7):
        return True
    return (
        len(word) >= 5
        and jellyfish.soundex(word) == jellyfish.soundex(name)
        and jellyfish.jaro_winkler_similarity(word, name) >= 0.72
    )


_RANK = {Category.PATIENT_IDENTIFIER: 0, Category.PROFESSIONAL: 1, Category.THIRD_PARTY_NAME: 2}


# Judgements reached only because nothing said otherwise: open to correction by the
# same name judged on firmer evidence elsewhere in the record.
DEFAULT_RULES = frozenset(
    {"people/titled-name", "people/person-name", "people/first-name-list", "people/ner-person"}
)
# Of those, the names only the model or the first-name list found: too weak to lend their
# judgement to a word beside them (a title says a person is named there).
WEAK_RULES = DEFAULT_RULES - {"people/titled-name"}


def _strength(judgement: Judgement) -> tuple[float, bool]:
    return judgement.score, judgement.category is Category.THIRD_PARTY_NAME


def _rank(judgement: Judgement) -> tuple[int, float]:
    return _RANK.get(judgement.category, 0), judgement.score


def _name_tokens(name: str) -> list[str]:
    # "ÇELİK" and "Çelik" are one name: a dotted capital I lowers to "i" and a combining dot
    words = re.findall(r"[^\W\d_](?:[^\W\d_]|['’\-])*", name.replace("i\u0307", "i"))
    titles = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "master"}
    return [
        w.lower().replace("i\u0307", "i").removesuffix("'s").removesuffix("’s")
        for w in words
        if w.lower().strip(".") not in titles
    ]


def _nursing_title(text: str, start: int, word: str) -> bool:
    """ "Sister" capitalised mid-sentence is a nurse's title ("our CNS, Sister Julie HAWTHORNE")."""
    before = text[max(0, start - 40) : start].rstrip()
    return word == "Sister" and before[-1:] not in ("", ".", "!", "?", "\n") and not FAMILY_LABEL.search(before)


# "my sister hodan", "her older sister Jo": whose sister says she is family, not a nurse
OWNED_SISTER = re.compile(r"\b(?i:my|her|his|their|our|your|pt'?s|patient'?s)[ \t]+(?:(?i:older|younger|big|little|twin|half|step)[ \t-]*)?(?i:sister)[ \t,:-]*$")
# "Family: Sister Jocasta Pell": under a family label, "Sister" is a relation again
FAMILY_LABEL = re.compile(r"\b(?i:family|relatives|nok|next of kin|contacts?|social)[ \t]*:$")


def _usual_title(text: str, surname: str | None) -> str | None:
    """The title the record uses most with the patient's surname, when the header gives
    none: a letter about "Mr Adeyemi" that quotes "Mrs Adeyemi" is quoting his wife."""
    if not surname:
        return None
    counts: dict[str, int] = {}
    for match in re.finditer(rf"\b({COURTESY})[ \t]+{re.escape(surname)}\b", text, re.IGNORECASE):
        title = match.group(1).lower().strip(".")
        counts[title] = counts.get(title, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked:
        return None
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        # "Mr Adeyemi" and "Mrs Adeyemi" once each: the record's pronouns say which is the patient
        male, female = len(MALE_PRONOUN.findall(text)), len(FEMALE_PRONOUN.findall(text))
        titles = {title for title, count in ranked if count == ranked[0][1]}
        if male >= 2 * max(female, 1) and titles & MALE_TITLES:
            return "mr"
        if female >= 2 * max(male, 1) and titles & FEMALE_TITLES:
            return sorted(titles & FEMALE_TITLES)[0]
        return None
    return ranked[0][0]


MALE_PRONOUN = re.compile(r"\b(?i:he|him|his|himself)\b")
FEMALE_PRONOUN = re.compile(r"\b(?i:she|her|hers|herself)\b")


NEXT_WORD_AFTER = re.compile(r"[ \t]+([^\W\d_]+)")
PREVIOUS_WORD = re.compile(r"([^\W\d_]+)[ \t]+$")


def _in_a_known_pair(text: str, start: int, end: int, pairs: set[tuple[str, str]]) -> bool:
    """The word and its neighbour are two parts of a relative's name judged elsewhere."""
    word = text[start:end].lower()
    after = NEXT_WORD_AFTER.match(text, end)
    before = PREVIOUS_WORD.search(text, max(0, start - 30), start)
    return bool(
        (after and (word, after.group(1).lower()) in pairs) or (before and (before.group(1).lower(), word) in pairs)
    )


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """A name alone on its line, a courtesy title before it allowed ("Ms Helen Pryor")."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = COURTESY_BEFORE.sub("", text[line_start:start])
    return not before.strip(" \t([") and not text[end : line_end if line_end != -1 else len(text)].strip(" \t,)")


def _signature(text: str, candidate: Candidate, words: int) -> bool:
    """A full name alone on the record's last line signs it ("...around to decrease
    anxiety.\n\nMary Rueping")."""
    line_start = text.rfind("\n", 0, candidate.start) + 1
    return (
        words > 1
        and not text[line_start : candidate.start].strip()
        and RECORD_END.match(text, candidate.end) is not None
    )


RECORD_END = re.compile(r"[ \t\n.,]*\Z")  # nothing but spaces and stops to the end


def _other_gender(title: str | None, patient_title: str | None) -> bool:
    """ "Mrs Adeyemi" in Mr Adeyemi's record is his wife, not him; "Mr Bostock" in a
    child's record is a parent."""
    written = (title or "").lower().strip(".")
    if patient_title == CHILD:
        return written in ADULT_TITLES
    pair = {written, (patient_title or "").lower().strip(".")}
    return bool(pair & FEMALE_TITLES) and bool(pair & MALE_TITLES)


CHILD = "(child)"
ADULT_TITLES = frozenset({"mr", "mrs", "ms"})
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _is_a_child(text: str, patient: Patient) -> bool:
    """Under 16 on the latest date the record mentions: a whole date gives the age to the
    day (born 02/10/2009, printed 27/06/2025: 15), a bare year its lower bound."""
    if not patient.dob:
        return False
    dob = patient.dob
    born = int(dob[:4])
    ages = [
        int(date[:4]) - born - (date[5:] < dob[5:])
        for match in DATE.finditer(text)
        if (date := parse_date(match.group())) and date > dob
    ]
    ages += [year - born - 1 for year in map(int, YEAR.findall(text)) if year > born]
    return bool(ages) and max(ages) < 16  # no later date written: not known


def _forename_shared(tokens: list[str], patient_tokens: set[str], first_forename: str | None = None) -> bool:
    """The patient's own full name, though a relation word stands near it; never a name led
    by one of the patient's middle names (in Somali and Arabic naming, the father's name)."""
    return (
        len(tokens) > 1
        and set(tokens) <= patient_tokens
        and (first_forename is None or first_forename.startswith(tokens[0]))  # "Stan" for Stanley
    )


def _matches_any(tokens: list[str], names: list[list[str]]) -> bool:
    """A surname (or full name) that matches a known professional's."""
    for known in names:
        if not known:
            continue
        if tokens[-1] == known[-1] and len(tokens[-1]) > 2:
            return True
        if tokens == known:
            return True
    return False


# "Mrs Hepworth", and the couple: "Mr and Mrs Hepworth", "MR & MRS HEPWORTH"
COURTESY_BEFORE = re.compile(rf"\b(?:{COURTESY}[ \t]+(?:and|&)[ \t]+)?{COURTESY}[ \t]*\n?[ \t]*$", re.IGNORECASE)


# The kin words and sizes a nickname starts with ("Nana Pat", "Big Kev", "Auntie Mo").
KIN_NICKNAME_WORDS = frozenset(
    {"nan", "nana", "nanna", "nanny", "nain", "taid", "gran", "granny", "grandma", "grandad", "grampy", "grampa",
     "grandpa", "auntie", "aunty", "uncle", "big", "little", "lil"}
)
KIN_NICKNAME_BEFORE = re.compile(rf"\b(?i:{'|'.join(sorted(KIN_NICKNAME_WORDS))})[ \t]+$")


def _with_courtesy_title(text: str, finding: Finding) -> Finding:
    """A third party's name is redacted with its title: "[REDACTED]", not "Mrs [REDACTED]",
    which would still say who among the family is meant; and with the kin word of the
    nickname they go by ("Nana Pat", "Big Kev"), which annotators and readers take whole."""
    if finding.category is not Category.THIRD_PARTY_NAME:
        return finding
    title = COURTESY_BEFORE.search(text, max(0, finding.start - 20), finding.start) or KIN_NICKNAME_BEFORE.search(
        text, max(0, finding.start - 20), finding.start
    )  # "Nana Pat", "Big Kev", "Auntie Mo": the name they go by, whole
    if title is None:
        return finding
    return finding.with_(start=title.start(), text=text[title.start() : finding.end])


def _finding(text: str, start: int, end: int, judgement: Judgement) -> Finding:
    return Finding(
        start=start,
        end=end,
        text=text[start:end],
        category=judgement.category,
        score=judgement.score,
        rule=judgement.rule,
        reason=judgement.reason,
    )
