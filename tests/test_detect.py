"""Unit tables per recogniser: what must be flagged, and what must not."""

from __future__ import annotations

import pytest

from redactor.detect.resolve import resolve
from redactor.model import Action, Category, Finding, Verdict

HEADER = "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988   NHS No: 943 476 5919\nAddress: 27 Alder Close, Whitford, WF3 7QT\n\n"


def categories_of(doc, needle: str) -> set[Category]:
    start = doc.text.index(needle)
    end = start + len(needle)
    return {f.category for f in doc.findings if f.start < end and start < f.end}


@pytest.mark.parametrize(
    ("sentence", "needle", "category"),
    [
        ("Mum (Karen Jones) rang to say he is not sleeping.", "Karen Jones", Category.THIRD_PARTY_NAME),
        ("Lives with stepdad Mark and two siblings.", "Mark", Category.THIRD_PARTY_NAME),
        ("Says her ex, Dean, has been texting her.", "Dean", Category.THIRD_PARTY_NAME),
        ("Partner's mobile 07700 900123 if needed.", "07700 900123", Category.THIRD_PARTY_IDENTIFIER),
        ("Sister DOB 03/05/2019, NHS no 999 398 2598.", "999 398 2598", Category.THIRD_PARTY_IDENTIFIER),
        ("Brother has schizophrenia.", "Brother has schizophrenia", Category.THIRD_PARTY_INFO),
        ("Neighbour rang to report shouting at night.", "Neighbour rang", Category.THIRD_PARTY_INFO),
        ("MARAC referral made today.", "MARAC referral", Category.SAFEGUARDING),
        ("Child on CP plan since June.", "CP plan", Category.SAFEGUARDING),
        ("Smelt of alcohol at 9am.", "Smelt of alcohol", Category.CLINICIAN_OPINION),
        ("Bruise to cheek ?NAI.", "?NAI", Category.SAFEGUARDING),
        ("Biopsy shows carcinoma, patient not yet informed.", "not yet informed", Category.SERIOUS_HARM),
        ("Now living at the refuge.", "refuge", Category.SERIOUS_HARM),
        ("Conceived by IVF with donor sperm.", "donor sperm", Category.LEGALLY_RESTRICTED),
        ("Chlamydia positive, partner notification discussed.", "Chlamydia", Category.SENSITIVE_HEALTH),
        ("Dr Patel reviewed.", "Dr Patel", Category.PROFESSIONAL),
        ("Seen with SW Helen Brooks.", "Helen Brooks", Category.PROFESSIONAL),
        ("Daniel says his knee is better.", "Daniel", Category.PATIENT_IDENTIFIER),
    ],
)
def test_flags(analyse, sentence, needle, category):
    doc = analyse(HEADER + sentence)
    assert category in categories_of(doc, needle)


@pytest.mark.parametrize(
    "sentence",
    [
        "Hx: SOB 2/52. O/E chest clear. Imp: URTI. Plan: TCI if worse, DNA x1.",
        "Referred to John Radcliffe Hospital, St Mary's ward 4.",
        "Known Crohn's disease and Parkinson's; on sertraline 50mg OD and co-codamol 30/500.",
        "Attended with Mum. Mum happy with plan.",
        "Gilbert's syndrome noted; Baker's cyst on USS.",
    ],
)
def test_gp_shorthand_and_places_are_not_flagged(analyse, sentence):
    doc = analyse(HEADER + sentence)
    flagged = [f for f in doc.findings if f.action is not Action.KEEP and f.start >= len(HEADER)]
    assert flagged == []


def test_patient_demographics_are_kept(analyse):
    doc = analyse(HEADER + "Seen today.")
    kept = {f.text for f in doc.findings if f.category is Category.PATIENT_IDENTIFIER}
    assert {"Daniel HARGREAVES", "943 476 5919"} <= kept
    assert all(f.action is Action.KEEP for f in doc.findings)


def test_nhs_number_needs_modulus_11(analyse):
    doc = analyse(HEADER + "Sister NHS no 999 398 2597.")
    assert Category.THIRD_PARTY_IDENTIFIER not in categories_of(doc, "999 398 2597")


def test_negated_concern_is_kept_with_a_lower_score(analyse):
    plain = analyse(HEADER + "Safeguarding concerns discussed with HV.")
    negated = analyse(HEADER + "No safeguarding concerns.")
    [hit] = [f for f in plain.findings if f.category is Category.SAFEGUARDING]
    [low] = [f for f in negated.findings if f.category is Category.SAFEGUARDING]
    assert low.score < hit.score
    assert "negated" in low.reason


def test_third_party_name_is_flagged_at_every_mention(analyse):
    doc = analyse(HEADER + "Mum Karen rang. Later Karen came in with him.")
    spans = [f for f in doc.findings if f.category is Category.THIRD_PARTY_NAME]
    assert [f.text for f in spans] == ["Karen", "Karen"]


def test_every_finding_says_why(analyse):
    doc = analyse(HEADER + "Mum (Karen Jones) rang; smelt of alcohol; MARAC referral.")
    assert doc.findings
    for finding in doc.findings:
        assert finding.rule and len(finding.reason) > 15
        assert doc.text[finding.start : finding.end] == finding.text


def test_entry_verdicts_follow_the_strongest_action(analyse):
    text = HEADER + (
        "12-Mar-2024 10:32  Dr Anita PATEL (GP)  Face to face\nBP 128/84. Plan r/v 6/12.\n\n"
        "14-Mar-2024 09:10  Dr Anita PATEL (GP)  Telephone\nMum Karen rang with concerns.\n\n"
        "20-Mar-2024 11:00  Dr Anita PATEL (GP)  Face to face\nMARAC referral made.\n"
    )
    doc = analyse(text)
    verdicts = {e.id: e.verdict.value for e in doc.entries}
    assert verdicts == {"e0": "show", "e1": "show", "e2": "hide", "e3": "review"}


@pytest.mark.parametrize(
    ("sentence", "needle", "category"),
    [
        # a relative sharing the patient's surname, told apart by title
        (
            "Seen with his wife, Mrs Funmilayo HARGREAVES. Mrs Hargreaves reports poor sleep.",
            "Mrs Hargreaves",
            Category.THIRD_PARTY_NAME,
        ),
        (
            "Children: Chioma HARGREAVES, 4 yrs, Little Acorns Nursery, Castlebury.",
            "Little Acorns Nursery",
            Category.THIRD_PARTY_IDENTIFIER,
        ),
        (
            "Seen with our Clinical Nurse Specialist, Sister Julie HAWTHORNE.",
            "Julie HAWTHORNE",
            Category.PROFESSIONAL,
        ),
        ("Probation: Mr Neil Garside; Housing: Ms Rukhsana Bibi.", "Rukhsana Bibi", Category.PROFESSIONAL),
        (
            "Wife Ewa rang. No consent to share. Says he is drinking a bottle a day.",
            "Says he is drinking",
            Category.THIRD_PARTY_INFO,
        ),
        (
            "Tomasz's hair strand test was positive for cocaine.",
            "hair strand test",
            Category.THIRD_PARTY_INFO,
        ),
    ],
)
def test_who_is_who_in_context(analyse, sentence, needle, category):
    doc = analyse(HEADER + sentence)
    assert category in categories_of(doc, needle)


def test_vaccines_and_lab_acronyms_are_not_flagged(analyse):
    doc = analyse(HEADER + "Imms: DTaP/IPV/Hib given. Continue MART. Urine ACR 2.1.")
    assert [f for f in doc.findings if f.action is not Action.KEEP and f.start >= len(HEADER)] == []


def test_agency_label_before_an_untitled_name_is_not_a_role(analyse):
    doc = analyse(HEADER + "Perpetrator: Chinedu OKONKWO (husband). Police: Chinedu has convictions for ABH.")
    start = doc.text.rindex("Chinedu")
    [who] = [f for f in doc.findings if f.start == start and f.end == start + len("Chinedu")]
    assert who.category is Category.THIRD_PARTY_NAME


def test_one_person_one_judgement(analyse):
    text = HEADER + (
        "Owner: Tom ABRAHAMS.\nAttendees: Tom ABRAHAMS (IDVA, Men's DA Service); Gillian FROST (Safeguarding Lead).\n"
    )
    doc = analyse(text)
    toms = [f for f in doc.findings if f.text == "Tom ABRAHAMS"]
    assert len(toms) == 2
    assert {f.category for f in toms} == {Category.PROFESSIONAL}


def test_a_span_inside_a_longer_who_span_gives_way():
    text = "with her cousin at 12 Heron Walk, Whitford, WF3 9PL."
    start = text.index("12")
    address = Finding(
        start, start + 32, text[start : start + 32], Category.THIRD_PARTY_IDENTIFIER, 0.8, "t", "r"
    )
    town = text.index("Whitford")
    inside = Finding(town, town + 8, "Whitford", Category.PATIENT_IDENTIFIER, 0.9, "t", "r")
    assert resolve([address, inside], text) == [address]


def test_routine_family_history_is_a_note_that_holds_nothing(analyse):
    doc = analyse(HEADER + "Seen today.\nFH: father MI at 52, mother has diabetes.\nDad has gout.\n")
    fh = doc.text.index("FH:")
    notes = [f for f in doc.findings if f.start >= fh and f.category is Category.THIRD_PARTY_INFO]
    assert [f.text for f in notes] == ["FH: father MI at 52, mother has diabetes.", "Dad has gout."]
    assert all(f.quiet and f.action is Action.NOTE for f in notes)
    assert all(e.verdict is Verdict.SHOW for e in doc.entries)


def test_what_a_relative_told_the_practice_is_never_quiet(analyse):
    doc = analyse(HEADER + "Mum rang to say he has been self-harming again.\n")
    [info] = [f for f in doc.findings if f.category is Category.THIRD_PARTY_INFO]
    assert not info.quiet and info.action is Action.REVIEW


def test_a_passage_finding_covers_its_sentence_and_keeps_its_evidence(analyse):
    text = HEADER + "BP 120/80. MARAC referral made with her agreement. Reviewed asthma.\n"
    doc = analyse(text)
    [sg] = [f for f in doc.findings if f.category is Category.SAFEGUARDING]
    assert sg.text == "MARAC referral made with her agreement."
    assert [doc.text[s:e] for s, e in sg.evidence] == ["MARAC referral"]
    assert sg.to_json()["evidence"][0]["start"] >= sg.start


def test_negation_outside_safeguarding_is_a_note_and_inside_it_a_low_score(analyse):
    doc = analyse(HEADER + "No smell of alcohol.\nNo safeguarding concerns.\nPatient not yet told of the result.\n")
    by_category = {f.category: f for f in doc.findings}
    assert by_category[Category.CLINICIAN_OPINION].action is Action.NOTE
    assert by_category[Category.SAFEGUARDING].action is Action.REVIEW
    assert by_category[Category.SAFEGUARDING].score < 0.6
    assert not by_category[Category.SERIOUS_HARM].quiet  # "not yet told" is its cue, not a negation


def test_accented_names_and_the_patients_own_contacts(analyse):
    text = (
        "Surname: FERNÁNDEZ GARCÍA    Forename(s): Lucía\nDOB: 05/03/1990    NHS No: 999 205 4042\n"
        "Address: 19 Ravensworth Road, Norbridge NB6 2AQ    Tel: 07700 900436\n\n"
        "Mrs Lucía Fernández García was seen. Her husband João rang from 07700 900111.\n"
    )
    doc = analyse(text)
    assert Category.PATIENT_IDENTIFIER in categories_of(doc, "Lucía Fernández García")
    assert Category.PATIENT_IDENTIFIER in categories_of(doc, "07700 900436")
    assert Category.THIRD_PARTY_NAME in categories_of(doc, "João")
    assert Category.THIRD_PARTY_IDENTIFIER in categories_of(doc, "07700 900111")


def test_name_before_a_role_in_an_attendee_list_is_a_professional(analyse):
    doc = analyse(HEADER + "Present:\nClare Devlin - Designated Safeguarding Lead, Hallbrook College\n")
    assert Category.PROFESSIONAL in categories_of(doc, "Clare Devlin")
