"""NHS record formats: GP Connect FHIR (STU3, R4), GP2GP XML, CSV journals, DOCX.

Published example messages (fixtures/external, with their licences) are read as
they were published; synthetic records test who-is-who, code lists, provenance
and apply's same-format copies.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from redactor.apply import prepare
from redactor.apply.leaks import check_text, secrets_for
from redactor.apply.plan import marker_pattern
from redactor.cli import app
from redactor.decide import decide_document
from redactor.formats import csv_journal, fhir, gp2gp
from redactor.ingest import IngestError, InputFile, load_document, read_structured
from redactor.model import Action, Category, Document

from .conftest import FIXTURES

EXTERNAL = FIXTURES / "external"
runner = CliRunner()


def published(path: Path) -> bytes:
    """A spec example as a strict parser needs it: the site's Jekyll highlight tags
    and one file's trailing commas removed."""
    raw = path.read_text(encoding="utf-8-sig")
    raw = re.sub(r"\{%[^%]*%\}", "", raw)
    return re.sub(r",(\s*[}\]])", r"\1", raw).encode()


def scanned(detector, policy, path: Path, data: bytes | None = None, **patient) -> Document:
    document = read_structured(path.suffix, data if data is not None else path.read_bytes()).document
    document.path = path.name
    if patient:
        document.patient = document.patient.merged(type(document.patient)(**patient))
    detector.detect([document])
    decide_document(document, policy)
    return document


def flagged(document: Document, category: Category) -> list[str]:
    return [f.text for f in document.findings if f.category is category and f.action is not Action.KEEP]


# --- published examples -------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    sorted((EXTERNAL / "gpconnect-ars-spec-examples").glob("*.json"))
    + sorted((EXTERNAL / "gp2gp-adaptor-gpc-records").glob("*.json"))
    + sorted((EXTERNAL / "gp2gp-ehrextract-xml").glob("*.json")),
    ids=lambda p: p.name,
)
def test_every_published_fhir_example_reads(path):
    parsed = fhir.read(published(path))
    document = parsed.document
    assert document.format in ("fhir-stu3", "fhir-r4")
    assert len(parsed.fields) == len(document.segments)
    for segment in document.segments:  # every field's text is where its segment says
        assert segment.end > segment.start
    root = json.loads(published(path))
    named = [
        e["resource"]
        for e in root.get("entry", [])
        if e.get("resource", {}).get("resourceType") == "Patient" and e["resource"].get("name")
    ]
    if named:
        assert document.patient.surname, "the Patient resource gives the patient"


@pytest.mark.parametrize(
    "path",
    [*sorted((EXTERNAL / "gp2gp-ehrextract-xml").glob("*.xml")), *sorted(EXTERNAL.glob("*/*Gainsford*.xml"))],
    ids=lambda p: p.name,
)
def test_every_published_gp2gp_extract_reads(path):
    document = gp2gp.read(path.read_bytes()).document
    assert document.format == "gp2gp"
    assert document.entries, "each ehrComposition is an entry"
    assert all(e.id.startswith("ehrComposition/") for e in document.entries)
    assert any(e.author and e.author.startswith("Dr ") for e in document.entries), (
        "authors from agentDirectory"
    )
    assert all(e.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.date) for e in document.entries)


def test_spec_consultation_flags_the_neighbour_not_the_gp(detector, policy):
    path = EXTERNAL / "gpconnect-ars-spec-examples" / "consultations_response1.json"
    document = scanned(detector, policy, path, published(path))
    assert document.patient.surname.upper() == "JACKSON"
    info = [f for f in document.findings if f.category is Category.THIRD_PARTY_INFO]
    assert any("neighbour visits daily" in f.text for f in info)
    source = document.source_of(info[0])
    assert source["where"].startswith("Observation/") and source["where"].endswith("comment")
    assert source["entry"].startswith("Encounter/") and source["date"] and source["author"]
    assert not flagged(document, Category.THIRD_PARTY_NAME), "the practitioners are professionals"


def test_published_records_flag_third_party_remarks(detector, policy):
    pwtp6 = EXTERNAL / "gp2gp-adaptor-gpc-records" / "EMISPatientStructurede2eResponsePWTP6.json"
    document = scanned(detector, policy, pwtp6)
    assert any("Mother smokes" in t for t in flagged(document, Category.THIRD_PARTY_INFO))
    daniels = EXTERNAL / "gp2gp-adaptor-gpc-records" / "9465698490_Daniels_full_20210602.json"
    document = scanned(detector, policy, daniels)
    assert "John" in flagged(document, Category.THIRD_PARTY_NAME)  # "(Fat, John said)"
    assert not any("Hydrochloride" in t for t in flagged(document, Category.THIRD_PARTY_NAME)), "drug terms"


def test_nopat_compositions_are_held_back(detector, policy):
    path = EXTERNAL / "gp2gp-ehrextract-xml" / "RCMR_IN030000UK07.xml"
    document = scanned(detector, policy, path)
    assert len(document.withheld_entries) == 2
    held = [f for f in document.findings if f.rule == "structure/confidential-entry"]
    assert len(held) == 2 and all(f.action is Action.REDACT for f in held)
    outside = [f for f in document.findings if f.rule == "ingest/unreadable-attachment"]
    assert outside, "attachments stored outside the extract are flagged for a person to check"


def test_attachment_outside_the_bundle_is_flagged_and_a_binary_pdf_reads(detector, policy):
    record = EXTERNAL / "gp2gp-adaptor-gpc-records" / "9388098431.structuredRecord.json"
    document = scanned(detector, policy, record)
    unreadable = [f for f in document.findings if f.category is Category.UNREADABLE]
    assert len(unreadable) == 32  # one per DocumentReference whose Binary is fetched separately
    pdf = read_structured(".json", (record.parent / "9388098431.document-application-pdf.json").read_bytes())
    assert pdf.fields[0].pdf is not None and len(pdf.document.text) > 1000


# --- malformed input: one line naming the file and the place ------------------


def test_published_wrapper_and_trailing_commas_are_clear_errors(tmp_path):
    wrapped = EXTERNAL / "gpconnect-ars-spec-examples" / "allergies_response1.json"
    with pytest.raises(IngestError, match=r"not valid JSON at line 1 column \d+"):
        load_document(InputFile(wrapped, wrapped.name))
    commas = EXTERNAL / "gpconnect-ars-spec-examples" / "consultations_response1.json"
    with pytest.raises(IngestError, match=r"not valid JSON at line \d+ column \d+"):
        load_document(InputFile(commas, commas.name))
    result = runner.invoke(app, ["scan", str(wrapped), str(commas), "-q"])
    assert result.exit_code == 2
    assert "allergies_response1.json: not valid JSON at line 1" in flat(result.output)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'{"resourceType": "Bundle", "meta": {"profile": ["http://x/R5/Bundle"]}, "entry": []}',
            "unknown FHIR",
        ),
        (
            b'{"resourceType": "CapabilityStatement", "fhirVersion": "5.0.0"}',
            "unknown FHIR version in fhirVersion",
        ),
        (b'{"resourceType": "Bundle", "entry": [{"resource": {"id": "x"}}]}', r"entry\[0\] has no resource"),
        (b'{"entry": []}', "not a FHIR resource"),
    ],
)
def test_bad_fhir_is_a_clear_error(data, message):
    with pytest.raises(IngestError, match=message):
        fhir.read(data)


def test_bad_xml_names_the_line():
    with pytest.raises(IngestError, match=r"not well-formed XML at line 2 column \d+"):
        gp2gp.read(b"<RCMR_IN030000UK06 xmlns='urn:hl7-org:v3'>\n<oops></RCMR_IN030000UK06>")
    with pytest.raises(IngestError, match="not a GP2GP EHR extract"):
        gp2gp.read(b"<html/>")


# --- who is who, codes, provenance (synthetic) --------------------------------


def bundle(*resources: dict, version: str = "4.0.1") -> bytes:
    return json.dumps(
        {
            "resourceType": "Bundle",
            "fhirVersion": version,
            "type": "collection",
            "entry": [{"resource": r} for r in resources],
        }
    ).encode()


PATIENT = {
    "resourceType": "Patient",
    "id": "p1",
    "name": [{"given": ["Lena"], "family": "Marsh", "prefix": ["Ms"]}],
    "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990001234"}],
    "birthDate": "1990-04-02",
}
GP = {
    "resourceType": "Practitioner",
    "id": "g1",
    "name": [{"prefix": ["Dr"], "given": ["Omar"], "family": "Quayle"}],
}
SISTER = {
    "resourceType": "RelatedPerson",
    "id": "r1",
    "patient": {"reference": "Patient/p1"},
    "name": [{"given": ["Siobhan"], "family": "Tierney"}],
    "telecom": [{"system": "phone", "value": "07700 900461"}],
}
ENCOUNTER = {
    "resourceType": "Encounter",
    "id": "e1",
    "period": {"start": "2024-05-01T10:00:00Z"},
    "participant": [{"individual": {"reference": "Practitioner/g1"}}],
}


def observation(oid: str, comment: str, code: str = "", display: str = "") -> dict:
    resource: dict = {
        "resourceType": "Observation",
        "id": oid,
        "encounter": {"reference": "Encounter/e1"},
        "comment": comment,
    }
    if code:
        resource["code"] = {
            "coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]
        }
    return resource


def test_patient_contact_is_a_known_third_party(detector, policy, tmp_path):
    """FHIR Patient.contact (next of kin): flagged where it stands and in the free text."""
    patient = dict(
        PATIENT,
        contact=[
            {
                "relationship": [{"text": "Next of kin"}],
                "name": {"given": ["Wilhelmina"], "family": "Achterberg"},
                "telecom": [{"system": "phone", "value": "07700 900462"}],
                "address": {"line": ["3 Fenwick Row"], "postalCode": "WF3 9ZZ"},
            }
        ],
    )
    source = tmp_path / "in" / "c.json"
    source.parent.mkdir()
    source.write_bytes(
        bundle(patient, GP, ENCOUNTER, observation("o1", "Seen with Wilhelmina today, who drove her in."))
    )
    document, output = apply_one(detector, policy, source, tmp_path)
    names = flagged(document, Category.THIRD_PARTY_NAME)
    assert names.count("Wilhelmina") >= 2 and "Achterberg" in names
    identifiers = flagged(document, Category.THIRD_PARTY_IDENTIFIER)
    assert "07700 900462" in identifiers
    assert any("3 Fenwick Row" in i for i in identifiers) and any("WF3 9ZZ" in i for i in identifiers)
    assert "Lena" not in names and "Marsh" not in names
    written = output.data
    assert b"Wilhelmina" not in written and b"Achterberg" not in written and b"900462" not in written


def test_related_person_is_flagged_everywhere_misspelt_and_by_first_name(detector, policy):
    data = bundle(
        PATIENT,
        GP,
        SISTER,
        ENCOUNTER,
        observation("o1", "Lena seen with Dr Quayle. Shivaun came too and waited outside."),
        observation("o2", "Siobhan phoned later. Lena is well."),
    )
    document = scanned(detector, policy, Path("b.json"), data)
    names = flagged(document, Category.THIRD_PARTY_NAME)
    assert {"Shivaun", "Siobhan", "Tierney"} <= set(names)
    assert "Lena" not in names and "Quayle" not in names
    assert "07700 900461" in [
        f.text for f in document.findings if f.category is Category.THIRD_PARTY_IDENTIFIER
    ]
    spelling = next(f for f in document.findings if f.text == "Shivaun")
    assert spelling.rule == "people/related-person-spelling"
    entry = document.entry_of(spelling.start)
    assert entry.id == "Encounter/e1" and entry.author == "Dr Omar Quayle" and entry.date == "2024-05-01"


def test_a_coded_entry_is_flagged_by_its_code_and_access_codes_mark_the_record(detector, policy):
    data = bundle(
        PATIENT,
        ENCOUNTER,
        observation("o1", "Discussed at practice meeting.", "836881000000105", "Concern"),
        observation("o2", "", "1364731000000104", "Enhanced review indicated"),
    )
    document = scanned(detector, policy, Path("b.json"), data)
    coded = next(f for f in document.findings if f.rule == "codes/safeguarding")
    assert coded.category is Category.SAFEGUARDING and coded.text == "Concern"
    assert "836881000000105" in coded.reason
    assert document.source_of(coded)["code"] == "836881000000105"
    assert read_structured(".json", data).document.enhanced_review is None  # set at load, from the code lists
    loaded = load_document_bytes(data, "b.json")
    assert loaded.enhanced_review is True
    cleared = bundle(
        PATIENT,
        ENCOUNTER,
        observation("o2", "", "1364731000000104", "x"),
        observation("o3", "", "1364751000000106", "y"),
    )
    assert load_document_bytes(cleared, "c.json").enhanced_review is False


def load_document_bytes(data: bytes, name: str, tmp: Path | None = None) -> Document:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    path = folder / name
    path.write_bytes(data)
    return load_document(InputFile(path, name))


def test_stu3_and_r4_place_encounters_differently(detector, policy):
    stu3 = dict(observation("o1", "Plan: review."), context={"reference": "Encounter/e1"})
    del stu3["encounter"]
    document = read_structured(".json", bundle(PATIENT, ENCOUNTER, stu3, version="3.0.2")).document
    assert document.format == "fhir-stu3" and document.entries[0].id == "Encounter/e1"
    document = read_structured(
        ".json", bundle(PATIENT, ENCOUNTER, observation("o1", "Plan: review."))
    ).document
    assert document.format == "fhir-r4" and document.entries[0].id == "Encounter/e1"


# --- apply in the same format ------------------------------------------------


def apply_one(detector, policy, path: Path, tmp_path: Path, **patient):
    document = load_document(InputFile(path, path.name))
    if patient:
        document.patient = document.patient.merged(type(document.patient)(**patient))
    detector.detect([document])
    decide_document(document, policy)
    output = prepare(document, path, tmp_path / path.name, "redact", "[REDACTED: {category}]", False)
    assert output.leaks == []
    return document, output


def test_fhir_apply_changes_only_redacted_strings_and_pdf_attachments(detector, policy, tmp_path):
    pdf = _pdf_with("Letter about Lena. Her sister Siobhan Tierney drinks heavily.")
    doc_ref = {
        "resourceType": "DocumentReference",
        "id": "d1",
        "encounter": {"reference": "Encounter/e1"},
        "content": [
            {"attachment": {"contentType": "application/pdf", "data": base64.b64encode(pdf).decode()}}
        ],
    }
    source = tmp_path / "in" / "record.json"
    source.parent.mkdir()
    source.write_bytes(
        bundle(
            PATIENT,
            GP,
            SISTER,
            ENCOUNTER,
            doc_ref,
            observation("o1", "Siobhan rang: she says Lena is not eating."),
        )
    )
    before = source.read_bytes()
    _, output = apply_one(detector, policy, source, tmp_path)
    assert source.read_bytes() == before
    original, redacted = json.loads(before), json.loads(output.data)
    assert _shape(original) == _shape(redacted), "same keys, same arrays, same types"
    text = fhir.texts(output.data)
    assert "Siobhan" not in text and "Tierney" not in text and "REDACTED" in text
    assert redacted["entry"][0] == original["entry"][0], "the patient resource is untouched"
    pdf_out = base64.b64decode(redacted["entry"][4]["resource"]["content"][0]["attachment"]["data"])
    assert pdf_out.startswith(b"%PDF") and pdf_out != pdf


def test_gp2gp_apply_keeps_every_element_and_attribute(detector, policy, tmp_path):
    source = FIXTURES / "records" / "gp2gp_02.xml"
    _, output = apply_one(detector, policy, source, tmp_path, forenames=("Gemma",), surname="Whitlock")
    before = etree.fromstring(source.read_bytes())
    after = etree.fromstring(output.data)
    assert [(e.tag, sorted(e.attrib)) for e in before.iter()] == [
        (e.tag, sorted(e.attrib)) for e in after.iter()
    ]
    assert output.redactions and "REDACTED" in gp2gp.texts(output.data)


def test_csv_apply_keeps_rows_columns_and_the_untouched_cells(detector, policy, tmp_path):
    import csv

    source = FIXTURES / "records" / "csv_01.csv"
    _, output = apply_one(detector, policy, source, tmp_path)
    before = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    after = list(csv.reader(io.StringIO(output.data.decode("utf-8-sig"))))
    assert len(before) == len(after) and all(len(a) == len(b) for a, b in zip(before, after, strict=True))
    header = before[0]
    text_columns = {i for i, name in enumerate(header) if name.lower() in ("term", "free text")}
    for old, new in zip(before, after, strict=True):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            if index not in text_columns:
                assert a == b, f"column {header[index]} changed"
    assert any("REDACTED" in cell for row in after for cell in row)


def test_csv_next_of_kin_columns_are_a_known_third_party(detector, policy, tmp_path):
    source = tmp_path / "in" / "nok.csv"
    source.parent.mkdir()
    source.write_text(
        "Date,Clinician,Free text,Patient name,NHS number,Next of kin,NOK phone\n"
        "2024-01-03,Dr A Shah,Seen with daughter. Marguerite worried about falls.,Mrs Edna Blyth,"
        "9434765919,Marguerite Olowe (daughter),07700 900321\n"
        "2024-02-03,Dr A Shah,BP fine. Olowe to collect prescriptions.,Mrs Edna Blyth,"
        "9434765919,Marguerite Olowe (daughter),07700 900321\n",
        encoding="utf-8",
    )
    document, output = apply_one(detector, policy, source, tmp_path)
    names = flagged(document, Category.THIRD_PARTY_NAME)
    assert "Marguerite" in names and "Olowe" in names
    assert "07700 900321" in flagged(document, Category.THIRD_PARTY_IDENTIFIER)
    assert b"Marguerite" not in output.data and b"Olowe" not in output.data and b"900321" not in output.data


def test_docx_apply_keeps_paragraphs_tables_and_formatting(detector, policy, tmp_path):
    import docx

    source = FIXTURES / "records" / "docx_02.docx"
    document, output = apply_one(detector, policy, source, tmp_path)
    before, after = docx.Document(str(source)), docx.Document(io.BytesIO(output.data))
    assert len(before.paragraphs) == len(after.paragraphs)
    assert [(len(t.rows), len(t.columns)) for t in before.tables] == [
        (len(t.rows), len(t.columns)) for t in after.tables
    ]
    assert after.core_properties.author == ""
    secrets = secrets_for(document.text, [(r.start, r.end, r.label) for r in output.redactions])
    shown = marker_pattern("[REDACTED: {category}]").sub(" ", " ".join(p.text for p in after.paragraphs))
    assert secrets and check_text(shown, secrets) == []


def test_apply_rewrites_a_relatives_reference_and_refuses_a_leak_it_cannot_rewrite(
    detector, policy, tmp_path
):
    """A relative's name in a reference's display is rewritten with the rest; one in a
    field redactor never rewrites (here an identifier) fails the leak check, and the
    message never quotes it."""
    flag = {
        "resourceType": "Flag",
        "id": "f1",
        "author": {"reference": "RelatedPerson/r1", "display": "Siobhan Tierney"},
    }
    source = tmp_path / "record.json"
    source.write_bytes(bundle(PATIENT, SISTER, ENCOUNTER, flag, observation("o1", "Siobhan rang.")))
    _, output = apply_one(detector, policy, source, tmp_path / "out")
    assert "Siobhan" not in fhir.texts(output.data)
    flag["identifier"] = [{"value": "case of Siobhan Tierney"}]
    source.write_bytes(bundle(PATIENT, SISTER, ENCOUNTER, flag, observation("o1", "Siobhan rang.")))
    document = load_document(InputFile(source, source.name))
    detector.detect([document])
    decide_document(document, policy)
    output = prepare(document, source, tmp_path / "out.json", "redact", "[REDACTED: {category}]", False)
    assert output.leaks and all("Siobhan" not in leak for leak in output.leaks)


# --- CSV column mapping, patient list, provenance in reports -------------------


def test_csv_mapping_from_sidecar_or_option_and_a_bad_one(tmp_path):
    source = tmp_path / "journal.csv"
    source.write_text("Stamp;Who;Label;Body\n2024-01-02;Dr A Shah;Asthma;Mum Tina rang.\n")
    result = runner.invoke(app, ["scan", str(source), "-q"])
    assert result.exit_code == 2
    assert "journal.csv: header has no free-text or term column" in flat(result.output)
    mapping = tmp_path / "map.yml"
    mapping.write_text("date: Stamp\nclinician: Who\nterm: Label\ntext: Body\n")
    report = tmp_path / "r.json"
    assert (
        runner.invoke(app, ["scan", str(source), "--csv-map", str(mapping), "--json", str(report)]).exit_code
        == 1
    )
    finding = next(
        f for f in json.loads(report.read_text())["documents"][0]["findings"] if f["text"] == "Tina"
    )
    assert finding["source"]["where"] == "row 2 column 'Body'" and finding["source"]["author"] == "Dr A Shah"
    mapping.rename(source.with_suffix(".map.yml"))
    assert runner.invoke(app, ["scan", str(source), "-q"]).exit_code == 1
    bad = tmp_path / "bad.yml"
    bad.write_text("text: Nowhere\n")
    result = runner.invoke(app, ["scan", str(source), "--csv-map", str(bad), "-q"])
    assert result.exit_code == 2 and "no such column" in flat(result.output)


def test_patient_list_names_a_gp2gp_patient(tmp_path):
    source = FIXTURES / "records" / "gp2gp_05.xml"
    without, with_list = tmp_path / "a.json", tmp_path / "b.json"
    runner.invoke(app, ["scan", str(source), "--json", str(without), "-q", "--no-cache"])
    runner.invoke(
        app,
        [
            "scan",
            str(source),
            "--json",
            str(with_list),
            "-q",
            "--no-cache",
            "--patients",
            str(FIXTURES / "patients.csv"),
        ],
    )

    def names(report: Path) -> set[str]:
        findings = json.loads(report.read_text())["documents"][0]["findings"]
        return {f["text"] for f in findings if f["category"] == "THIRD_PARTY_NAME"}

    # (a third party's name is flagged with its title: "Mr Marsden")
    assert any("Marsden" in n for n in names(without)) and not any("Marsden" in n for n in names(with_list))


def test_html_and_details_show_where_a_flag_came_from(tmp_path):
    source = FIXTURES / "records" / "fhir4_01.json"
    html = tmp_path / "r.html"
    result = runner.invoke(app, ["scan", str(source), "--html", str(html), "--details", "--no-cache"])
    assert result.exit_code == 1
    assert re.search(r"fhir4_01\.json:\d+:\d+: [A-Z]{3} \w+ (redact|review) \S+ .* \[\w+/[\w-]+", result.output)
    assert "coded for enhanced review" in flat(result.output)
    page = html.read_text()
    assert "from Observation/" in page or "from Condition/" in page


def flat(output: str) -> str:
    """Terminal output with rich's line wrapping undone."""
    return " ".join(output.split())


def _shape(node):
    if isinstance(node, dict):
        return {k: _shape(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_shape(v) for v in node]
    return type(node).__name__


def _pdf_with(line: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(50, 780, line)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def test_an_attached_pdf_with_nothing_to_redact_still_goes_out_inert(detector, policy, tmp_path):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(_pdf_with("Clinic letter: asthma well controlled.")))
    writer = PdfWriter(clone_from=reader)
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer.root_object[NameObject("/OpenAction")] = script
    buffer = io.BytesIO()
    writer.write(buffer)
    doc_ref = {
        "resourceType": "DocumentReference",
        "id": "d1",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(buffer.getvalue()).decode(),
                }
            }
        ],
    }
    source = tmp_path / "in" / "record.json"
    source.parent.mkdir()
    source.write_bytes(bundle(PATIENT, GP, doc_ref))
    _, output = apply_one(detector, policy, source, tmp_path)
    attached = next(
        e["resource"] for e in json.loads(output.data)["entry"] if e["resource"]["resourceType"] == "DocumentReference"
    )
    pdf_out = base64.b64decode(attached["content"][0]["attachment"]["data"])
    assert pdf_out.startswith(b"%PDF") and b"/OpenAction" not in pdf_out and b"app.alert" not in pdf_out


def test_the_scans_lean_csv_read_lays_out_the_same_document_as_apply_reads():
    for path in sorted((FIXTURES / "records").glob("*.csv")):
        mapping = path.with_suffix(".map.yml")
        options = csv_journal.load_mapping(mapping) if mapping.is_file() else None
        data = path.read_bytes()
        full, lean = csv_journal.read(data, options).document, csv_journal.read_document(data, options)
        assert lean.text == full.text and lean.segments == full.segments and lean.entries == full.entries
        assert (lean.patient, lean.authors, lean.coded, lean.third_parties) == (
            full.patient,
            full.authors,
            full.coded,
            full.third_parties,
        )


def test_a_released_csv_journal_never_carries_a_live_formula(detector, policy, tmp_path):
    source = tmp_path / "in" / "journal.csv"
    source.parent.mkdir()
    source.write_text(
        "Date,Clinician,Text\n"
        '01/05/2024,Dr Patel,"=HYPERLINK(""http://example.invalid"",""results"")"\n'
        "02/05/2024,Dr Patel,-3\n"
        "03/05/2024,Dr Patel,BP 120/80.\n"
    )
    _, output = apply_one(detector, policy, source, tmp_path)
    cells = [row[2] for row in csv.reader(io.StringIO(output.data.decode("utf-8")))]
    assert cells[1].startswith("'=HYPERLINK") and cells[2:] == ["-3", "BP 120/80."]
