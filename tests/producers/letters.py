"""The corpus letters, once, so every producer sets the same words.

Every person here is invented. The NHS number is in the 999 test range with a valid
check digit, and the phone numbers are in Ofcom's range kept for drama. What must be
flagged, kept and never leak is in expected.json beside this file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Letter:
    letterhead: tuple[str, ...]
    recipient: tuple[str, ...]
    patient: tuple[tuple[str, str], ...]  # (label, value) in the header block
    date: str
    salutation: str
    subject: str
    # In the narrow layouts a paragraph starting with WRAP_LINE is set in a width
    # that breaks the line between a third party's first name and surname.
    paragraphs: tuple[str, ...]
    closing: tuple[str, ...]

    def lines(self) -> list[str]:
        """The letter as plain lines, a blank line between blocks (image renders, groff)."""
        blocks: list[list[str]] = [
            list(self.letterhead),
            list(self.recipient),
            [f"{label}: {value}" for label, value in self.patient],
            [self.date],
            [self.salutation],
            [self.subject],
            *([p] for p in self.paragraphs),
            list(self.closing),
        ]
        out: list[str] = []
        for block in blocks:
            out.extend(block)
            out.append("")
        return out[:-1]


# What fits on the first line of a narrow column, and what must not.
WRAP_LINE = "Her grandson Anselm"
WRAP_NAME = "Anselm Wetherall"

CLINIC = Letter(
    letterhead=(
        "Harrowfield General Hospital NHS Trust",
        "Memory Assessment Service, Wexcombe Road, Harrowfield HF3 2QT",
        "Tel: 01632 960481",
    ),
    recipient=("Dr Imogen Strachan", "Larkspur Lane Surgery, 4 Larkspur Lane, Harrowfield HF1 6BD"),
    patient=(
        ("Name", "Margery Tolhurst"),
        ("DOB", "12/03/1946"),
        ("NHS No", "999 620 9660"),
        ("Address", "27 Kestrel Close, Harrowfield HF2 8LN"),
    ),
    date="Date: 14/05/2025",
    salutation="Dear Dr Strachan,",
    subject="Re: Memory clinic review",
    paragraphs=(
        "I reviewed Mrs Tolhurst in the memory clinic today. Her daughter Philippa "
        "Quennell-Hart (07700 900123) attended with her and gave a helpful account.",
        "Her neighbour Mr Bartholomew Ferrante has found her walking outside at night twice since March.",
        "Her grandson Anselm Wetherall now collects her prescriptions each week.",
        "Her MMSE today was 23/30, with losses in recall and orientation to time. Her bloods "
        "and CT head were unremarkable. I have started donepezil 5 mg at night and will "
        "review her in clinic in three months.",
    ),
    closing=("Yours sincerely,", "Dr Rupert Halloway", "Consultant Geriatrician"),
)

# Page two of the multi-page TIFF.
CONTINUATION = Letter(
    letterhead=("Harrowfield General Hospital NHS Trust", "Memory Assessment Service: continuation sheet"),
    recipient=(),
    patient=(("Name", "Margery Tolhurst"), ("DOB", "12/03/1946"), ("NHS No", "999 620 9660")),
    date="Date: 14/05/2025",
    salutation="Page 2 of 2",
    subject="Social history",
    paragraphs=(
        "Her son Crispin Delahaye (07700 900456) lives in Leeds and telephones her each "
        "evening. She manages her own personal care and cooks simple meals.",
        "We will write again after her next appointment.",
    ),
    closing=("Dr Rupert Halloway", "Consultant Geriatrician"),
)

# The incremental update: the first revision copies the letter to a neighbour; the
# second drops that line and adds an addendum, so only the earlier revision, still in
# the file's bytes, names her.
EARLIER_REVISION_LINE = "cc: Mrs Winifred Ashby, 29 Kestrel Close (neighbour)"
ADDENDUM_LINE = "Addendum 16/05/2025: her son Crispin Delahaye telephoned about her driving."
