"""One vocabulary for every surface: each category's name (JSON, policy files), its
short code (terminal, review prompts, filters, like ruff's rule codes) and its label
(HTML, the one-line why). A reader may type any of the three, in any case, or the
number shown beside it in the review prompt's list."""

from __future__ import annotations

from .model import Category

CODES = {
    Category.THIRD_PARTY_NAME: "TPN",
    Category.THIRD_PARTY_IDENTIFIER: "TPD",  # contact details and identifiers
    Category.THIRD_PARTY_INFO: "TPI",
    Category.SAFEGUARDING: "SAF",
    Category.CLINICIAN_OPINION: "OPN",
    Category.SERIOUS_HARM: "HRM",
    Category.LEGALLY_RESTRICTED: "LEG",
    Category.SENSITIVE_HEALTH: "SEN",
    Category.PROFESSIONAL: "PRO",
    Category.PATIENT_IDENTIFIER: "PAT",
    Category.UNREADABLE: "UNR",
}
LABELS = {
    Category.THIRD_PARTY_NAME: "third-party name",
    Category.THIRD_PARTY_IDENTIFIER: "third-party identifier",
    Category.THIRD_PARTY_INFO: "third-party information",
    Category.SAFEGUARDING: "safeguarding",
    Category.CLINICIAN_OPINION: "clinician opinion",
    Category.SERIOUS_HARM: "serious harm",
    Category.LEGALLY_RESTRICTED: "legally restricted",
    Category.SENSITIVE_HEALTH: "sensitive health",
    Category.PROFESSIONAL: "professional",
    Category.PATIENT_IDENTIFIER: "patient identifier",
    Category.UNREADABLE: "unreadable",
}
# The order categories are listed and numbered in, most harmful first.
ORDER = [
    Category.SERIOUS_HARM,
    Category.SAFEGUARDING,
    Category.THIRD_PARTY_NAME,
    Category.THIRD_PARTY_IDENTIFIER,
    Category.THIRD_PARTY_INFO,
    Category.LEGALLY_RESTRICTED,
    Category.SENSITIVE_HEALTH,
    Category.CLINICIAN_OPINION,
    Category.UNREADABLE,
    Category.PROFESSIONAL,
    Category.PATIENT_IDENTIFIER,
]


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


_BY_KEY = {_key(spelling): c for c in Category for spelling in (c.value, CODES[c], LABELS[c])}


def parse_category(text: str, choices: list[Category] | None = None) -> Category:
    """A category from its name, code or label in any case or spacing, or from its
    number (from 1) in `choices`; ValueError lists what would have been understood."""
    choices = choices or ORDER
    cleaned = text.strip()
    if cleaned.isdigit() and 1 <= int(cleaned) <= len(choices):
        return choices[int(cleaned) - 1]
    found = _BY_KEY.get(_key(cleaned))
    if found is not None and found in choices:
        return found
    raise ValueError(f"not a category; one of: {numbered(choices)}")


def numbered(choices: list[Category] | None = None) -> str:
    """ "1 HRM serious harm, 2 SAF safeguarding, ...": the list a prompt shows."""
    return ", ".join(f"{n} {CODES[c]} {LABELS[c]}" for n, c in enumerate(choices or ORDER, 1))


def counted(counts: dict[Category, int]) -> str:
    """ "safeguarding 5, third-party name 3": most harmful first, the labels a reader knows."""
    return ", ".join(f"{LABELS[c]} {counts[c]}" for c in ORDER if counts.get(c))
