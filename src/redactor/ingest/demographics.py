"""Read who the patient is from the export's labelled demographics.

EMIS- and SystmOne-style printouts, letters and results all carry a labelled
block ("Name:", "Surname:"/"Forename(s):", "DOB:", "NHS No:", "Address:"). The
record's own labels decide the patient; nothing is guessed from free text.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import accumulate

from ..model import Patient

TITLES = {"mr", "mrs", "ms", "miss", "mx", "master", "dr", "prof", "sir", "lady", "rev"}

_VALUE = r"(?P<value>[^\n|]*?)(?=\s{2,}|\t|\||$|,?\s+(?:DOB|D\.O\.B\.?|NHS|Date of [Bb]irth|born)\b)"
LABELS = {
    "name": re.compile(
        r"^[ \t]*(?:Patient(?: name| record)?|Pt|Name|Re|Child|Person|Client|Service user|Young person|Resident)[ \t.]*:[ \t]*"
        + _VALUE,
        re.M | re.I,
    ),
    # A patient message's sender is the patient; used only when no other label names them.
    "sender": re.compile(r"^[ \t]*From[ \t]*:[ \t]*" + _VALUE, re.M | re.I),
    "surname": re.compile(r"(?:^|\s)Surname[ \t]*:[ \t]*" + _VALUE, re.M | re.I),
    "forenames": re.compile(
        r"(?:^|\s)(?:Forenames?(?:\(s\))?|First names?|Given names?)[ \t]*:[ \t]*" + _VALUE,
        re.M | re.I,
    ),
    "dob": re.compile(
        r"(?:^|\s)(?:DOB|D\.O\.B\.?|Date of birth|born|b\.(?=[ \t]*\d{1,2}[ ./\-]))[ \t.]*:?[ \t]*(?P<value>[0-9A-Za-z][0-9A-Za-z /.\-]{3,18}?\d{2,4})\b",
        re.M | re.I,
    ),
    "nhs": re.compile(
        r"(?:^|\s)NHS(?: (?:No\.?|Number|no))?[ \t]*:?[ \t]*(?P<value>\d{3}[ \-]?\d{3}[ \-]?\d{4})\b",
        re.M | re.I,
    ),
    "address": re.compile(r"(?:^|(?<=\s))(?:Address|Home address|Addr)[ \t]*:[ \t]*" + _VALUE, re.M | re.I),
}
# A letter's or journal print's patient line with no label: "Arthur Leonard PICKLES  DOB
# 19.08.1937  NHS 999 ...", "Mrs Parveen AKHTAR   F   DOB 08 Mar 1962   NHS ...", "Mr
# Franciszek (Frank) NOWICKI   Born 30 Oct 1955   NHS ...", "Mr Ryan SUTCLIFFE, 30-Jul-1995,
# NHS ...". Read only where no label names the patient, and only with a DOB and an NHS
# number on the same line, so that a relative's line in the text is never taken for it.
_KNOWN_AS = r"\([\"“]?[A-Z][a-z'’\-]+[\"”]?\)"  # ("Bill"), (Frank): the name they go by
_SEX_COLUMN = r"(?:[ \t]+\([MFU]\)|[ \t]{2,}(?:[MFU]|Male|Female)(?=[ \t]{2,}))?"
_UNLABELLED_DATE = r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}[ -][A-Za-z]{3}[ -]\d{4}"
_COLUMN = r"(?:[ \t]{2,}|[ \t]*,[ \t]*)"
UNLABELLED_NAME = re.compile(
    r"^[ \t]*(?P<value>(?:(?:Mr|Mrs|Ms|Miss|Mx|Master)\.?[ \t]+)?[A-Z][A-Za-z'’\-]+"
    rf"(?:[ \t](?:{_KNOWN_AS}|[A-Z][A-Za-z'’\-]+)){{1,3}}(?:[ \t]+{_KNOWN_AS})?)"
    + _SEX_COLUMN
    + r"(?:[ \t]*,?[ \t]+(?:(?:DOB|D\.O\.B\.?|Date of birth|[Bb]orn)\b|b\.)[^\n]*\b(?i:NHS)\b"
    # or a bare date: "Keith LOMAX   14/05/1969   NHS 999 767 4308", "Tomasz Wrobel  (14 Jun
    # 1995)  NHS ...", "Mrs Dorothy HAINSWORTH  12.01.1941  999 268 6685"
    rf"|{_COLUMN}\(?(?P<dob>{_UNLABELLED_DATE})\)?{_COLUMN}(?:NHS(?:[ \t]*(?:No\.?|number))?[ \t]*:?[ \t]*)?"
    r"(?P<nhs>\d{3}[ ]?\d{3}[ ]?\d{4})[ \t]*$)",
    re.M,
)
WRITING_ABOUT = re.compile(
    r"\b(?i:writing|emailing|messaging|contacting you|ringing|calling)[ \t]+(?i:about|on behalf of|regarding|re)[ \t]+"
    r"(?i:my[ \t]+)?(?i:mum|dad|mother|father|husband|wife|son|daughter|nan|grandad|grandma|grandmother|grandfather|"
    r"brother|sister|partner)[ \t,]+(?P<value>[A-Za-z][a-z'’\-]+(?:[ \t]+[A-Za-z][a-z'’\-]+){0,2}?)(?=[ \t]*(?:[,.(]|dob\b|$))",
    re.M,
)
EMAIL_IN_ANGLES = re.compile(r"<[^>\n]*>")
ORGANISATION_WORDS = re.compile(r"\b(?i:surgery|practice|nhs|team|enquiries|reception|clinic|hospital|service|centre)\b")
QUOTED_NAME = re.compile(r"[\"“]([A-Za-z][A-Za-z'\-]+)[\"”]")  # WOOD, Margaret ("Peggy")
AUTHOR = re.compile(
    r"^[ \t]*(?:Author|Clinician|Seen by|Requested by|Signed|Usual GP|Registered GP|From|Dictated by)"
    r"[ \t]*:[ \t]*(?P<value>[^\n]+?)\s*$",
    re.M | re.I,
)
# "(known as Peggy)", "(known as \"Peggy\")", "(he prefers Seun)", "Preferred name: Peggy"
KNOWN_AS = re.compile(
    r"(?:\((?:known as|prefers|(?:he|she|they) prefers?|aka)|Known as[ \t]*:|Preferred name[ \t]*:)[ \t]*"
    r"[\"“'‘]?([A-Z][a-z]+)"
)
PATIENT_LINE = re.compile(r"\b(?:DOB|D\.O\.B|Date of birth|NHS (?:No|number)|Address|Addr)\b", re.I)
# A bare "Contact:"/"Mobile:" line counts only at the very top, in the patient's header.
HEADER_LINES = 8
CONTACT_LINE = re.compile(r"[ \t]*(?:Contact|Tel|Telephone|Mobile|Phone|E-?mail)\b[^:\n]{0,12}:", re.I)
OTHER_PERSON_LINE = re.compile(
    r"\b(?:carer|next of kin|NOK|emergency contact|parent|guardian|mother|father|partner|spouse|wife|husband|"
    r"sister|brother|daughter|son|GP|practice|surgery|hospital|clinic)\b",
    re.I,
)
PHONE = re.compile(
    r"\b(?:Tel|Telephone|Phone|Mobile|Mob|Home|Contact)(?:\s+no\.?)?\s*:\s*(?:(?:mobile|mob|tel|phone|home)\s+)?"
    r"(\+?[\d ()]{10,16}\d)",
    re.I,
)
EMAIL = re.compile(r"\bE-?mail\s*:\s*([\w.+-]+@[\w-]+(?:\.[\w-]+)+)", re.I)
POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b")
MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
DATE = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?[-/. ](?P<m>\d{1,2}|[A-Za-z]{3,9})\.?[-/. ](?P<y>\d{4}|\d{2})\b"
)
# Only the top of a record is its header; labels deep in a letter can name anyone.
HEADER_CHARS = 2500


def parse_date(text: str) -> str | None:
    """Day-first UK dates in the usual spellings, as ISO; None if not a real date."""
    match = DATE.search(text)
    if not match:
        return None
    return _iso(match.group("d"), match.group("m"), match.group("y"))


def _iso(day: str, month: str, year: str) -> str | None:
    month_number = int(month) if month.isdigit() else MONTHS.get(month[:3].lower())
    if month_number is None:
        return None
    year_number = int(year)
    if len(year) == 2:
        year_number += 1900 if year_number > 30 else 2000
    try:
        return date(year_number, month_number, int(day)).isoformat()
    except ValueError:
        return None


def split_name(value: str) -> tuple[tuple[str, ...], str | None]:
    """("Mr Daniel HARGREAVES") -> (("Daniel",), "Hargreaves"); handles "SURNAME, Forename"
    and a surname in capitals written first ("NGUYEN Thi Lan");
    a first name the patient goes by, in brackets, is one of theirs ("Eugene (Gene) FOX")."""
    known_as = tuple(
        _tidy(w) for w in re.findall(r"\(([^\W\d_][^\W\d_'’\-]+)\)", value) if w.lower() not in TITLES
    )
    value = re.sub(r"\(.*?\)", " ", value).strip(" ,.")
    if "," in value:
        surname, _, rest = value.partition(",")
        words = [w for w in rest.split() if w.lower().strip(".") not in TITLES]
        return (*(_tidy(w) for w in words), *known_as), _tidy(surname.strip()) or None
    words = [w for w in value.split() if w.lower().strip(".") not in TITLES]
    if not words:
        return known_as, None
    if len(words) == 1:
        return known_as, _tidy(words[0])
    if words[0].isupper() and len(words[0]) > 1 and not any(w.isupper() for w in words[1:]):
        return (*(_tidy(w) for w in words[1:]), *known_as), _tidy(words[0])  # "NGUYEN Thi Lan"
    return (*(_tidy(w) for w in words[:-1]), *known_as), _tidy(words[-1])


def _tidy(word: str) -> str:
    word = word.strip(" ,.;:")
    return word.title() if word.isupper() and len(word) > 1 else word


WRAPPED = re.compile(r"[ \t]*\n[ \t]*((?:[A-Z][A-Za-z'\-]+)(?:[ \t]+[A-Z][A-Za-z'\-]+)?)(?=[ \t]*(?:,|$|\s{2,}|DOB|born|NHS))", re.M)


def _wrapped_surname(head: str, end: int, value: str) -> str:
    """A letter's "Re: Mrs Irene May" whose surname the layout pushed to the next line
    ("CALLOWHILL   DOB 07/11/1944"): the name goes on there."""
    if end != len(head) and head[end] not in "\n":
        return ""
    words = [w for w in value.split() if w.lower().strip(".") not in TITLES]
    wrapped = WRAPPED.match(head, end)
    if not words or not wrapped or len(words) > 3:
        return ""
    return " " + wrapped.group(1)


UNLABELLED_ADDRESS = re.compile(
    # "of 31 Linden Grove", "Flat 2, ...", "Holly Bank, 2 Station Road, ..." (a house name
    # first), up to a column gap ("...  Tel 01632 ...")
    r"^[ \t]*(?:of[ \t]+)?(?P<value>(?:Flat|Apartment|Unit)[ \t]+\d+[^\n]*?"
    r"|(?:[A-Z][\w'’\-]+(?:[ ][A-Za-z][\w'’\-]*){0,3},[ \t]+)?\d{1,4}[A-Za-z]?,?[ \t]+[A-Z][^\n]*?)(?:[ \t]{2,}[^\n]*)?$",
    re.M,
)


def _address_below(head: str, name_end: int) -> str | None:
    """A letter's "Re:" block puts the address, unlabelled, on a line just below the
    patient's name ("of 31 Linden Grove, Thornbury"): the first such line of the next three."""
    lines = head[name_end:].split("\n", 4)[1:4]
    for line in lines:
        match = UNLABELLED_ADDRESS.match(line) or ADDRESS_WITH_POSTCODE.match(line)
        if match and not OTHER_PERSON_LINE.search(line):
            return match.group("value").strip(" ,.")
    return None


# "Hollins Farm, Hollins Lane, Hebden Bridge, HX7 8TF": no house number, but a postcode
ADDRESS_WITH_POSTCODE = re.compile(
    r"^[ \t]*(?P<value>[A-Z][\w'’\- ]*,[^\n]*?\b[A-Z]{1,2}\d[A-Z\d]?[ \t]*\d[A-Z]{2})\b"
)


def _looks_like_a_name(value: str) -> bool:
    """ "Re: Our client Gareth Piper - request for a report" is a subject line, not a name;
    a name's bracketed aside ("(known as "Kitty")") is no part of the test."""
    value = re.sub(r"\([^()]*\)", " ", value).strip()
    words = value.replace(",", " ").split()
    if any(c.isdigit() for c in value):
        return False  # "Re: Outpatient assessment, 03/04/2024"
    if value.islower():  # a record typed all in lower case: "patient: isla thornbury"
        return 0 < len(words) <= 4
    return 0 < len(words) <= 6 and sum(w[:1].islower() for w in words) <= 1


# A heading, alone on its line, over someone else's details.
OTHER_PERSONS_HEADING = re.compile(
    r"^[ \t]*(?:(?i:next[ \t]+of[ \t]+kin|nok|emergency[ \t]+contacts?|contact[ \t]+details[ \t]+of|relatives?|"
    r"family[ \t]+contacts?|carers?)\b[^:\n]*:?[ \t]*$"
    r"|(?i:next[ \t]+of[ \t]+kin|nok)[ \t]*:[^\n]*$"  # "NOK: River HEATH", then her details
    # "Submitted by: Marek Nowak - son", then his number and email
    r"|(?i:submitted|completed|sent|filled[ \t]+in|requested)[ \t]+(?i:by)[ \t]*:[^\n]*\b(?i:son|daughter|wife|husband|partner|"
    r"mother|father|mum|dad|sister|brother|carer|friend|neighbour|relative|niece|nephew|grand\w+|aunt|uncle|cousin)\b[^\n]*$)",
    re.M,
)
BLOCK_REACH = 800  # how far back a block's heading is looked for


def under_another_persons_heading(text: str, position: int) -> bool:
    """Is `position` in a block (up to the blank line before it) headed "NEXT OF KIN" or
    opened by a "NOK:" line? Its name, phone and address are that person's."""
    reach = max(0, position - BLOCK_REACH)
    block_start = max(text.rfind("\n\n", reach, position), text.rfind("\n \n", reach, position), reach)
    return OTHER_PERSONS_HEADING.search(text, block_start, position) is not None


def read_demographics(text: str) -> tuple[Patient, list[str]]:
    """The patient named in the header, plus author names the header gives."""
    head = text[:HEADER_CHARS]
    found: dict[str, str] = {}
    name_end: int | None = None
    for key, pattern in LABELS.items():
        for match in pattern.finditer(head):
            if under_another_persons_heading(head, match.start()):
                continue  # "NEXT OF KIN\n  Name: Mrs Dawn PRICE\n  Tel: ...": hers, not the patient's
            value = match.group("value").strip()
            if key == "sender":
                value = EMAIL_IN_ANGLES.sub("", value).strip()
                if ORGANISATION_WORDS.search(value):
                    break  # "From: Fernside Surgery": the practice's reply
            if key == "name":
                value += _wrapped_surname(head, match.end("value"), value)
            if value and (key not in ("name", "sender") or _looks_like_a_name(value)):
                found[key] = value
                if key == "name":
                    name_end = match.end()
                break
            if key == "sender":
                break  # only the first message's sender
    about = WRITING_ABOUT.search(head)
    if "name" not in found and about and _looks_like_a_name(about.group("value")):
        # "im writing about my dad desmond clarke": the patient, whoever sent the message
        found["name"] = about.group("value")
        found.pop("sender", None)
    if "name" not in found and "surname" not in found:
        unlabelled = UNLABELLED_NAME.search(head)
        if unlabelled and _looks_like_a_name(unlabelled.group("value")):
            found["name"], name_end = unlabelled.group("value"), unlabelled.end("value")
            if unlabelled.group("dob"):
                found.setdefault("dob", unlabelled.group("dob"))
                found.setdefault("nhs", unlabelled.group("nhs"))
    forenames: tuple[str, ...] = ()
    surname = None
    title_match = re.match(
        r"\s*(Mr|Mrs|Ms|Miss|Mx|Master)\b\.?", found.get("name") or found.get("sender") or "", re.I
    )
    name = found.get("name") or found.get("sender")
    if name:
        forenames, surname = split_name(name)
    if "surname" in found:
        surname = _tidy(found["surname"])
    if "forenames" in found:
        forenames = tuple(_tidy(w) for w in found["forenames"].split())
    known_as = KNOWN_AS.search(head)
    if known_as:  # "(known as Peggy)": the name the record uses day to day
        forenames = (*forenames, _tidy(known_as.group(1)))
    forenames = (*forenames, *(_tidy(w) for w in QUOTED_NAME.findall(name or "") if _tidy(w) not in forenames))
    address = found.get("address") or (_address_below(head, name_end) if name_end is not None else None)
    # The patient's own phone and email: on a demographics line (one carrying the
    # patient's DOB, NHS number or address label, anywhere in the record, as letters
    # repeat the block), never on a line that labels someone else ("Carer: ...").
    lines = text.splitlines(keepends=True)
    offsets = list(accumulate((len(line) for line in lines), initial=0))
    block = "\n".join(
        line.rstrip("\r\n\f\v")
        for number, line in enumerate(lines)
        if (PATIENT_LINE.search(line) or (number < HEADER_LINES and CONTACT_LINE.match(line)))
        and not OTHER_PERSON_LINE.search(line)
        # "NEXT OF KIN\n  Tel: 07700 ...": the relative's number, not the patient's
        and not (offsets[number] < HEADER_CHARS and under_another_persons_heading(head, offsets[number]))
    )
    postcode_match = POSTCODE.search(address or "")
    patient = Patient(
        forenames=forenames,
        surname=surname,
        dob=parse_date(found["dob"]) if "dob" in found else None,
        nhs_number=re.sub(r"\D", "", found["nhs"]) if "nhs" in found else None,
        address=address,
        postcode=" ".join(postcode_match.groups()) if postcode_match else None,
        title=title_match.group(1).title() if title_match else None,
        phones=tuple(re.sub(r"\D", "", m) for m in PHONE.findall(block)),
        emails=tuple(m.lower() for m in EMAIL.findall(block)),
    )
    authors = [m.group("value") for m in AUTHOR.finditer(head)]
    return patient, authors
