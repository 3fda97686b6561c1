"""Apply: redacted copies that leak nothing, for text and for PDFs built here."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from redactor.apply.leaks import check_pdf, check_text, secrets_for
from redactor.apply.pdf import redact_pdf
from redactor.cli import app
from redactor.ingest.pdf import extract_pdf

runner = CliRunner()
NAME = "Karen Jones"


def _font(writer: PdfWriter, base: str) -> object:
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject(base),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )


def handmade(content: bytes, title: str | None = None, note: str | None = None) -> bytes:
    """A one-page PDF with our own content stream (TJ kerning, split operators...)."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    fonts = DictionaryObject(
        {NameObject("/F1"): _font(writer, "/Helvetica"), NameObject("/F2"): _font(writer, "/Times-Roman")}
    )
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title, "/Subject": title})
    if note:
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Text"),
                NameObject("/Rect"): ArrayObject(
                    [FloatObject(50), FloatObject(50), FloatObject(70), FloatObject(70)]
                ),
                NameObject("/Contents"): TextStringObject(note),
            }
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def reportlab_pdf(lines_per_page: list[list[tuple[str, str]]], image_page: bool = False) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    for lines in lines_per_page:
        y = 780
        for font, text in lines:
            pdf.setFont(font, 11)
            pdf.drawString(50, y, text)
            y -= 16
        pdf.showPage()
    if image_page:
        pdf.rect(100, 100, 300, 300, fill=1)  # no text layer at all
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def redact_and_check(data: bytes, targets: list[str]) -> tuple[bytes, list[str], str]:
    pdf = extract_pdf(data)
    pages: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    spans = []
    for number, start in enumerate(pdf.page_starts, start=1):
        end = pdf.page_starts[number] - 1 if number < len(pdf.page_starts) else len(pdf.text)
        page_text = pdf.text[start:end]
        for target in targets:
            at = page_text.find(target)
            while at != -1:
                pages.setdefault(number, (page_text, []))[1].append((at, at + len(target)))
                spans.append((start + at, start + at + len(target), "THIRD_PARTY_NAME"))
                at = page_text.find(target, at + 1)
    assert spans, "test PDF must contain the target text"
    secrets = secrets_for(pdf.text, spans)
    assert check_pdf(data, secrets), "the original must fail the check (else the check proves nothing)"
    out, _ = redact_pdf(data, pages)
    return out, check_pdf(out, secrets), extract_pdf(out).text


def test_several_fonts_and_two_columns_keep_layout():
    data = reportlab_pdf(
        [
            [
                ("Helvetica", f"Mum ({NAME}) rang."),
                ("Times-Roman", f"{NAME} says he is drinking."),
                ("Courier", "BP 120/80"),
            ],
            [("Helvetica", "Left column text"), ("Helvetica", f"right: {NAME}")],
        ]
    )
    out, leaks, text = redact_and_check(data, [NAME])
    assert leaks == []
    before, after = PdfReader(io.BytesIO(data)), PdfReader(io.BytesIO(out))
    assert len(after.pages) == len(before.pages)
    assert [p.mediabox for p in after.pages] == [p.mediabox for p in before.pages]
    assert "BP 120/80" in text and "says he is drinking." in text


def test_kerned_tj_array_and_name_split_across_operators():
    content = (
        b"BT /F1 12 Tf 50 750 Td [(Mum \\(Ka) -40 (ren J) 25 (ones\\) rang.)] TJ ET\n"
        b"BT /F2 12 Tf 50 720 Td (Seen with Kar) Tj (en Jones today.) Tj ET\n"
    )
    _, leaks, text = redact_and_check(handmade(content), ["Karen", "Jones"])
    assert leaks == []
    assert "rang." in text and "today." in text


def test_name_in_metadata_and_annotation_is_gone():
    content = b"BT /F1 12 Tf 50 750 Td (Letter about Karen Jones.) Tj ET\n"
    out, leaks, _ = redact_and_check(
        handmade(content, title=f"Letter re {NAME}", note=f"Call {NAME} back"), [NAME]
    )
    assert leaks == []
    reader = PdfReader(io.BytesIO(out))
    assert not reader.metadata or NAME not in str(reader.metadata)
    assert "/Annots" not in reader.pages[0]


def test_a_page_that_is_an_image_passes_through():
    data = reportlab_pdf([[("Helvetica", f"Mum ({NAME}) rang.")]], image_page=True)
    out, leaks, _ = redact_and_check(data, [NAME])
    assert leaks == [] and len(PdfReader(io.BytesIO(out)).pages) == 2


def test_two_columns_on_the_same_lines():
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.setFont("Helvetica", 10)
    for row, (left, right) in enumerate(
        [("History: cough 2/52", f"Collateral: {NAME} rang"), ("O/E chest clear", "Plan: r/v 1/52")]
    ):
        pdf.drawString(50, 780 - 14 * row, left)
        pdf.drawString(320, 780 - 14 * row, right)
    pdf.showPage()
    pdf.save()
    _, leaks, text = redact_and_check(buffer.getvalue(), [NAME])
    assert leaks == [] and "History: cough 2/52" in text and "Plan: r/v 1/52" in text


def test_an_earlier_revision_left_by_an_incremental_update_is_caught():
    original = handmade(b"BT /F1 12 Tf 50 750 Td (Karen Jones rang.) Tj ET\n")
    writer = PdfWriter(io.BytesIO(original), incremental=True)
    page = writer.pages[0]
    cleaned = DecodedStreamObject()
    cleaned.set_data(b"BT /F1 12 Tf 50 750 Td (A relative rang.) Tj ET\n")
    page[NameObject("/Contents")] = writer._add_object(cleaned)
    buffer = io.BytesIO()
    writer.write(buffer)
    updated = buffer.getvalue()
    assert NAME not in (PdfReader(io.BytesIO(updated)).pages[0].extract_text() or "")
    secrets = secrets_for(f"{NAME} rang.", [(0, len(NAME), "THIRD_PARTY_NAME")])
    assert any(p.startswith("file bytes") for p in check_pdf(updated, secrets))


def test_a_box_over_kept_text_fails_the_leak_check():
    data = reportlab_pdf([[("Helvetica", f"Mum ({NAME}) rang.")]])
    pdf = extract_pdf(data)
    start = pdf.text.index(NAME)
    secrets = secrets_for(pdf.text, [(start, start + len(NAME), "THIRD_PARTY_NAME")])
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    page = reader.pages[0]
    boxed = DecodedStreamObject()
    boxed.set_data(page.get_contents().get_data() + b"\nq 0 g 70 775 80 14 re f Q\n")  # covered, not removed
    page[NameObject("/Contents")] = writer._add_object(boxed)
    writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    problems = check_pdf(buffer.getvalue(), secrets)
    assert any("pypdf" in p for p in problems) and any("pdfminer" in p for p in problems)


def test_text_leak_check_is_case_and_space_insensitive_but_word_bounded():
    secrets = secrets_for("Mum Karen Jones rang", [(4, 15, "THIRD_PARTY_NAME")])
    assert check_text("... KAREN\n  jones ...", secrets)
    assert check_text("karen-jones", secrets)
    assert not check_text("Karenza Jonesborough", secrets)


def test_one_word_of_a_redacted_name_left_behind_is_a_leak():
    """A surname wrapped onto the next line and missed is what this catches."""
    text = "Mum Karen Jones rang"
    secrets = secrets_for(text, [(4, 15, "THIRD_PARTY_NAME")], names=[(4, 15)])
    assert check_text("Mum [REDACTED]\nJones rang", secrets)
    assert check_text("KAREN rang", secrets)
    # Inside what stays (the patient's own name), a word may remain as often as it stays.
    text = "Pt Ann Jones. Mum Karen Jones rang"
    kept = secrets_for(text, [(18, 29, "THIRD_PARTY_NAME")], kept=[(3, 12)], names=[(18, 29)])
    assert not check_text("Pt Ann Jones. Mum [REDACTED] rang", kept)
    assert check_text("Pt Ann Jones. Mum [REDACTED] Jones rang", kept)
    # ... and an ordinary English word is not looked for alone.
    ordinary = secrets_for(
        "Son Will Walker rang",
        [(4, 15, "THIRD_PARTY_NAME")],
        names=[(4, 15)],
        ordinary=frozenset({"will", "walker"}),
    )
    assert not check_text("Son [REDACTED] rang. Will use a walker.", ordinary)


RECORD = (
    "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988\n\n"
    "12-Mar-2024 10:32  Dr Anita PATEL (GP)  Face to face\n"
    "BP 128/84. Asthma review, inhaler technique good.\n\n"
    "14-Mar-2024 09:10  Dr Anita PATEL (GP)  Telephone\n"
    "Mum (Karen Jones) rang. Smelt of alcohol at the visit.\n"
)


@pytest.fixture
def folder(tmp_path):
    records = tmp_path / "in"
    records.mkdir()
    (records / "record.txt").write_text(RECORD)
    return records


def test_apply_stops_on_unreviewed_then_writes_text_and_manifest(folder, tmp_path):
    out = tmp_path / "out"
    before = (folder / "record.txt").read_bytes()
    stopped = runner.invoke(app, ["apply", str(folder), "--out", str(out)])
    # The record awaiting review gets no copy; the manifest says why.
    assert stopped.exit_code == 2 and not (out / "record.txt").exists()
    stopped_manifest = json.loads((out / "redactor-manifest.json").read_text())
    assert stopped_manifest["documents"] == [] and "await review" in stopped_manifest["errors"][0]["error"]
    result = runner.invoke(
        app, ["apply", str(folder), "--out", str(out), "--unreviewed", "keep", "--reviewer", "dr.t"]
    )
    assert result.exit_code == 0, result.output
    redacted = (out / "record.txt").read_text()  # absolute inputs are written by name
    assert (
        "Karen" not in redacted and "BP 128/84" in redacted and "\n[REDACTED: entry withheld]\n" in redacted
    )
    assert (folder / "record.txt").read_bytes() == before  # input untouched
    manifest = json.loads((out / "redactor-manifest.json").read_text())
    [doc] = manifest["documents"]
    assert doc["redactions"] and len(doc["output_sha256"]) == 64 and manifest["reviewer"] == "dr.t"


def test_fixed_marker_hides_category(folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["apply", str(folder), "--out", str(out), "--unreviewed", "redact", "--fixed-marker"]
    )
    assert result.exit_code == 0, result.output
    text = (out / "record.txt").read_text()
    assert "[REDACTED]" in text and "REDACTED:" not in text


def test_apply_a_fixture_pdf_end_to_end(tmp_path):
    from .conftest import FIXTURES

    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["apply", str(FIXTURES / "records" / "letter_02.pdf"), "--out", str(out), "--unreviewed", "redact"],
    )
    assert result.exit_code == 0, result.output
    pdf = out / "letter_02.pdf"
    assert len(PdfReader(pdf).pages) == len(PdfReader(FIXTURES / "records" / "letter_02.pdf").pages)


def test_a_redacted_name_is_removed_everywhere_it_appears():
    from redactor.apply.plan import plan, redact_text
    from redactor.model import Action, Category, Document, Entry, Finding

    text = "Seen with Karen Jones.\nCopies: KAREN JONES; GP.\n"
    doc = Document(path="x.txt", sha256="0", text=text, entries=[Entry("e1", 0, len(text))])
    start = text.index("Karen Jones")
    doc.findings = [
        Finding(start, start + 11, "Karen Jones", Category.THIRD_PARTY_NAME, 0.9, "t", "r", Action.REDACT)
    ]
    out = redact_text(text, plan(doc, whole_entries=False))
    assert "karen" not in out.lower() and out.count("[REDACTED: third party]") == 2


def test_a_redacted_name_does_not_take_the_patients_shared_surname_with_it():
    from redactor.apply.plan import Redaction, _elsewhere

    text = "Ann Jones seen. Karen Jones rang. Karen Jones again."
    extra = _elsewhere(text, [Redaction(16, 27, "THIRD_PARTY_NAME")], [])
    assert [(r.start, r.end) for r in extra] == [(34, 45)]  # the full name again, not "Jones" alone


def test_unreviewed_redact_withholds_held_entries_whole_as_one_fixed_line(folder, tmp_path):
    """Nothing held back is half-released: an entry still held for review goes whole,
    and what stands in its place says nothing of its length."""
    record = folder / "record.txt"
    record.write_text(
        RECORD + "\n20-Mar-2024 11:00  Dr Anita PATEL (GP)  Telephone\n"
        "Kayden made subject of a CP plan under category neglect.\nConcerns: home conditions,\n"
        "parental cannabis use, father's untreated psychosis.\n"
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["apply", str(folder), "--out", str(out), "--unreviewed", "redact"])
    assert result.exit_code == 0, result.output
    copy = (out / "record.txt").read_text()
    assert "BP 128/84" in copy  # a routine entry stays
    for words in ("Kayden", "CP plan", "home conditions", "cannabis", "Smelt"):
        assert words not in copy
    assert copy.count("[REDACTED: entry withheld]") == 2
    assert "\n\n\n" not in copy  # one line: no blank lines stand for its length

    spans = tmp_path / "spans"
    result = runner.invoke(
        app, ["apply", str(folder), "--out", str(spans), "--unreviewed", "redact", "--spans-only"]
    )
    assert result.exit_code == 0, result.output
    subject_access = (spans / "record.txt").read_text()
    assert "entry withheld" not in subject_access and "Kayden" not in subject_access
    assert "BP 128/84" in subject_access


def test_the_policy_chooses_the_withheld_entry_line(folder, tmp_path):
    from redactor.decide.policy import DEFAULT_POLICY
    from redactor.detect.resources import models_dir

    policy = tmp_path / "practice.yml"
    text = (models_dir() / "policies" / f"{DEFAULT_POLICY}.yml").read_text()
    policy.write_text(text + 'withheld_entry: "[Part of this record has been withheld]"\n')
    out = tmp_path / "out"
    args = ["apply", str(folder), "--out", str(out), "--unreviewed", "redact", "--policy", str(policy)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "\n[Part of this record has been withheld]\n" in (out / "record.txt").read_text()
    policy.write_text(text + 'withheld_entry: "two\\nlines"\n')
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and "withheld_entry must be one line" in refused.output


def test_the_manifest_names_whose_decisions_were_applied(folder, tmp_path, monkeypatch, detector, policy):
    from redactor.decide.decisions import Decisions, apply_decisions, load_key
    from redactor.ingest import InputFile
    from redactor.review.session import ReviewSession
    from redactor.scan import scan

    monkeypatch.setenv("REDACTOR_KEY_FILE", str(tmp_path / "practice.key"))
    record = folder / "record.txt"
    book, key = Decisions.load(folder / ".redactor-decisions.json"), load_key()
    result = scan(
        [InputFile(record, str(record))], detector, policy, reviewed=lambda d: apply_decisions(d, book, key)
    )
    session = ReviewSession(result.documents, book, key, reviewer="dr.jones")
    while session.unit() is not None:
        session.handle("h")
    out = tmp_path / "out"
    result = runner.invoke(app, ["apply", str(folder), "--out", str(out), "--reviewer", "practice.admin"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "redactor-manifest.json").read_text())
    assert manifest["reviewers"] == ["dr.jones"] and manifest["applied_by"] == "practice.admin"
    assert manifest["documents"][0]["reviewers"] == ["dr.jones"]
