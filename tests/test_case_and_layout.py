"""Case and layout never decide whether a third party's name is found (issue 10).

Invented sentences of the shapes real notes take: ALL CAPS, all lower case, names
glued to their relation word by punctuation, lists of names, names in parentheses or
broken across a line. And the other side: clinical words are never people.
"""

from __future__ import annotations

import pytest

from redactor.detect.truecase import LOWERED, MIXED, SHOUTED, name_case, passage_mode
from redactor.model import Category

HEADER = "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988   NHS No: 943 476 5919\n\n"


def flagged_as(doc, needle: str) -> set[Category]:
    start = doc.text.index(needle)
    end = start + len(needle)
    return {f.category for f in doc.findings if f.start < end and start < f.end and str(f.action) != "keep"}


def named_at(doc, offset: int) -> bool:
    """A third-party name finding starts at `offset` (a later mention of the name)."""
    return any(f.category is Category.THIRD_PARTY_NAME and f.start == offset for f in doc.findings)


def third_party_names(doc) -> list[str]:
    """The texts of every third-party name finding (a test of no-names wants none)."""
    return [f.text for f in doc.findings if f.category is Category.THIRD_PARTY_NAME]


def third_party(doc, needle: str) -> bool:
    """The whole name lies inside one third-party name finding."""
    start = doc.text.index(needle)
    end = start + len(needle)
    return any(
        f.category is Category.THIRD_PARTY_NAME and f.start <= start and end <= f.end for f in doc.findings
    )


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("DR OKAFOR SPOKE TO DAUGHTER ROSALIND FOR CONSENT.", ["ROSALIND"]),
        ("SOCIAL: SON WENDELL IN THIS EVENING, UPDATED.", ["WENDELL"]),
        ("son barnaby in to visit, updated by rn.", ["barnaby"]),
        ("communication with husband radomir re plan.", ["radomir"]),
        ("dtr marguerite called for an update.", ["marguerite"]),
        ("SOCIAL:DAUGHTER-TAMSIN---01632 960123 & GRAND DAUGHTER-KELLI---01632 960124.", ["TAMSIN", "KELLI"]),
        ("SOCIAL-wife(?) Philippa in to visit.", ["Philippa"]),
        ("social: pt's son ,gareth, was in earlier.", ["gareth"]),
        ("COPING-- SISTER,BERNADETTE ANNE HAS PHONED.", ["BERNADETTE ANNE"]),
        ("Sons Alfie, Rufus and Cosmo in to visit.", ["Alfie", "Rufus", "Cosmo"]),
        ("daughters imogen and jess both phoned.", ["imogen", "jess"]),
        ("family: proxy is granddaughter: Ottilie Brzezinski, 01632 960555.", ["Ottilie Brzezinski"]),
        ("She has been seeing a partner she met online (Lorcan) for a month.", ["Lorcan"]),
        ("Next of kin: Mrs Ada O'Neill (sister).", ["O'Neill"]),
        ("Partner: Mr Tomasz Nowakowski, DOB 03/04/1990.", ["Tomasz Nowakowski"]),
        ("Attended with his partner, Beatrix\nQuennell, who drove him.", ["Beatrix\nQuennell"]),
        ("dtr-in-law Oriana Pettigrew visited last night.", ["Oriana Pettigrew"]),
        # a surname that is also a word, written as EMIS writes surnames, or in a lower-case message
        ("Children: Hattie BAKER DOB 02/06/2016, Alfie BAKER DOB 19/01/2020.", ["Hattie BAKER", "Alfie BAKER"]),
        (
            "hi, i was adopted as a baby and last month i found my birth mum lisa baker on facebook, "
            "she lives in doncaster now and we talk most days",
            ["lisa baker"],
        ),
    ],
)
def test_names_in_any_case_and_layout(analyse, text, names):
    doc = analyse(HEADER + text)
    for name in names:
        assert third_party(doc, name), name


@pytest.mark.parametrize(
    "text",
    [
        "Eczema flare on both hands. Still itchy at night.",
        "COPD review. Obs stable. Nil else. Seen with wife.",
        "No LOC. Takes ramipril 5mg OD. Sat in chair for exam.",
        "PT RESTING. FOLEY DRAINING CLEAR YELLOW URINE. ALBUTEROL MDI GIVEN.",
        "pt tolerating nebs, abg improved, plan to wean.",
        "Pt NPO after midnight. Last ABG reviewed with team.",
        "WITH PARTNER PRESENT. DAUGHTER WILL VISIT TOMORROW.",
        "son in to visit, daughter called.",
        # places, eponymous tests and nurses are no third parties either
        "Travelling to Kenya and Jordan in May. Certificate may be needed for entering Jordan.",
        "QUADS TIGHT. THOMAS TEST POSITIVE BILATERALLY.",
        "PARKINSON'S NURSE SISTER JULIE HARCOURT WILL PHONE IN 4 WEEKS.",
        "Review in clinic in eight weeks.\n\nYours sincerely\n\nDr Ananya Roy\nConsultant Old Age Psychiatrist",
        # medicines named like people
        "Migraine with aura: stop Yasmin today, start desogestrel.",
        "Tried Acnecide OTC for 3/12.",
    ],
)
def test_clinical_words_and_shouted_lines_are_not_names(analyse, text):
    doc = analyse(HEADER + text)
    assert third_party_names(doc) == []


def test_a_later_lower_case_mention_of_a_name_found_once(analyse):
    doc = analyse(HEADER + "husband radomir rang. later radomir asked about visiting.")
    second = doc.text.rindex("radomir")
    assert named_at(doc, second)


def test_clinicians_in_capitals_stay_professionals(analyse):
    doc = analyse(HEADER + "DR PENHALIGON SPOKE TO SON LEOFRIC. SEEN BY SN WATTS.")
    assert third_party(doc, "LEOFRIC")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "PENHALIGON")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "WATTS")


@pytest.mark.parametrize(
    ("segment", "mode"),
    [
        ("SOCIAL: DAUGHTER EMILY IN THIS EVENING", SHOUTED),
        ("son bill in to visit", LOWERED),
        ("Sons Smokey and Roger in to visit", MIXED),
        ("BP", MIXED),
    ],
)
def test_passage_mode(segment, mode):
    assert passage_mode(segment) == mode


def test_truecased_view_keeps_length_and_cases_names(detector):
    text = "DR BOYLE SPOKE TO DAUGHTER-PHILOMENA RE CONSENT. son ,dave, called"
    view = detector.truecaser.view(text)
    assert len(view) == len(text)
    assert "Dr Boyle" in view and "daughter-Philomena" in view and ",Dave," in view
    assert view.lower() == text.lower()


@pytest.mark.parametrize(
    ("word", "cased"), [("o'neill", "O'Neill"), ("SMITH-JONES", "Smith-Jones"), ("bill's", "Bill's")]
)
def test_name_case(word, cased):
    assert name_case(word) == cased


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        (
            "Her brother Ashley lives at Flat 7, Gilbey\nHouse, Gilbey Street, Lowmoor LM1 8RA.",
            "Flat 7, Gilbey\nHouse, Gilbey Street, Lowmoor LM1 8RA",
        ),
        (
            "DAUGHTER JANET HAS MOVED TO FLAT 6, ROPEWALK HOUSE, QUAY STREET, LOWMOOR LM1 2DS.",
            "FLAT 6, ROPEWALK HOUSE, QUAY STREET, LOWMOOR LM1 2DS",
        ),
        (
            "her partner Aaron works nights at the Brannock's depot on Brook Road.",
            "Brannock's depot on Brook Road",
        ),
        ("my sister said to ring her on 07700-900-862 after 5.", "07700-900-862"),
        ("our neighbour pat o'neill lives at 6 sedgefield close if you need her", "6 sedgefield close"),
        # places after their cue, in any case, up to the word that ends them
        ("HUSBAND DESMOND WORKS SHIFTS AT QUILLSBY PACKAGING ON MOOR LANE. DRINKS.", "QUILLSBY PACKAGING ON MOOR LANE"),
        ("my cousin trudy works days at the barnforth co-op so ring after 6", "the barnforth co-op"),
        ("Her son Elias attends Pettigrew Lane Nursery three mornings a week.", "Pettigrew Lane Nursery"),
        ("my brother kai is staying at his mum's on Ardwick Row, Tollbridge; he drinks", "Ardwick Row, Tollbridge"),
        ("dtr lives at flat 3, wendle court, ossington now and visits weekly", "flat 3, wendle court, ossington"),
        ("Mother: Ruby Okonjo DOB 19/07/1998  Father: not named", "19/07/1998"),
        ("my neighbour bill at number 14 said its ringworm", "number 14"),
        ("my sister: 12 beech grove, tollbridge tb4 2hh", "12 beech grove, tollbridge tb4 2hh"),
        ("son Ashton (7) at St Anselm's RC Primary, Pensford.", "St Anselm's RC Primary, Pensford"),
        ("her kids go to little acorns nursery and her mum has them weekends", "little acorns nursery"),
        ("Wife's mobile: 07700 900\n388.", "07700 900\n388"),
        ("Her son Rob works nights as a porter at Kettlewick General Hospital.", "Kettlewick General Hospital"),
        ("SON-BARRY WORKS ON THE NIGHT SHIFT AT TEESMOUTH AMMONIA.", "TEESMOUTH AMMONIA"),
        ("Son Will is home on leave from 1st Battalion, Royal Northumbrian Rifles.", "1st Battalion, Royal Northumbrian Rifles"),
    ],
)
def test_relatives_identifiers_in_any_layout(analyse, text, identifier):
    doc = analyse(HEADER + text)
    start = doc.text.index(identifier)
    assert any(
        f.category is Category.THIRD_PARTY_IDENTIFIER
        and f.start <= start
        and start + len(identifier) <= f.end
        for f in doc.findings
    ), [(f.category, f.text) for f in doc.findings]


def test_the_patients_own_number_by_the_wording(analyse):
    doc = analyse(HEADER + "Smear due - SMS to 07700 900218. Ring pt on 01632 960734 to confirm.")
    for number in ("07700 900218", "01632 960734"):
        assert Category.THIRD_PARTY_IDENTIFIER not in flagged_as(doc, number)


@pytest.mark.parametrize(
    "text",
    [
        "Works at Tesco on the tills. Lives with wife.",  # the patient's own, no subject
        "i work at the barnforth co-op with my sister",  # the writer's own
        "Son goes to bed late, plays games.",  # no place at all
        "Wife attends the local gym.",  # a place that names no one
    ],
)
def test_places_that_identify_no_third_party(analyse, text):
    doc = analyse(HEADER + text)
    assert not [f.text for f in doc.findings if f.category is Category.THIRD_PARTY_IDENTIFIER]


def test_the_patients_own_contact_despite_a_relative_on_the_line(analyse):
    doc = analyse(
        HEADER + "Lives with mum. New mobile (pt only): 07700 900411. Address on PAS: 12 Quarry Lane, Tollbridge."
    )
    assert Category.THIRD_PARTY_IDENTIFIER not in flagged_as(doc, "07700 900411")
    assert Category.THIRD_PARTY_IDENTIFIER not in flagged_as(doc, "12 Quarry Lane")


def test_a_letters_unlabelled_patient_line_names_the_patient(analyse):
    doc = analyse(
        "Dear Dr Okoro\n\nBertram Ellis WINSHAW  DOB 02.03.1941  NHS 943 476 5919\n"
        "Rose Villa, 4 Mill Road, Tollbridge TB2 4QQ\n\nI saw Mr Winshaw with his wife Ivy.\n"
    )
    assert doc.patient.surname == "Winshaw" and doc.patient.address.startswith("Rose Villa")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "Mr Winshaw")
    assert third_party(doc, "Ivy")


def test_an_adults_title_is_not_a_childs(analyse):
    text = (
        "Child: Kaiden James ROWBOTHAM   DOB: 11/01/2022   NHS: 943 476 5919\n\n"
        "Seen 04/12/2024 with his mother. Ms Rowbotham reports he fell from the sofa."
    )
    assert third_party(analyse(text), "Ms Rowbotham")


def test_a_relative_sharing_the_patients_title_and_surname(analyse):
    text = (
        "Patient: Ms Jodie FARRANCE   DOB: 08/08/1991\n\n"
        "Her mother, Mrs Angela Farrance, rings often. Mrs Farrance does not know of the referral."
    )
    doc = analyse(text)
    later = doc.text.index("Mrs Farrance does")
    assert named_at(doc, later)
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "Ms Jodie FARRANCE")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ADOPTIVE PARENTS MR AND MRS QUARMBY.", "MR AND MRS QUARMBY"),
        ("my sister is ok but tamsins drinking again", "tamsins"),
        ("Family: Sister Jocasta Pell 07700 900512 (key holder).", "Jocasta Pell"),
        ("social: wendell visited during the evening.", "wendell"),
        ("Dependants: 2 children (Ruby-Rose 6, Miles 3).", "Ruby-Rose"),
        ("Dependants: 2 children (Ruby-Rose 6, Miles 3).", "Miles"),
        ("WITH MOTHER MRS JEAN O'NEILL (PREV BRANNIGAN).", "BRANNIGAN"),
        ("Lift offered by Walter Haigh; Walter's tel is 01632 960681.", "Walter's"[:6]),
        ("SEEN WITH SON-IN-LAW MARK BIRD. BROTHER-FRANK WELLS KILLED IN A FALL.", "FRANK WELLS"),
    ],
)
def test_more_shapes_of_a_relatives_name(analyse, text, name):
    doc = analyse(HEADER + ("my sister tamsin rang. " if "tamsins" in text else "") + text)
    assert third_party(doc, name), [(f.category, f.text) for f in doc.findings]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("DR CARRADINE AND PELLEW AWARE OF THE RESULT.", "PELLEW"),
        ("Plan discussed with family.\n\nOrla Fenwright", "Orla Fenwright"),
    ],
)
def test_professionals_by_shared_title_or_signature(analyse, text, name):
    doc = analyse(HEADER + text)
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, name)


def test_first_names_that_are_also_grammar_or_words(analyse):
    doc = analyse(
        HEADER + "SEEN WITH WIFE MAY. SON WILL RANG LATER. son will visit tomorrow. wife may need help.\n"
        "DAUGHTER HOPE IN. HOPE SAYS HE IS DRINKING. I HOPE HE IMPROVES. THE MARK IS HEALING."
    )
    names = sorted(doc.text[f.start : f.end] for f in doc.findings if f.category is Category.THIRD_PARTY_NAME)
    assert names == ["HOPE", "HOPE", "MAY", "WILL"]


def test_an_instruction_per_a_clinician(analyse):
    doc = analyse(HEADER + "ON FUROSEMIDE 80MG. PER TREMAYNE WILL HOLD EVENING DOSE.")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "TREMAYNE")


def test_short_forms_and_nicknames(analyse):
    doc = analyse(
        "Patient: Bernard ARKWRIGHT  DOB 01/02/1950\n\nSummary: Bernard (\"Bernie\") was admitted.\n"
        "Seen with his wife\nFunmilayo Okonkwo, who drove. Later Funmi asked about visiting."
    )
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "Bernie")
    assert third_party(doc, "Funmilayo Okonkwo")
    later = doc.text.index("Funmi asked")
    assert named_at(doc, later)


def test_the_patients_own_details_in_their_own_message(analyse):
    doc = analyse("From: Chloe Wrenfield\n\nhi its chloe, i live at flat 6 harbour court, kingsmere KM2 8LP now")
    assert Category.THIRD_PARTY_IDENTIFIER not in flagged_as(doc, "KM2 8LP")


def test_a_practice_text_log_with_the_patient(analyse):
    doc = analyse(
        HEADER + "04/09/2025 10:31  Incoming  from 07700 900951\nok ill come at lunch\n"
        "04/09/2025 09:20  Outgoing  to 07700 900951\nThanks, appointment booked."
    )
    assert Category.THIRD_PARTY_IDENTIFIER not in flagged_as(doc, "07700 900951")


def test_a_care_homes_carer_is_staff_a_familys_is_not(analyse):
    home = analyse("Resident: Mrs Margaret SHARP   DOB: 01/02/1940\n\nAt 05:40 carer Bogdan heard a shout.")
    assert Category.THIRD_PARTY_NAME not in flagged_as(home, "Bogdan")
    house = analyse(HEADER + "Lives with his carer Bogdan, who does the shopping.")
    assert third_party(house, "Bogdan")


def test_a_name_that_is_a_word_is_not_found_in_an_idiom(analyse):
    doc = analyse(HEADER + "12.03.88 DR LEE  DAUGHTER DAWN RANG. DAWN SAYS HE IS NOT EATING. WAKES AT DAWN IN PAIN.")
    last = doc.text.rindex("DAWN")
    assert third_party(doc, "DAWN") and not any(f.start <= last < f.end for f in doc.findings if f.category is Category.THIRD_PARTY_NAME)


def test_a_wifes_nickname_after_the_shared_surname_is_hers_not_the_patients(analyse):
    doc = analyse(
        "Name: Mr Cecil OPENSHAW\nLives with: wife Marjorie OPENSHAW (\"Madge\"), 86\n"
        "While I was redoing the dressing Madge came in and slapped Cecil on the forearm.\n"
    )
    later = doc.text.index("Madge came")
    assert any(
        f.category is Category.THIRD_PARTY_NAME and f.start <= later < f.end for f in doc.findings
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Name: Mrs Beatrix Anne LOWE   Born: 26/11/1966\n\nBea asked for a longer appointment.\n", "Bea"),
        ("Name: Master Tobias WREN   Born: 03/04/2011\n\nGoes by Toby. Attended with mum.\nSpoke to Toby again.\n", "Toby"),
        ("Patient: Mrs Rhona GILLESPIE\n\nmy knee is still sore. Regards, Ronnie (Rhona Gillespie)\n", "Ronnie"),
    ],
)
def test_the_name_the_patient_goes_by_is_theirs(analyse, text, name):
    doc = analyse(text)
    assert flagged_as(doc, name) == set()


def test_reablement_carers_and_speech_therapists_are_staff(analyse):
    doc = analyse(
        HEADER + "SLT - Megan FOLEY, SLT: mild expressive dysphasia, improving.\n"
        "Medicines in blister pack; reablement carers (Faith and Dorcas) to prompt BD.\n"
    )
    for name in ("Megan FOLEY", "Faith", "Dorcas"):
        assert flagged_as(doc, name) == set(), name


@pytest.mark.parametrize(
    ("text", "names", "words"),
    [
        # a relation word after the name, in apposition, in a lower-case message
        (
            "i havent told rich my boyfriend and i dont want him to know. cant keep rich food down.\n"
            "rich found the leaflet. hazel (my friend) is coming with me, im at hazel's tonight.\n",
            ["rich", "hazel"],
            ["rich food"],
        ),
        # ... but a verb before "her sister" is no name
        ("he wont let her see her sister. please can that not go on the app, my boyfriend reads it.\n", [], ["see", "app"]),
        # a name someone goes by, in quotes, though the word is an everyday one
        (
            'Reports two men, known to him as "Spanner and Dozy", are staying at the flat. '
            "He kept asking if Spanner would find out. The fish tank is broken.\n",
            ["Spanner and Dozy", "Spanner would"],
            [],
        ),
        # a titled or related surname that is also a word
        ("Attended with mum and mum's boyfriend Colin WARD.\nMr Ward stood by the door throughout.\n", ["Colin WARD", "Mr Ward"], []),
        # children listed with their ages
        ("Their daughters (Maisie, 12, and Esme, 9) have not been told.\n", ["Maisie", "Esme"], []),
        # a hyphenated surname broken at its hyphen in capitals
        ("NOK: DAUGHTER-JOY ASPINALL-\nDRAKE, 01632 960111.\n", ["JOY ASPINALL-\nDRAKE"], []),
    ],
)
def test_names_by_apposition_alias_and_word_surnames(analyse, text, names, words):
    doc = analyse(HEADER + text)
    for name in names:
        if " and " in name:
            assert all(third_party(doc, part) for part in name.split(" and ")), name
        else:
            assert third_party(doc, name.split(" would")[0] if " would" in name else name), name
    for word in words:
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, word), word


def test_a_title_makes_a_person_of_the_patients_street_word(analyse):
    doc = analyse(
        "Name: Miss Kayla FORD   DOB: 01/02/2009\nAddress: 47 Saltings Way, Marsh End, Grimsby DN32 8QF\n\n"
        "Boyfriend Dylan Marsh, 19.\nMr Marsh has been served a warning notice.\n"
    )
    assert third_party(doc, "Mr Marsh")


def test_titled_clinicians_of_a_unit_or_a_referral_are_staff(analyse):
    doc = analyse(
        HEADER + "12.03.91 DR KENT  CORNS - TO CHIROPODIST MR T. LAMB.\n"
        "22.01.90  LETTER JESSOP HOSPITAL FERTILITY UNIT, MR R. OAKLEY - CYCLE 4.\n"
        "GREEN FORM SIGNED. REF MR J. LUMB GYNAE.\n"
    )
    for name in ("T. LAMB", "R. OAKLEY", "J. LUMB"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, name), name


def test_a_list_of_tests_in_capitals_is_no_list_of_names(analyse):
    doc = analyse(HEADER + "Plan: ANA, ENA, RF, ESR, CRP, FBC.\nStarted smoking cessation with Health Trainer Gary Moss.\n")
    for word in ("ANA", "Gary Moss"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, word), word


def test_the_patients_dob_after_b_is_theirs(analyse):
    doc = analyse("Joanne Featherstone (F)  b. 17-Jul-1973  NHS no 999 621 7892\n\nSeen today.\n")
    assert doc.patient.dob == "1973-07-17"
    assert Category.THIRD_PARTY_IDENTIFIER not in flagged_as(doc, "17-Jul-1973")


def test_later_lower_case_mentions_of_a_word_name_in_a_message(analyse):
    doc = analyse(
        HEADER + "hi its me. my husband bill has just been told he has parkinsons. krissy takes bill to his physio.\n"
        "i never told bill or krissy and never will. since bills diagnosis i cant sleep. the landline bill always "
        "picks it up. the bill is due and i paid the bill.\n"
    )
    text = doc.text
    found = {f.start for f in doc.findings if f.category is Category.THIRD_PARTY_NAME}
    mentions = [m.start() for m in __import__("re").finditer(r"\bbill", text)]
    assert {mentions[0], mentions[1], mentions[2], mentions[3], mentions[4]} <= found
    assert not {mentions[5], mentions[6]} & found  # "the bill is due", "paid the bill"


def test_an_everyday_word_after_a_relation_is_a_name_when_they_speak(analyse):
    doc = analyse(HEADER + "my girlfriend sky says i should ask for counselling. mum first said it was fine.\n")
    assert third_party(doc, "sky")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "first")


def test_staff_named_with_run_together_initials_a_later_role_or_a_home_help(analyse):
    doc = analyse(
        HEADER + "14.02.89  DR J.P. WELBURN\nC/O CHEST PAIN. HOME HELP MRS GOODE CALLS DAILY.\n"
        "Home visit  HV Nadia Sorensen with CNN Kerry Lund.\nI spoke with Mr Moyo today.\n"
        "cc: Mr Tendai Moyo, CPN / care coordinator\n"
    )
    for name in ("WELBURN", "GOODE", "Kerry Lund", "Mr Moyo", "Tendai Moyo"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, name), name


def test_the_patients_maiden_name_is_theirs_and_a_mothers_is_not(analyse):
    doc = analyse(
        "NAME: SUSAN MARY KERSHAW (NEE FIELDING)   DOB: 04.12.61   NHS NO: 999 284 1680\n"
        "NEE: PATRICIA HINCHCLIFFE\n\nMUM ROSE KERSHAW (NEE DOYLE) RANG.\n"
    )
    for name in ("FIELDING", "PATRICIA HINCHCLIFFE"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, name), name
    assert third_party(doc, "DOYLE")


def test_labelled_relatives_nicknames_in_quotes_and_places_that_are_names(analyse):
    doc = analyse(
        "Client: Jade Louise CARTER   DOB: 17/11/2001   NHS: 999 233 5351\n"
        "Partner / father of baby: Mark BROOK\nGP: Clwyd Coast Medical Practice\n"
        "Sibling: River WOOD   DOB 04/03/2023\nLives with: son - Richard \"Rich\" GASKELL, 52.\n"
        "Other: son Bill DAVIES, lives in Paris. A frozen cycle planned for April.\n"
        "Daughter Sydney lives in Sydney. summer my best mate had the coil put in. thanks jade x\n"
    )
    for name in ("Mark BROOK", "River WOOD", 'Richard "Rich" GASKELL', "Sydney lives", "summer"):
        assert third_party(doc, name.removesuffix(" lives")), name
    for word in ("Paris", "April", "in Sydney", "x\n"):
        start = doc.text.index(word) + (3 if word == "in Sydney" else 0)
        assert not any(
            f.category is Category.THIRD_PARTY_NAME and f.start <= start < f.end for f in doc.findings
        ), word


def test_towns_and_cities_abroad_are_not_people_but_place_names_that_are_names_are(analyse):
    doc = analyse(
        HEADER + "Travel: overland to Phnom Penh and Siem Reap (Angkor Wat), home via Bangkok.\n"
        "Other: sister and brother-in-law, Frank and Ivy REED, Birkenhead - no number.\n"
        "Son Chester rang. OOH report read: croup, treated with dex.\n"
    )
    for word in ("Phnom Penh", "Siem Reap", "Birkenhead", "dex"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, word), word
    for name in ("Frank", "Ivy REED", "Chester"):
        assert third_party(doc, name), name


def test_a_prints_field_labels_do_not_make_a_line_shouted(analyse):
    doc = analyse(
        "Child: Tyler Jay WOOD   DOB 12/12/2019   NHS 999 012 5376\n"
        "Sibling: River WOOD   DOB 04/03/2023   NHS 999 683 8447\nRiver was not brought.\n"
    )
    later = doc.text.index("River was")
    assert third_party(doc, "River WOOD")
    assert named_at(doc, later)


def test_a_message_wrapped_after_the_relation_word(analyse):
    doc = analyse(
        HEADER + "hi doc bit of an odd one sorry. as u know im adopted, my mum and dad (june and\nken) adopted me "
        "when i was 2. i finally got my adoption file from the council and it says my birth mum was\n"
        "dawn hall and she was only 17 when she had me. i found dawn on facebook last week.\n"
    )
    for name in ("june", "ken", "dawn hall"):
        assert third_party(doc, name), name
    last = doc.text.rindex("dawn")
    assert named_at(doc, last)


def test_a_relatives_word_name_after_a_noun_is_the_word(analyse):
    doc = analyse(
        "NAME: JOHN SMITH   DOB 01.02.1949\n14.02.90 DR BROOK  ROWS AT HOME OVER A £400 PHONE BILL AND MONEY. "
        "BROTHER BILL JUST SENT TO PRISON. VISITING BILL MONTHLY.\n"
    )
    found = {f.start for f in doc.findings if f.category is Category.THIRD_PARTY_NAME}
    bills = [i for i in range(len(doc.text)) if doc.text.startswith("BILL", i)]
    assert bills[0] not in found and {bills[1], bills[2]} <= found


def test_kin_nicknames_quoted_names_and_a_fathers_name_in_the_childs(analyse):
    doc = analyse(
        HEADER + '- Maternal grandad "Pops" (Ray HILL) visits weekly.\n'
        "Present: maternal nan Nana Pat and her partner Big Kev. Big Kev is in recovery.\n"
        'GRANDSON JACK\n("JACKO") STAYS WEEKENDS.\n'
    )
    for name in ("Pops", "Nana Pat", "Big Kev", "JACKO"):
        assert third_party(doc, name), name
    child = analyse(
        "Child: Nasra Abdirahman MOHAMED   DOB: 29/08/2024   NHS: 999 755 2644\nFather: Abdirahman MOHAMED\n\n"
        "Dad Abdirahman works nights.\n"
    )
    father = child.text.index("Father: ") + len("Father: ")
    assert any(
        f.category is Category.THIRD_PARTY_NAME and f.start <= father and f.end >= father + len("Abdirahman MOHAMED")
        for f in child.findings
    )


def test_a_next_of_kin_blocks_phone_and_address_are_theirs(analyse):
    doc = analyse(
        "Patient: KEELING, Natalie Joanne   DOB: 17/10/1990   NHS No: 999 788 0420\n"
        "Address on PAS: 63 Brindley Walk, Tunstall, Stoke-on-Trent ST6 5PE\n\n"
        "NEXT OF KIN (amended at patient's request)\n  Name: Mrs Dawn PRICE   Relationship: sister\n"
        "  Tel: 07700 900742   Address: 8 Birch Hill Road, Kidsgrove ST7 4LN\n"
    )
    for value in ("07700 900742", "8 Birch Hill Road"):
        assert Category.THIRD_PARTY_IDENTIFIER in flagged_as(doc, value), value


def test_a_namesake_father_south_asian_kin_words_languages_and_a_known_as_label(analyse):
    child = analyse(
        "Child: Martin Joseph WARD   DOB: 02/12/2015   NHS No: 999 399 9415\n"
        "Parents: mother Kathleen WARD; father Martin WARD (known as \"Big Martin\")\n"
    )
    father = child.text.index("father Martin") + len("father ")
    assert any(f.category is Category.THIRD_PARTY_NAME and f.start <= father < f.end for f in child.findings)
    household = analyse(
        HEADER + "Language: Sylheti (mum), English (dad)\nHousehold: parents, paternal grandmother (Dadi).\n"
        "Dadi helps with feeds.\n"
    )
    for word in ("Sylheti", "English", "Dadi"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(household, word), word
    billy = analyse(
        "NAME: TREGENZA, WILLIAM JOHN   KNOWN AS: BILLY   DOB: 17.03.1949   NHS NO: 999 908 0022\n\n"
        "12.04.01 DR QUINN  BILLY WAS ON DECK WITH HIM.\n"
    )
    assert Category.THIRD_PARTY_NAME not in flagged_as(billy, "BILLY WAS")


def test_known_as_on_a_wrapped_line_is_someone_elses(analyse):
    doc = analyse(
        HEADER + "In 2023 she traced her birth mother through an adoption intermediary: Margaret Knox,\n"
        'known as "Peggy", originally from Kendal. Peggy died of ovarian cancer at 48.\n'
    )
    assert third_party(doc, "Peggy")


def test_the_model_reads_word_names_in_capitals_and_lower_case(analyse):
    """The retrained people NER reads context, so a first name that is also a word is
    found where case says nothing (an ALL-CAPS note, a lower-case message)."""
    doc = analyse(
        HEADER + "22/10/86 HV VISIT. DAWN AND MARK WELL, CLEAN, PLAYING.\n"
        "08/01/87 DAWN SAYS THINGS FINE AT HOME.\n"
    )
    for name in ("DAWN", "MARK"):
        assert third_party(doc, name), name


def test_a_word_written_small_in_ordinary_prose_stays_a_word(analyse):
    """Where the writer used ordinary case, their lower case is evidence: "at dawn" and a
    distance in capitals are no people."""
    doc = analyse(
        HEADER + "She has twice been found by a neighbour in the garden at dawn in her nightclothes.\n"
        "3/12 POST TKR. FLEX 110, WALKING 1.5 MILES NO STICK. OKS 39/48.\n"
    )
    for word in ("dawn", "MILES"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, word), word


def test_a_nok_line_opens_the_relatives_block_and_my_sister_is_family(analyse):
    doc = analyse(
        "Name: Ms Jasmine WONG   DOB 30/01/1994   NHS No 999 211 7028\n\n"
        "NOK: River HEATH\nRelationship: partner\nPhone: 07700 900955\n\n"
        "my sister hodan had the copper one fitted at the clinic\n"
        "28/06/24 fcp jo mcfarlane msk physio\nR knee pain, settling.\n"
    )
    assert Category.THIRD_PARTY_IDENTIFIER in flagged_as(doc, "07700 900955")
    assert third_party(doc, "hodan")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "jo mcfarlane")


def test_the_model_reads_a_sentence_across_its_line_breaks(analyse):
    """A dictated letter breaks lines mid-sentence; the model reads the sentence whole, so
    a name no list knows, broken over the line end, is found with its surname."""
    doc = analyse(
        HEADER + "They intend to use a known donor, Femi\nOkonkwo, an old friend from university, who has\n"
        "agreed in principle.\n"
    )
    assert third_party(doc, "Femi\nOkonkwo")


def test_names_with_letters_beyond_latin_1_are_mentioned_again(analyse):
    """Polish, Turkish and Vietnamese letters ("ż", "Ł", "ş", "ễ") are letters of a name:
    a later mention of "Bożena" alone is found like any other."""
    doc = analyse(
        HEADER + "New partner Bożena KOWALCZYK (of Farnworth) will stay with him.\n"
        "He has been shouting at Bożena since the funeral.\n"
    )
    later = doc.text.index("Bożena since")
    assert named_at(doc, later)


def test_the_truecased_view_changes_only_the_case_of_letters(detector):
    """"İ" lowers to two code points; recasing "ÇELİK" must not eat the space after it
    ("Çeli̇kseen"), or the next word is lost to the name grammar and the model."""
    text = "PT MR YUSUF ÇELİK SEEN WITH WIFE AYŞE ÇELİK. SON MEHMET RANG.\n"
    view = detector.truecaser.view(text)
    assert len(view) == len(text)
    assert all(a == b for a, b in zip(text, view, strict=True) if not a.isalpha())
    assert "Çelik seen" in view


def test_pets_and_clerks_are_no_third_parties(analyse):
    doc = analyse(
        HEADER + "Says he got up from armchair to feed Joey (budgie), felt swimmy and sat down.\n"
        "Likes stroking Tilly (the home's cat). Walks his dog Bramble daily.\n"
        "03-Sep-2024  Administration  Karen DOYLE (Prescription clerk)\nRepeat issued.\n"
        "His son Jack (the dog walker) rang.\n"
    )
    for word in ("Joey", "Tilly", "Bramble", "Karen DOYLE"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, word), word
    assert third_party(doc, "Jack")


def test_named_instruments_and_landmarks_are_no_people(analyse):
    doc = analyse(
        HEADER + "Travel: Ha Long Bay and the Mekong Delta in March.\n"
        "Abbey Pain Scale 3/18. Wells DVT score 0.\n"
    )
    for word in ("Ha Long Bay", "Mekong Delta", "Abbey Pain Scale", "Wells"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, word), word


def test_a_courtesy_title_makes_a_clinical_word_a_surname(analyse):
    """"Baker" is a clinical word (Baker's cyst), but after "Mr" in any case it is a
    neighbour's surname; "MR" before a common word or a word in lower case is still
    modified release or a scan ("nifedipine MR plan", "MR enterography")."""
    doc = analyse(
        HEADER + "she left the gas on and mr baker next door smelt it\n"
        "MR BAKER says he will keep an eye on her.\n"
        "NIFEDIPINE MR PLAN TO CONTINUE. Booked for MR enterography.\n"
    )
    assert third_party(doc, "mr baker")
    assert third_party(doc, "MR BAKER")
    for word in ("MR PLAN", "MR enterography"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, word), word


def test_a_surname_that_ends_a_street_is_a_surname_when_printed_as_one(analyse):
    """"Summer STREET" after a first name, as a record prints a surname, is a child;
    "12 George STREET", with a house number, is an address."""
    doc = analyse(
        HEADER + "Siblings: Luwam TESFAY DOB 03/03/2012; Summer STREET DOB 20/11/2024\n"
        "NEIGHBOUR JACK STREET OF 29 CROMPTON WAY DOES HER SHOPPING.\n"
        "Address: 12 George STREET, Bolton\n"
    )
    assert third_party(doc, "Summer STREET")
    assert third_party(doc, "JACK STREET")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "George STREET")


def test_a_relatives_surname_takes_the_unknown_first_name_beside_it(analyse):
    """A sibling is Luwam TESFAY; "DAWIT TESFAY" later is the father's whole name, though
    no list knows "Dawit", and so is "Dawit" alone after it."""
    doc = analyse(
        HEADER + "Siblings: Luwam TESFAY DOB 03/03/2012\n"
        "NOT INVITED: DAWIT TESFAY - Father (see below)\n"
        "The address must not be shared with Dawit or his relatives.\n"
    )
    assert third_party(doc, "DAWIT TESFAY")
    assert named_at(doc, doc.text.index("Dawit or"))


@pytest.mark.parametrize(
    "text",
    [
        "O/E: alert, chatty, budgie (Joey) singing throughout. Walks the dog (Bruno) daily.",
        "we got a puppy in march, a cockapoo called bella, and my wife thinks it is the dog",
        "Address: 5 Craig-y-Don Parade, Llandudno, Conwy",
        "Completed 8 sessions of CBT Jan-Mar 2025.",
        "PAIN AFTER LIFTING SLATES AT WORK (ROOFER, ST AGNES).",
        "Given today: Hep A (Havrix Monodose) L deltoid, typhoid Vi (Typhim Vi) R deltoid.",
        "Consent: verbal from dad, PIL given. Vitamin D drops (Abidec) advised while breastfed.",
        "Asks about insulin timing on Shabbat and fast days: Yom Kippur plan with less Lantus.",
        "Asks when he can go back to work - packs boxes at Don Valley Foods, Attercliffe.",
        "Chemo starts 17/03 at the Christie. Address on record: Holly Cottage, Fen Drove.",
    ],
)
def test_pets_places_brands_and_festivals_are_no_people(analyse, text):
    doc = analyse(HEADER + text + "\n")
    names = third_party_names(doc)
    assert names == [], names


def test_a_patients_everyday_name_and_roles_written_after_a_name(analyse):
    """"Known to everyone as Mimi." says what the patient is called; a role in brackets
    may open with an eponym ("Parkinson's Disease Nurse Specialist"), but "(Frank's
    sister)" is a relative, and "WIFE-MAY" is a wife."""
    doc = analyse(
        HEADER + "Known to everyone as Mimi. Mimi manages her own tablets.\n"
        "Home visit - Angela BRIERLEY (Parkinson's Disease Nurse Specialist). Dispensary Technician Gareth MORRIS.\n"
        "MRS IVY HOLLOWAY (FRANK'S SISTER) CAME WITH HER. NOK: WIFE-MAY PRITCHARD, SAME ADDRESS.\n"
    )
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "Mimi manages")
    for name in ("Angela BRIERLEY", "Gareth MORRIS"):
        assert flagged_as(doc, name) <= {Category.PROFESSIONAL}, name
    assert third_party(doc, "IVY HOLLOWAY")
    assert third_party(doc, "MAY PRITCHARD")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # relation words as messages misspell them
        ("you can ring my freind faith on 07700 900231 she knows everything", ["faith"]),
        ("also my daugter sagal she is 7, she has a rash", ["sagal"]),
        # a list of names in capitals after a relation word, in a line of ordinary case
        ("Great-grandchildren ALFIE, MAISIE AND JUNE visit Sundays - pt looking forward to it.", ["MAISIE", "JUNE"]),
        # an everyday word after a relation word that the model reads as a name
        ("Granddaughter Sky (14, Sandeep's daughter) present and helping with his dosette box.", ["Sky"]),
    ],
)
def test_misspelt_relations_lists_in_capitals_and_word_names(analyse, text, names):
    doc = analyse(HEADER + text + "\n")
    for name in names:
        assert third_party(doc, name), name


def test_a_capitalised_mention_after_a_noun_is_the_name(analyse):
    """"the way Ruby looked": a capital in the middle of a sentence is the partner Ruby,
    though "the phone bill" in a record with a brother Bill is a bill."""
    doc = analyse(
        HEADER + "His partner, Ruby LANCASTER, came with him. Brother Bill drove.\n"
        "From the way Ruby looked at the floor I suspect it is more. He paid the phone bill.\n"
    )
    assert named_at(doc, doc.text.index("Ruby looked"))
    assert not named_at(doc, doc.text.index("bill."))


def test_a_surname_written_first_in_capitals_and_a_relatives_nickname(analyse):
    """"NGUYEN Thi Lan" is Lan Nguyen; so "Hoa NGUYEN ("Rose")" is the daughter, not the
    patient, and every later "Rose" is hers."""
    doc = analyse(
        "Patient: NGUYEN Thi Lan   DOB: 05/04/1948   NHS No: 999 443 7089\n"
        'Proxy user: daughter - Hoa NGUYEN ("Rose")   Mobile 07700 900951\n\n'
        "Hi its Rose, Mum is getting worse with her memory.\n"
        "Dear Rose, thank you for bringing Lan in today.\n"
    )
    assert named_at(doc, doc.text.index("Rose, Mum"))
    assert named_at(doc, doc.text.index("Rose, thank"))
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "Lan in")


def test_the_submitters_contact_details_are_theirs(analyse):
    doc = analyse(
        "Patient name: Elzbieta NOWAK      Date of birth: 17/06/1945      NHS number: 999 684 1081\n"
        "Submitted by: Marek Nowak - son\n"
        "Contact number: 07700 900816     Email: mark.nowak84@example.com\n\n"
        "Message: mum has got worse since xmas.\n"
    )
    assert flagged_as(doc, "mark.nowak84@example.com") == {Category.THIRD_PARTY_IDENTIFIER}


def test_professionals_in_attendance_lists_interpreter_lines_and_roles(analyse):
    """A conference's attendance list names agencies' staff: "Housing Options - Mark
    RIVERS"; an interpreter's line names the interpreter; a role before or after a lone
    name makes it staff ("Sade, Care Navigator", "Outreach worker Marek NOWAK"). A name
    with something said of it after the agency stays a third party."""
    doc = analyse(
        HEADER + "Present:\nHealth IDVA, Croydon University Hospital - Lucy FENTON\nHousing Options - Mark RIVERS\n"
        "Probation - PO Dawn MITCHELL\nEducation - Mrs Angela COOK, Croydon Education Safeguarding\n"
        "Police: Chinedu has convictions for supply.\n"
        "Interpreter: Tigrinya, Mr Tesfaldet ABRAHA (face to face)\n"
        "Mother (via interpreter): Selam accepts the home has been chaotic.\n"
        "13/05/2025 09:12 Sade, Care Navigator ---\n"
        "4. Outreach worker Marek NOWAK (Street Outreach) will accompany him.\n"
    )
    for name in ("Lucy FENTON", "Mark RIVERS", "Dawn MITCHELL", "Angela COOK", "Tesfaldet ABRAHA", "Sade", "Marek NOWAK"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, name), name
    assert third_party(doc, "Chinedu")
    assert third_party(doc, "Selam")


@pytest.mark.parametrize(
    "line",
    [
        "Text sent to 07700 900428 only: appointment confirmed.",
        "Rang pt mob 07700 900135. Answered, sober.",
        "ok thank you dr hill. new number is 07700 900876 sorry.",
        "Call back no: 07700 900467 (new). Do not use old number.",
    ],
)
def test_the_patients_own_number_by_more_wordings(analyse, line):
    doc = analyse(HEADER + line + "\n")
    start = doc.text.index("07700")
    assert {f.category for f in doc.findings if f.start <= start < f.end} == {Category.PATIENT_IDENTIFIER}


def test_the_patients_name_without_its_accents_and_the_name_they_are_called(analyse):
    """The header writes "Eglė", her message "egle"; "(everyone calls me chi-chi)" in the
    patient's own message is her name."""
    doc = analyse(
        "Patient: Eglė SAKALAUSKIENĖ   DOB: 09/11/1990   NHS No: 999 604 1395\n\n"
        "hi, i am egle, i would like the coil. Egle Sakalauskiene\n"
    )
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "egle")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "Egle Sakalauskiene")
    doc = analyse("Patient: Chiamaka EZE\n\nhi its chiamaka (everyone calls me chi-chi). can i get a sick note\n")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "chi-chi")


def test_a_maiden_name_with_an_apostrophe_and_a_modal_name_before_a_verb(analyse):
    """"WIFE MAY MASON (NEE O'BRIEN)": the wife's maiden name, though "May" is also a
    word; "MAY KNOWS." later is the wife (a modal verb takes no -s form after it), "MAY
    NEED PHYSIO" is the verb."""
    doc = analyse(
        HEADER + "NOK: WIFE MAY MASON (NEE O'BRIEN), SAME ADDRESS.\n"
        "WOULD LIKE TO TRACE HER ONE DAY. MAY KNOWS.\nREST AND ANALGESIA. MAY NEED PHYSIO IF NOT SETTLING.\n"
    )
    assert third_party(doc, "O'BRIEN")
    assert named_at(doc, doc.text.index("MAY KNOWS"))
    assert not named_at(doc, doc.text.index("MAY NEED"))


@pytest.mark.parametrize(
    "line",
    [
        "allocated SW Precious MOYO (Family Support Team).",
        "assessed jointly by myself and AMHP Mark Fox; he did not meet criteria.",
        "Handover ED 00:38 to NIC Heather Ng.",
        "Our dispensing optician Cerys Williams has given him glasses.",
        "Chaplain Rev. Dafydd Heart visited.",
        "seen 15:40 by enp gail horsfall",
        "ED informed (nurse in charge Sr Julie Massey).",
        "08/04/2024 09:50  Kwabena A. (SN)",
        "26 Jan 2024 08:50  Healthcare Admin (J. Kirk)",
    ],
)
def test_more_roles_written_before_or_after_a_name(analyse, line):
    doc = analyse(HEADER + line + "\n")
    names = third_party_names(doc)
    assert names == [], names


def test_a_cross_reference_is_no_name_and_a_role_after_a_sentence_is_not_the_names(analyse):
    """"(see LPA)" after a list of daughters is a cross-reference; ". GP informed" starts a
    new sentence, so the child named before it is no professional."""
    doc = analyse(
        HEADER + "Visitors: daughters emily and jo (see LPA). Linked records: baby, son (see family tab)\n"
        "Infant: Summer CARTER-BROOK. Referral to Children's Services re\nSummer. GP informed by task.\n"
    )
    assert not any(f.category is Category.THIRD_PARTY_NAME and "see" in f.text for f in doc.findings)
    assert named_at(doc, doc.text.index("Summer. GP"))


def test_the_patients_name_with_an_aside_or_after_a_person_label(analyse):
    doc = analyse(
        'Pt: Mrs Kathleen Bernadette McGRATH (known as "Kitty")   DOB 19/03/1936\n\n'
        "I saw Mrs Kathleen Bernadette McGRATH at home. Mrs McGrath is frail.\n"
    )
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "Kathleen Bernadette McGRATH at")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "Mrs McGrath")
    doc = analyse("Person: Mr Walter EASTAUGH          DOB: 08/05/1938\n\nMr Eastaugh was seen at home.\n")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "Mr Eastaugh")


def test_a_word_name_after_a_preposition_of_time(analyse):
    """A wife called Dawn: "WAKES AT DAWN WITH STIFF KNEES" is the hour; "UNTIL DAWN
    FINISHES HER SHIFT" is the wife."""
    doc = analyse(
        HEADER + "NOK: WIFE DAWN, SAME ADDRESS.\nWAKES AT DAWN WITH STIFF KNEES.\n"
        "KIDS STAY WITH NAN UNTIL DAWN FINISHES HER SHIFT.\n"
    )
    assert not named_at(doc, doc.text.index("DAWN WITH"))
    assert named_at(doc, doc.text.index("DAWN FINISHES"))


def test_a_titled_signature_and_a_practice_after_a_name_are_staff(analyse):
    """"Ms Helen Pryor" alone on a letter's line with her role on the next; a name
    followed by its practice in a message's sign-off or a cc line."""
    doc = analyse(
        HEADER + "Yours sincerely\n\nMs Helen Pryor\nAdvanced Nurse Practitioner, EPAU\n\n"
        "cc: Ms Joy Ogunleye, Kingsmead Health Centre\nKind regards, Summer Hayes, Corve Valley Surgery\n"
    )
    for name in ("Helen Pryor", "Joy Ogunleye", "Summer Hayes"):
        assert Category.THIRD_PARTY_NAME not in flagged_as(doc, name), name


def test_a_surname_with_a_particle(analyse):
    """"Mrs Faith de Souza (daughter)": the whole name is the daughter's, and "de" alone
    never becomes a name. (A town after a relation word stays a name: many first names
    are towns somewhere, "brother BARAN (19)".)"""
    doc = analyse(
        HEADER + "NOK 2: Mrs Faith de Souza (daughter)   020 7946 0381\n"
        "Household: brother BARAN (19). Mrs de Souza rang. She is de facto carer.\n"
    )
    assert third_party(doc, "Faith de Souza")
    assert third_party(doc, "Mrs de Souza")
    assert third_party(doc, "BARAN")
    assert Category.THIRD_PARTY_NAME not in flagged_as(doc, "de facto")
