from __future__ import annotations

import io
import itertools

import pytest
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from redactor.ingest import IngestError, InputFile, find_inputs, load_document
from redactor.ingest.demographics import read_demographics
from redactor.ingest.entries import split_entries


def _pdf(pages: list[str | None]) -> bytes:
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1)
    for text in pages:
        if text is None:
            pdf.rect(50, 50, 200, 200, fill=1)  # an image-like page with no text layer
        else:
            pdf.drawString(50, 750, text)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _load(path):
    return load_document(InputFile(path, str(path)))


def test_text_offsets_are_the_file_itself(tmp_path):
    content = "Name: Mr Daniel HARGREAVES\r\nDOB: 14-Feb-1988\n\nSéen by Dr Patel\n"
    path = tmp_path / "a.txt"
    path.write_bytes(content.encode("utf-8"))
    doc = _load(path)
    assert doc.text == content
    assert doc.pages is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [(b"", "empty"), (b"abc\x00\x01def", "binary"), ("café".encode("latin-1"), "UTF-8")],
)
def test_bad_text_files_raise_one_line_errors(tmp_path, data, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError, match=problem) as error:
        _load(path)
    assert "\n" not in str(error.value)


def test_pdf_pages_and_scanned_page(tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(_pdf(["Page one text", None, "Page three text"]))
    doc = _load(path)
    assert doc.pages == 3 and doc.format == "pdf"  # reported as read, not as "text"
    assert doc.unreadable_pages == [2]
    assert doc.text[doc.page_starts[2] :].startswith("Page three")
    assert doc.page_of(doc.text.index("three")) == 3


def test_encrypted_and_corrupt_pdfs(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="secret", owner_password="owner")
    encrypted = tmp_path / "locked.pdf"
    with encrypted.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(IngestError, match="encrypted"):
        _load(encrypted)
    corrupt = tmp_path / "broken.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj<<>>garbage")
    with pytest.raises(IngestError, match="PDF"):
        _load(corrupt)


def test_folders_are_walked_and_missing_paths_reported(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("x")
    (tmp_path / "a.pdf").write_bytes(b"")
    (tmp_path / "notes.rtf").write_text("ignored type")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "report.json").write_text('{"schema": 1}')  # not FHIR: taken, so its reader says so
    (tmp_path / "own.json").write_text('{"schema": 1, "tool": {"name": "redactor"}}')  # redactor's report
    (tmp_path / "bundle.json").write_text('{"resourceType": "Bundle"}')
    (tmp_path / "other.xml").write_text("<svg/>")
    found, missing = find_inputs([str(tmp_path), "nope.txt"])
    names = sorted(f.path.name for f in found)
    assert names == [".hidden.txt", "a.pdf", "b.txt", "bundle.json", "other.xml", "report.json"]
    assert missing == [("nope.txt", "no such file or folder")]


def test_demographics_emis_and_systmone_labels():
    emis = "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988     NHS No: 943 476 5919\nAddress: 27 Alder Close, Whitford, WF3 7QT\n"
    patient, _ = read_demographics(emis)
    assert patient.forenames == ("Daniel",) and patient.surname == "Hargreaves"
    assert patient.dob == "1988-02-14" and patient.nhs_number == "9434765919"
    assert patient.postcode == "WF3 7QT"
    s1 = "Surname: OKAFOR   Forename(s): Grace Amaka\nD.O.B.: 03 Jul 1992   NHS number: 9993982598\n"
    patient, _ = read_demographics(s1)
    assert patient.forenames == ("Grace", "Amaka") and patient.surname == "Okafor"
    assert patient.dob == "1992-07-03"


def test_entries_split_at_consultation_headers():
    text = (
        "Name: A B\n\n12-Mar-2024 10:32  Dr Anita PATEL (GP)  Face to face\nHx cough\n\n"
        "03 Apr 2024 15:10 - Telephone - Nurse Claire Downing\nBP ok\n"
    )
    entries = split_entries(text)
    assert [e.id for e in entries] == ["e0", "e1", "e2"]
    assert entries[1].date == "2024-03-12" and entries[1].author == "Dr Anita PATEL"
    assert entries[2].date == "2024-04-03" and entries[2].author == "Nurse Claire Downing"
    assert entries[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(entries))


@pytest.mark.parametrize(
    ("header", "forenames", "surname", "nhs", "address"),
    [
        ("Pt: Keith ORMEROD   DOB: 23/06/1955   NHS: 999 808 4466\nAddr: 12 Ravenscar Terrace, Leeds",
         ("Keith",), "Ormerod", "9998084466", "12 Ravenscar Terrace, Leeds"),
        ("Re: Mrs Irene May\nCALLOWHILL   DOB 07/11/1944   NHS 999 396 6533\nFlat 2, Hollins Court, 11 Mill Lane",
         ("Irene", "May"), "Callowhill", "9993966533", "Flat 2, Hollins Court, 11 Mill Lane"),
        ("patient: isla thornbury   dob: 08/06/2019", ("isla",), "thornbury", None, None),
        ("NAME.......: CAWTHORNE, PETER JOHN", ("Peter", "John"), "Cawthorne", None, None),
        ("Re: Outpatient assessment, 03/04/2024\n14 Mill Lane, Halbeck", (), None, None, None),
    ],
)
def test_demographics_from_letter_and_legacy_headers(header, forenames, surname, nhs, address):
    """Headers as letters and legacy prints write them: a surname the layout pushed to the
    next line, an address under the Re: line, lower case, dot leaders; a subject line is
    no patient and the address under it is nobody's."""
    patient, _ = read_demographics(header)
    assert (patient.forenames, patient.surname, patient.nhs_number, patient.address) == (
        forenames,
        surname,
        nhs,
        address,
    )
