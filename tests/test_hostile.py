"""Hostile input: every reader gives a Document or an IngestError, and no error quotes record text.

The corpus (tests/hostile.py) holds one case per known way to break a reader; the
property-based tests build documents that are well-formed but of the wrong shape
(any field of any JSON type, XML elements dropped, repeated or shuffled, ragged CSV,
odd Word bodies) and plain random bytes. Coverage-guided fuzzing is in fuzz/.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

from redactor.formats import fhir
from redactor.ingest import IngestError, InputFile, find_inputs, load_document
from redactor.model import Document

from . import hostile
from .hostile import MARKER, leaks

CASES = hostile.cases()
# CI runs 100 examples a test; REDACTOR_HOSTILE_EXAMPLES=5000 searches harder by hand.
PROPERTY = settings(
    max_examples=int(os.environ.get("REDACTOR_HOSTILE_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def load(data: bytes, filename: str) -> Document | None:
    """load_document on these bytes: the Document, or None when refused with a clean
    message. Anything else raised fails the test."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        path.write_bytes(data)
        try:
            return load_document(InputFile(path, filename))
        except IngestError as exc:
            message = str(exc)
            assert message and "\n" not in message, "one line"
            assert not leaks(message), f"the message quotes record text: {message}"
            return None


# --- the corpus ------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case_is_read_or_refused_cleanly(case):
    document = load(case.data, case.filename)
    assert ("read" if document is not None else "error") == case.expect


def test_corpus_is_small_and_quick_to_build():
    start = time.perf_counter()
    cases = hostile.cases()
    assert time.perf_counter() - start < 1.0
    assert sum(len(c.data) for c in cases) < 5 * 1024 * 1024
    assert {c.expect for c in cases} == {"read", "error"}


def by_name(name: str) -> hostile.Case:
    return next(c for c in CASES if c.name == name)


def refusal(name: str) -> str:
    case = by_name(name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / case.filename
        path.write_bytes(case.data)
        with pytest.raises(IngestError) as error:
            load_document(InputFile(path, case.filename))
    return str(error.value)


@pytest.mark.parametrize(
    "name",
    ["gp2gp-dtd-internal-entity", "gp2gp-dtd-external", "gp2gp-dtd-bare", "gp2gp-billion-laughs",
     "gp2gp-dtd-utf16", "docx-dtd-document", "docx-dtd-content-types", "docx-dtd-utf16"],
)  # fmt: skip
def test_any_dtd_is_refused_as_such(name):
    assert refusal(name).startswith("XML with a document type declaration (DTD) is refused")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("gp2gp-undefined-entity", r"not well-formed XML at line 2 column \d+ \(undeclared entity\)"),
        ("gp2gp-tag-mismatch", r"not well-formed XML at line 2 column \d+ \(tag name mismatch\)"),
        ("gp2gp-encoding-unknown", r"not well-formed XML at line 1 column \d+ \(unsupported encoding\)"),
        ("gp2gp-markup-in-text", r"a text element holds markup or a comment with text \(line 2\)"),
        ("pdf-flate-bomb", "PDF stream too large when decompressed"),
        ("pdf-encrypted", "encrypted PDF"),
        ("docx-zip-bomb", "a DOCX part is too large when decompressed"),
        ("docx-zip-bomb-many", "DOCX too large when decompressed"),
        ("docx-size-lies", "damaged zip member"),
        ("fhir-unknown-version", r"unknown FHIR version in fhirVersion \(redactor reads"),
        ("fhir-telecom-strings", r"not valid FHIR: entry\[2\] telecom\[0\] is not an object"),
        ("fhir-given-string", r"not valid FHIR: entry\[2\] name\[0\]\.given is not a list"),
        ("fhir-lone-surrogate", "unpaired surrogate"),
        ("fhir-huge-int", "a number too long to read"),
        ("fhir-deep-nesting", "nested more than 100 levels deep"),
        ("text-nul-after-8k", "binary data"),
        ("csv-huge-field", "field larger than field limit"),
    ],
)
def test_refusals_name_the_problem(name, message):
    assert re.search(message, refusal(name)), refusal(name)


@pytest.mark.parametrize(
    "name", ["gp2gp-utf16-bom", "gp2gp-utf16-be-bom", "gp2gp-leading-comment", "gp2gp-leading-pi"]
)
def test_gp2gp_in_utf16_or_after_a_comment_reads_normally(name):
    document = load(by_name(name).data, "extract.xml")
    assert document is not None and MARKER in document.text
    assert document.patient.nhs_number == "9990001234"
    assert [e.author for e in document.entries] == ["Dr Omar Quayle"]


@pytest.mark.parametrize(
    "name",
    [c.name for c in CASES if c.name.startswith("fhir-attachment-") and c.name != "fhir-attachment-text"],
)
def test_an_attachment_that_cannot_be_read_is_flagged_not_dropped(name):
    document = load(by_name(name).data, "bundle.json")
    assert document is not None
    assert [reason for _, _, reason in document.unreadable_spans if "check it by hand" in reason]
    assert not any(leaks(reason) for _, _, reason in document.unreadable_spans)


def test_an_oversized_attachment_is_flagged(monkeypatch):
    monkeypatch.setattr(fhir, "MAX_ATTACHMENT_BYTES", 10)
    data = hostile.fhir_attachment(
        {"contentType": "text/plain", "data": base64.b64encode(MARKER.encode()).decode()}
    )
    document = fhir.read(data).document
    assert not any(segment.where.endswith(".attachment") for segment in document.segments)
    assert any("too large" in reason for _, _, reason in document.unreadable_spans)


def test_a_readable_text_attachment_is_read():
    document = load(by_name("fhir-attachment-text").data, "bundle.json")
    assert document is not None and not document.unreadable_spans
    assert document.text.count(MARKER) >= 3  # the contact, the comment and the attachment


# --- structurally valid, type-wrong documents ------------------------------------

# Dict keys drawn from the names the readers look for, so a random object takes their shapes.
# fmt: off
FHIR_KEYS = (
    "resourceType", "id", "meta", "profile", "security", "fhirVersion", "entry", "resource", "name",
    "given", "family", "prefix", "text", "div", "telecom", "system", "value", "address", "line",
    "postalCode", "city", "contact", "identifier", "birthDate", "comment", "description", "title",
    "display", "code", "coding", "reference", "subject", "patient", "practitioner", "performer",
    "participant", "individual", "encounter", "context", "period", "start", "effectiveDateTime",
    "contentType", "data", "url", "content", "item", "valueString",
)
# fmt: on
FHIR_STRINGS = st.sampled_from(
    [
        "Patient",
        "RelatedPerson",
        "Practitioner",
        "PractitionerRole",
        "Encounter",
        "List",
        "Binary",
        "Observation",
        "Patient/p1",
        "RelatedPerson/r1",
        "Encounter/e1",
        "Binary/b1",
        "Practitioner/g1",
        "http://snomed.info/sct",
        "application/pdf",
        "text/plain",
        "image/png",
        "4.0.1",
        "3.0.1",
        "official",
        "phone",
        "email",
        MARKER,
        base64.b64encode(MARKER.encode()).decode(),
        "<div>x<br/>y</div>",
        "",
        " ",
    ]
) | st.text(max_size=12)  # fmt: skip
JSON_LEAVES = (
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False, allow_infinity=False)
    | FHIR_STRINGS
)  # fmt: skip
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(FHIR_KEYS) | st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=8,
)


@st.composite
def mutated(draw: st.DrawFn, tree: Any, rate: int = 12) -> Any:
    """The tree with about one node in `rate` (leaf or container) replaced by a JSON
    value of any type."""

    def visit(node: Any) -> Any:
        if draw(st.integers(0, rate - 1)) == 0:
            return draw(JSON_VALUES)
        if isinstance(node, dict):
            return {key: visit(value) for key, value in node.items()}
        if isinstance(node, list):
            return [visit(value) for value in node]
        return node

    return visit(tree)


def fhir_tree() -> dict[str, Any]:
    binary = {"resourceType": "Binary", "id": "b1", "contentType": "text/plain",
              "data": base64.b64encode(f"Letter about {MARKER}".encode()).decode()}  # fmt: skip
    document = {"resourceType": "DocumentReference", "id": "d1", "context": {"encounter": {"reference": "Encounter/e1"}},
                "content": [{"attachment": {"contentType": "text/plain", "url": "Binary/b1", "title": MARKER}}]}  # fmt: skip
    listing = {"resourceType": "List", "id": "l1", "encounter": {"reference": "Encounter/e1"},
               "entry": [{"item": {"reference": "Observation/o1"}}]}  # fmt: skip
    return json.loads(hostile.fhir_bundle(*hostile.fhir_resources(), binary, document, listing))


@PROPERTY
@given(mutated(fhir_tree()))
def test_fhir_of_any_shape_is_read_or_refused(tree):
    load(json.dumps(tree).encode(), "bundle.json")


@PROPERTY
@given(st.lists(JSON_VALUES, max_size=4), JSON_VALUES)
def test_fhir_bundles_of_random_resources_are_read_or_refused(resources, root_meta):
    data = hostile.fhir_bundle(*[r if not isinstance(r, dict) else {"resourceType": "Observation", **r} for r in resources],
                               meta=root_meta)  # fmt: skip
    load(data, "bundle.json")


XML_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=20
) | st.sampled_from(
    [MARKER, "", " ", "20240501", "A1", "C1", "2.16.840.1.113883.2.1.3.2.4.15", "NOPAT", "9990001234"]
)
# fmt: off
GP2GP_TAGS = (
    "EhrExtract", "ehrFolder", "ehrComposition", "component", "NarrativeStatement", "text",
    "originalText", "code", "value", "id", "author", "Participant2", "agentRef", "Agent",
    "agentPerson", "name", "given", "family", "prefix", "availabilityTime", "time", "recordTarget",
    "patient", "confidentialityCode", "referredToExternalDocument", "CompoundStatement",
    "ObservationStatement", "location",
)
# fmt: on
GP2GP_ATTRIBUTES = ("root", "extension", "code", "codeSystem", "displayName", "value")
HL7 = "{urn:hl7-org:v3}"


@st.composite
def gp2gp_documents(draw: st.DrawFn) -> bytes:
    """The template extract with elements dropped, repeated, moved, given new text or
    attributes, or given new children."""
    root = etree.fromstring(hostile.gp2gp_extract().encode())
    for element in list(root.iter()):
        op = draw(st.sampled_from(["keep"] * 6 + ["drop", "repeat", "shuffle", "text", "attribute", "child"]))
        parent = element.getparent()
        if op == "drop" and parent is not None:
            parent.remove(element)
        elif op == "repeat" and parent is not None:
            parent.append(etree.fromstring(etree.tostring(element)))
        elif op == "shuffle" and len(element) > 1:
            children = list(element)
            for child in draw(st.permutations(children)):
                element.append(child)
        elif op == "text":
            element.text = draw(XML_TEXT)
        elif op == "attribute":
            element.set(draw(st.sampled_from(GP2GP_ATTRIBUTES)), draw(XML_TEXT))
        elif op == "child":
            child = etree.SubElement(element, HL7 + draw(st.sampled_from(GP2GP_TAGS)))
            child.text = draw(XML_TEXT)
            if draw(st.booleans()):
                child.set(draw(st.sampled_from(GP2GP_ATTRIBUTES)), draw(XML_TEXT))
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data if draw(st.booleans()) else data.decode().encode("utf-16")


@PROPERTY
@given(gp2gp_documents())
def test_gp2gp_of_any_shape_is_read_or_refused(data):
    load(data, "extract.xml")


CSV_HEADERS = st.sampled_from(
    ["Date", "Clinician", "Code", "Term", "Text", "Consultation ID", "NHS Number", "Patient Name", "Next of Kin",
     "NOK Phone", "Notes", "", MARKER]
) | st.text(max_size=8)  # fmt: skip


@PROPERTY
@given(
    st.lists(CSV_HEADERS, min_size=1, max_size=6),
    st.lists(st.lists(XML_TEXT | st.text(max_size=10), max_size=7), max_size=8),
    st.sampled_from([",", ";", "\t", "|"]),
    st.booleans(),
)
def test_csv_of_any_shape_is_read_or_refused(header, rows, delimiter, quoted):
    if quoted:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter).writerows([header, *rows])
        text = out.getvalue()
    else:  # cells joined as they are: stray quotes, ragged rows
        text = "\n".join(delimiter.join(row) for row in [header, *rows])
    load(text.encode("utf-8", "surrogatepass"), "journal.csv")


W_TAGS = ("p", "r", "t", "tbl", "tr", "tc", "tcPr", "gridSpan", "vMerge", "hyperlink", "sectPr", "br", "tab",
          "sdt", "sdtContent", "ins", "del", "delText", "pPr", "tblGrid", "gridCol", "body")  # fmt: skip
W_ATTRIBUTES = st.sampled_from(
    ["", ' w:val="2"', ' w:val="restart"', ' w:val="continue"', ' w:val="-1"', ' w:val="x"']
)


def w_elements() -> st.SearchStrategy[str]:
    text = XML_TEXT.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;"))
    return st.recursive(
        text,
        lambda children: st.builds(
            lambda tag, attribute, inner: f"<w:{tag}{attribute}>{''.join(inner)}</w:{tag}>",
            st.sampled_from(W_TAGS),
            W_ATTRIBUTES,
            st.lists(children, max_size=4),
        ),
        max_leaves=12,
    )


@PROPERTY
@given(st.lists(w_elements(), max_size=5))
def test_docx_with_any_body_is_read_or_refused(body):
    load(hostile.docx_package(hostile.docx_body("".join(body))), "letter.docx")


PDF_OPERATORS = st.sampled_from(
    [b"BT", b"ET", b"/F1 12 Tf", b"72 720 Td", b"(Zebedee Quarrington) Tj", b"[(a) 120 (b)] TJ", b"T*", b"q", b"Q",
     b"1 0 0 1 0 0 cm", b"/X1 Do", b"<feff005a> Tj", b"(unclosed Tj", b"999999999999 Tz", b"0 Tf", b"/F9 1 Tf",
     b"[", b"]", b"<<", b">>", b"'", b'"', b"BI /W 1 /H 1 ID x EI"]
)  # fmt: skip


@PROPERTY
@given(st.lists(PDF_OPERATORS | st.binary(max_size=8), max_size=30))
def test_pdf_with_any_content_stream_is_read_or_refused(operators):
    load(hostile.pdf_document(b"\n".join(operators)), "letter.pdf")


@PROPERTY
@given(st.data())
def test_pdf_with_damaged_bytes_is_read_or_refused(data):
    pdf = bytearray(hostile.pdf_document())
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(pdf) - 1))
        pdf[at : at + data.draw(st.integers(0, 4))] = data.draw(st.binary(max_size=6))
    load(bytes(pdf), "letter.pdf")


@PROPERTY
@given(st.binary(max_size=3000) | st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
       st.sampled_from(hostile.EXTENSIONS))  # fmt: skip
def test_random_bytes_with_any_extension_are_read_or_refused(data, extension):
    load(data, "record" + extension)


@PROPERTY
@given(st.sampled_from([c for c in CASES if c.expect == "read"]), st.data())
def test_read_cases_with_damaged_bytes_are_read_or_refused(case, data):
    damaged = bytearray(case.data)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, max(0, len(damaged) - 1)))
        damaged[at : at + data.draw(st.integers(0, 3))] = data.draw(st.binary(max_size=4))
    load(bytes(damaged), case.filename)


# --- the whole scan ------------------------------------------------------------------


def test_scan_reports_each_bad_file_once_and_no_traceback_or_record_text(tmp_path):
    from redactor.cli import app

    folder = tmp_path / "corpus"
    bad: set[str] = set()
    for case in CASES:
        (folder / case.name).mkdir(parents=True)
        path = folder / case.name / case.filename
        path.write_bytes(case.data)
        if case.expect == "error":
            bad.add(str(path))
    walked = {str(f.path) for f in find_inputs([str(folder)])[0]}
    named = sorted(bad - walked)  # files a folder walk passes over are named outright
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        app, ["scan", str(folder), *named, "--json", str(report), "--no-cache", "--workers", "1", "-q"]
    )
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == 2, output[-2000:]
    assert "Traceback" not in output and not leaks(output)
    errors = json.loads(report.read_text())["errors"]
    reported = [e["path"] if isinstance(e, dict) else e[0] for e in errors]
    assert sorted(reported) == sorted(bad)
    assert not any(leaks(json.dumps(e)) for e in errors)
