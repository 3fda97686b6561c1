"""Passages: the splitter, whole-passage findings, the quiet tier and the classifier."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from redactor.decide.policy import load_policy
from redactor.detect.resources import models_dir
from redactor.detect.sentences import SentenceRules, split
from redactor.model import Action, Category, Verdict

RULES = SentenceRules.load(models_dir() / "patterns" / "sentences.yml")
HEADER = "Name: Mr Daniel HARGREAVES  DOB: 14-Feb-1988\n"


def units(text: str) -> list[str]:
    return [text[s:e] for s, e in split(text, RULES)]


def test_journal_lines_are_units_and_shorthand_full_stops_end_nothing():
    text = "History: cough 3/7. No SOB.\nO/E. chest clear. ?NAI discussed with Dr. Jones.\nPlan: r/v 2/52\n"
    assert units(text) == [
        "History: cough 3/7.",
        "No SOB.",
        "O/E. chest clear.",
        "?NAI discussed with Dr. Jones.",
        "Plan: r/v 2/52",
    ]


def test_wrapped_sentences_run_on_and_short_lines_do_not():
    letter = (
        "She told me that her husband had been shouting at the children and\n"
        "that she is frightened to go home. I FEEL SHE IS FRIGHTENED AT\n"
        "          HOME\n"
    )
    assert units(letter) == [
        "She told me that her husband had been shouting at the children and\nthat she is frightened to go home.",
        "I FEEL SHE IS FRIGHTENED AT\n          HOME",
    ]
    notes = "seen w mum\nseemed scared talking abt him\nr/v 1/52\n"
    assert units(notes) == ["seen w mum", "seemed scared talking abt him", "r/v 1/52"]


def test_a_new_fact_never_joins_the_line_before():
    text = "Long line of history that goes on and on without any full stop at its end\n- CP plan\n"
    assert units(text)[-1] == "- CP plan"


def test_spans_only_removes_the_whole_passage(analyse):
    from redactor.apply.plan import plan, redact_text

    doc = analyse(HEADER + "Kayden made subject of a CP plan under category neglect. BP 120/80.\n")
    [sg] = [f for f in doc.findings if f.category is Category.SAFEGUARDING]
    assert sg.text == "Kayden made subject of a CP plan under category neglect."
    kept = redact_text(doc.text, plan(doc, unreviewed="redact", whole_entries=False))
    assert "neglect" not in kept and "Kayden" not in kept and "BP 120/80." in kept


def test_the_policy_can_raise_the_quiet_tier_to_review(analyse, tmp_path: Path):
    policy_file = tmp_path / "strict.yml"
    text = (models_dir() / "policies" / "patient-access.yml").read_text().replace("quiet: note", "quiet: review")
    policy_file.write_text(text)
    strict = load_policy(policy_file)
    doc = analyse(HEADER + "Dad has gout.\n")
    [note] = [f for f in doc.findings if f.category is Category.THIRD_PARTY_INFO]
    assert note.quiet and note.action is Action.NOTE
    assert strict.action_for(note) is Action.REVIEW


def test_a_bad_quiet_setting_names_the_file(tmp_path: Path):
    from redactor.decide import PolicyError

    policy_file = tmp_path / "odd.yml"
    text = (models_dir() / "policies" / "patient-access.yml").read_text().replace("quiet: note", "quiet: hide")
    policy_file.write_text(text)
    with pytest.raises(PolicyError, match=r"odd\.yml: quiet must be"):
        load_policy(policy_file)


def test_a_name_or_another_category_in_the_passage_keeps_family_news_held(analyse):
    doc = analyse(HEADER + "Dad Peter Hargreaves has gout.\nSister has HIV.\n")
    info = [f for f in doc.findings if f.category is Category.THIRD_PARTY_INFO]
    assert info and not any(f.quiet for f in info)
    assert all(e.verdict is not Verdict.SHOW for e in doc.entries)


def test_a_negative_hiv_test_is_still_sensitive(analyse):
    doc = analyse(HEADER + "HIV test negative.\n")
    [sen] = [f for f in doc.findings if f.category is Category.SENSITIVE_HEALTH]
    assert sen.action is Action.REVIEW and not sen.quiet


@pytest.mark.parametrize(
    "text",
    [
        "Contraception: wants Depo-Provera rather than the pill because Colin goes through her bag.\n",
        "can i have the injection or implant so he cant tell, he checks everything\n",
        "i did a test and its positive. i dont want to keep it.\n",
        "hi um i want to start the pill and i dont want my mum to know.\n",
    ],
)
def test_hidden_contraception_and_termination_in_plain_words(analyse, text):
    doc = analyse(HEADER + text)
    assert any(f.category is Category.SENSITIVE_HEALTH for f in doc.findings)


def test_the_classifier_finds_a_passage_no_word_list_holds(analyse, detector):
    if detector.passages.classifier is None:
        pytest.skip("no sentence classifier in models/passages")
    sentence = "Her story about the lost prescription has changed three times this month."
    doc = analyse(HEADER + sentence + "\n")
    found = [f for f in doc.findings if f.rule == "passages/sentence-classifier"]
    assert found and found[0].text == sentence
    assert re.match(r"sentence classifier [01]\.\d\d: ", found[0].reason)


def test_the_report_carries_evidence_and_the_quiet_flag(analyse):
    doc = analyse(HEADER + "MARAC referral made with her agreement.\nDad has gout.\n")
    rows = [f.to_json() for f in doc.findings]
    sg = next(r for r in rows if r["category"] == "SAFEGUARDING")
    assert sg["evidence"] and all(sg["start"] <= e["start"] < e["end"] <= sg["end"] for e in sg["evidence"])
    note = next(r for r in rows if r["category"] == "THIRD_PARTY_INFO")
    assert note["quiet"] is True and note["action"] == "note"
    json.dumps(rows)  # plain JSON all through


def test_a_negation_reaches_no_further_than_its_clause(analyse):
    doc = analyse(HEADER + "No fever, smelt strongly of alcohol.\nPt sounded guarded, call ended abruptly.\n")
    opinions = [f for f in doc.findings if f.category is Category.CLINICIAN_OPINION]
    assert len(opinions) == 2 and all(f.action is Action.REVIEW for f in opinions)


def test_the_html_report_marks_the_evidence_and_shows_notes_apart(analyse, tmp_path: Path):
    from redactor.report.html_report import write_html_report

    doc = analyse(HEADER + "MARAC referral made with her agreement.\nDad has gout.\n")
    out = tmp_path / "report.html"
    write_html_report(out, [doc], [], "patient-access")
    html = out.read_text()
    assert "<b>MARAC referral</b>" in html
    assert "class='a-note'" in html and "value='note'" in html


def test_a_parent_giving_a_young_childs_history_is_a_note_but_not_an_adults(analyse):
    # Too short for the classifier to call it routine: only the patient's age decides.
    child = analyse("Name: Oliver Brown  DOB: 01/02/2021\n\n12-Mar-2024 10:32  Dr Anita PATEL (GP)\nMum rang re cough.\n")
    adult = analyse("Name: Oliver Brown  DOB: 01/02/1971\n\n12-Mar-2024 10:32  Dr Anita PATEL (GP)\nMum rang re cough.\n")
    [note] = [f for f in child.findings if f.category is Category.THIRD_PARTY_INFO]
    [held] = [f for f in adult.findings if f.category is Category.THIRD_PARTY_INFO]
    assert note.action is Action.NOTE and "young child" in note.reason
    assert held.action is Action.REVIEW
    worried = analyse(
        "Name: Oliver Brown  DOB: 01/02/2021\n\n12-Mar-2024 10:32  Dr Anita PATEL (GP)\n"
        "Mum rang to say stepdad hit him last night.\n"
    )
    assert all(f.action is not Action.NOTE for f in worried.findings if f.category is Category.THIRD_PARTY_INFO)


def test_a_relatives_routine_call_is_a_note_and_a_report_is_held(analyse, detector):
    if detector.passages.classifier is None:
        pytest.skip("no sentence classifier in models/passages")
    doc = analyse(
        HEADER + "Husband phoned to ask for a repeat prescription for her inhaler.\n"
        "Wife rang to say he has been hitting her when drunk.\n"
    )
    routine, report = [f for f in doc.findings if f.category is Category.THIRD_PARTY_INFO]
    assert routine.action is Action.NOTE and "routine part" in routine.reason
    assert report.action is Action.REVIEW


def test_a_classifier_finding_alone_is_held_for_review_never_removed_unseen(analyse, detector):
    from redactor.model import Finding

    policy = load_policy()
    guess = Finding(0, 5, "x" * 5, Category.SERIOUS_HARM, 0.99, "passages/sentence-classifier", "r")
    listed = guess.with_(rule="SERIOUS_HARM/refuge")
    assert policy.action_for(guess) is Action.REVIEW
    assert policy.action_for(listed) is Action.REDACT


def test_routine_family_presence_and_the_patients_own_state_hold_nothing(analyse):
    doc = analyse(
        HEADER + "12/03/2025 Dr A SMITH\nAsthma review. Son also attended.\n"
        "SH: self-employed builder, 2 kids, drinks 12 u/wk, smokes ~8/day.\n"
        "FH: brother also has type 2 diabetes, on insulin.\nFoot check normal.\nFeels well. No hypos.\n"
    )
    held = [f for f in doc.findings if f.action in (Action.REDACT, Action.REVIEW)]
    assert held == [], [(f.text, f.rule) for f in held]
    assert all(e.verdict is Verdict.SHOW for e in doc.entries)


def test_what_follows_a_relatives_report_is_still_carried_on(analyse):
    doc = analyse(HEADER + "Daughter rang from work. Concerned her brother is back on heroin. Worried about the oramorph going missing.\n")
    assert any(f.text.startswith("Worried about") and f.category is Category.THIRD_PARTY_INFO for f in doc.findings)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Rob asked me in the kitchen not to say anything to his dad about the scan.\n", Category.SERIOUS_HARM),
        ("Daughter rang and asked that we wait until after her wedding before telling him.\n", Category.SERIOUS_HARM),
        ("Family court made a prohibited steps order on 14/01.\n", Category.SAFEGUARDING),
        ("Contact with Rory has been supervised by his grandmother since May.\n", Category.SAFEGUARDING),
        ("Shared care request: feminising hormones since 2019.\n", Category.LEGALLY_RESTRICTED),
        ("She started Biktarvy one tablet daily.\n", Category.SENSITIVE_HEALTH),
        ("GUM: chlamydia positive. WIFE NOT TO KNOW - HE INSISTS.\n", Category.SENSITIVE_HEALTH),
    ],
)
def test_passages_written_without_the_usual_keyword(analyse, text, category):
    doc = analyse(HEADER + text)
    last = doc.text.rstrip().rsplit("\n", 1)[-1].rsplit(". ", 1)[-1]
    assert category in {f.category for f in doc.findings if f.start <= doc.text.index(last) < f.end}


@pytest.mark.parametrize(
    "text",
    [
        "The fall was not witnessed and the account changed between ED and the ward.\n",
        "I was not satisfied the explanation fitted.\n",
        "She may be under more pressure from him than she says.\n",
        "I did have some concern today that her husband is less sure.\n",
        "Breath heavy with drink at nine in the morning.\n",
    ],
)
def test_a_clinicians_doubt_in_plain_words(analyse, text):
    doc = analyse(HEADER + text)
    assert any(f.category is Category.CLINICIAN_OPINION and f.action is Action.REVIEW for f in doc.findings)


def test_clinical_uncertainty_is_no_opinion_of_anyone_in_the_word_lists(analyse):
    # (the sentence classifier still reads the first as an opinion: a known false flag)
    doc = analyse(HEADER + "I am not sure the MRI is needed. Felt dizzy on standing.\n")
    assert not any(f.rule.startswith("CLINICIAN_OPINION/") for f in doc.findings)


def test_a_named_relatives_health_in_shorthand_with_no_verb(analyse):
    doc = analyse(
        HEADER + "WIFE IRIS DX MULTIPLE SCLEROSIS, NOW IN WHEELCHAIR.\n"
        "Husband Will (Alzheimer's, dx 2022) now up 3-4x a night.\nSeen with daughter Amy today.\n"
    )
    info = [f for f in doc.findings if f.category is Category.THIRD_PARTY_INFO and f.action is Action.REVIEW]
    assert {f.text[:4] for f in info} == {"WIFE", "Husb"}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("On day 2, while confused, he threw a water jug at an HCA.\n", Category.SERIOUS_HARM),
        ("Safe contact: mobile between 9 and 4 only, never post.\n", Category.SERIOUS_HARM),
        ("Please send no letters to his old address - mum opens his post.\n", Category.SERIOUS_HARM),
        ("Registered at birth as female, previous forename Eleanor.\n", Category.LEGALLY_RESTRICTED),
        ("Cervical screening: has a cervix but is registered male.\n", Category.LEGALLY_RESTRICTED),
        ("CP plans remain in place.\n", Category.SAFEGUARDING),
    ],
)
def test_harm_restriction_and_safeguarding_in_everyday_words(analyse, text, category):
    doc = analyse(HEADER + text)
    assert category in {f.category for f in doc.findings}


def test_a_clinical_risk_score_is_no_safeguarding_risk_level(analyse):
    doc = analyse(HEADER + "Child protection plan in place.\nWaterlow 17 (high risk). Pressure care explained.\n")
    line = doc.text.index("Waterlow")
    assert not any(f.category is Category.SAFEGUARDING and f.start <= line < f.end for f in doc.findings)


def test_a_past_termination_does_not_make_later_contraception_sensitive(analyse):
    past = analyse(HEADER + "Obstetric hx: G2 P1. Surgical TOP at 9 weeks, 2021.\nOptions discussed: Mirena, implant.\n")
    now = analyse(HEADER + "i did a test and its positive. i dont want to keep it.\nOptions discussed: Mirena, implant.\n")
    for doc, held in ((past, False), (now, True)):
        line = doc.text.index("Options")
        assert any(f.category is Category.SENSITIVE_HEALTH and f.start <= line < f.end for f in doc.findings) is held


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Describes him checking her phone and bank app, taking her wages.\n", Category.SAFEGUARDING),
        ("Older half-sister (6) is also on a plan.\n", Category.SAFEGUARDING),
        ("EPDS 15; mum tearful, says she feels alone.\n", Category.THIRD_PARTY_INFO),
        ("Depo-Provera 150mg IM given; pt wishes this kept confidential.\n", Category.SENSITIVE_HEALTH),
    ],
)
def test_control_plans_a_parents_mood_and_confidential_contraception(analyse, text, category):
    doc = analyse(HEADER + text)
    assert any(f.category is category and f.action is not Action.NOTE for f in doc.findings)


@pytest.mark.parametrize(
    "text",
    [
        'Pt said she was "closed" as a child and has had difficulty with smears.\n',
        "Pt told me that her ex plans to take Ayaan to Somaliland in the summer.\n",
        "Bail conditions: not to contact his ex-partner.\n",
    ],
)
def test_safeguarding_in_the_words_people_use(analyse, text):
    doc = analyse(HEADER + text)
    assert any(f.category is Category.SAFEGUARDING for f in doc.findings)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Request from daughter not to disclose she raised concern.\n", Category.SERIOUS_HARM),
        ("Clinic letter: copy handed to her in clinic; not to be posted to the house.\n", Category.SERIOUS_HARM),
        ("BRUISE L UPPER ARM - ?FROM HUSB.\n", Category.CLINICIAN_OPINION),
        ("Low mood. ? coercive partner - she says no, low threshold to ask again.\n", Category.CLINICIAN_OPINION),
    ],
)
def test_a_request_not_to_disclose_and_a_queried_cause_in_the_word_lists(analyse, text, category):
    """Word-list rules, so they hold whatever the sentence classifier reads."""
    doc = analyse(HEADER + text)
    assert any(f.category is category and not f.rule.startswith("passages/") for f in doc.findings)


def test_advice_not_to_share_or_drive_is_no_restriction(analyse):
    doc = analyse(HEADER + "Impetigo. Advised not to share towels. Told not to drive for 6 months.\n")
    assert not any(f.category is Category.SERIOUS_HARM for f in doc.findings)


@pytest.mark.parametrize(
    "text",
    [
        "NORCAP DETAILS GIVEN.\n",
        "SECTION 51 COUNSELLING ARRANGED WITH SOCIAL SERVICES.\n",
        "Sister Blessing has had her own follow-up here after egg collection.\n",
        "She says the daughter she gave up for adoption has written to her.\n",
    ],
)
def test_tracing_a_birth_family_and_egg_collection_are_legally_restricted(analyse, text):
    doc = analyse(HEADER + text)
    assert any(f.category is Category.LEGALLY_RESTRICTED for f in doc.findings)
