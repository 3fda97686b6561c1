"""One vocabulary: every surface names a category the same way, and reads any spelling."""

from __future__ import annotations

import pytest

from redactor.decide.policy import PolicyError, load_policy
from redactor.detect.resources import misspellings, models_dir
from redactor.model import Category
from redactor.vocabulary import CODES, LABELS, ORDER, counted, numbered, parse_category


def test_every_category_has_one_code_and_one_label():
    assert set(CODES) == set(LABELS) == set(ORDER) == set(Category)
    assert len(set(CODES.values())) == len(CODES) and len(set(LABELS.values())) == len(LABELS)


@pytest.mark.parametrize("spelling", ["SAFEGUARDING", "saf", "Safeguarding", " SAF ", "2"])
def test_any_spelling_or_its_number(spelling):
    assert parse_category(spelling) is Category.SAFEGUARDING


def test_an_unknown_word_lists_the_choices():
    with pytest.raises(ValueError, match="1 HRM serious harm, 2 SAF safeguarding"):
        parse_category("safeguard")
    assert numbered([Category.THIRD_PARTY_NAME]) == "1 TPN third-party name"
    assert (
        counted({Category.THIRD_PARTY_NAME: 3, Category.SAFEGUARDING: 5})
        == "safeguarding 5, third-party name 3"
    )


def test_a_policy_file_may_use_codes_and_labels(tmp_path):
    text = (models_dir() / "policies" / "patient-access.yml").read_text()
    for category in Category:
        text = text.replace(f"  {category.value}:", f"  {CODES[category]}:")
    policy = tmp_path / "codes.yml"
    policy.write_text(text.replace("  SAF:", "  safeguarding:"))
    assert load_policy(policy).actions == load_policy().actions
    policy.write_text(text.replace("  SAF:", "  safeguard:"))
    with pytest.raises(PolicyError, match="not a known category"):
        load_policy(policy)


def test_relation_words_as_they_are_misspelt():
    """One letter dropped or two swapped, never a spelling that is a word already."""
    variants = misspellings({"daughter", "friend", "brother", "niece", "mum"}, {"bother", "fiend"})
    assert {"daugter", "duaghter", "freind", "frend", "neice", "brther"} <= variants
    assert not {"bother", "fiend", "mmu", "daughter"} & variants  # words, a short word, the word itself
