"""Scanned letters end to end: read by OCR, redacted in the pixels, never released unread.

Pages are drawn at test time (every name invented) and go through the CLI as a
practice would run it: scan, then apply with `--unreviewed redact`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfgen import canvas
from typer.testing import CliRunner

from redactor.apply.plan import withheld_pages
from redactor.cli import app
from redactor.ingest import ocr
from redactor.ingest.pdf import extract_pdf
from redactor.model import Category, Document, Finding

runner = CliRunner()
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_ocr = pytest.mark.skipif(
    not ocr.available() or not FONT.is_file(),
    reason="Tesseract (apt install tesseract-ocr) or DejaVu missing",
)
LETTER = [
    "Re: Mrs Ottilie Brennan, DOB 03/04/1961",
    "Dear Dr Okafor,",
    "I saw Mrs Brennan today. Her daughter Philippa Quennell came with her",
    "and said her partner Mr Bartholomew Ferrante has been drinking heavily.",
    "Yours sincerely, Dr Imogen Takahashi",
]
THIRD_PARTY = ["Philippa", "Quennell", "Bartholomew", "Ferrante"]


def page_image(dpi: int = 300) -> Image.Image:
    scale = dpi / 72
    image = Image.new("L", (int(595 * scale), int(842 * scale)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), int(11 * scale))
    for row, line in enumerate(LETTER):
        draw.text((50 * scale, (60 + 22 * row) * scale), line, fill=0, font=font)
    return image


def scanned_pdf(dpi: int = 300) -> bytes:
    buffer = io.BytesIO()
    page_image(dpi).save(buffer, "PDF", resolution=dpi)
    return buffer.getvalue()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def apply(tmp_path: Path, source: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    out = tmp_path / "out"
    code, _ = run(
        "apply", str(source), "--out", str(out), "--unreviewed", "redact", "--spans-only", *extra
    )
    return code, json.loads((out / "redactor-manifest.json").read_text())


def ocr_text(image: Image.Image) -> str:
    return ocr.ocr_image(image, 300).text


@needs_ocr
def test_a_scanned_pdf_is_read_with_boxes_and_redacted_in_its_pixels(tmp_path):
    source = tmp_path / "scan.pdf"
    source.write_bytes(scanned_pdf())
    report = tmp_path / "r.json"
    run("scan", str(source), "--json", str(report), "-q")
    document = json.loads(report.read_text())["documents"][0]
    assert document["ocr_pages"] == [1] and document["box_unit"] == "pt"
    names = [f for f in document["findings"] if f["category"] == "THIRD_PARTY_NAME"]
    assert {w for f in names for w in f["text"].split()} >= set(THIRD_PARTY)
    assert all(f["boxes"] for f in names)
    code, manifest = apply(tmp_path, source)
    assert code == 0, manifest["errors"]
    [entry] = manifest["documents"]
    assert [p["method"] for p in entry["pages"]] == ["raster"]
    released = pdfium.PdfDocument(entry["output"])
    image = released[0].render(scale=300 / 72).to_pil().convert("L")
    text = ocr_text(image)
    assert not [w for w in THIRD_PARTY if w.lower() in text.lower()]
    assert "Okafor" in text and "Takahashi" in text  # the rest of the letter is still there
    x0, y0, x1, y1 = (v * 300 / 72 for v in names[0]["boxes"][0])
    assert image.crop((int(x0) + 2, int(y0) + 2, int(x1) - 2, int(y1) - 2)).getextrema()[1] < 40  # burnt black
    # ... with a text layer of what is left, so the copy stays searchable
    textpage = released[0].get_textpage()
    assert "Okafor" in textpage.get_text_range() and "Quennell" not in textpage.get_text_range()


@needs_ocr
@pytest.mark.parametrize("suffix", [".png", ".jpg", ".tif"])
def test_an_image_file_comes_back_in_its_format_with_names_burnt_out(tmp_path, suffix):
    source = tmp_path / f"scan{suffix}"
    page_image().save(source, dpi=(300, 300))
    code, manifest = apply(tmp_path, source)
    assert code == 0, manifest["errors"]
    released = Image.open(manifest["documents"][0]["output"])
    original = Image.open(source)
    assert released.format == original.format and released.size == original.size
    text = ocr_text(released)
    assert not [w for w in THIRD_PARTY if w.lower() in text.lower()] and "Okafor" in text


@needs_ocr
def test_a_page_ocr_cannot_read_is_withheld_and_never_released_by_unreviewed(tmp_path):
    image = Image.effect_noise((1240, 1754), 120).convert("L")  # a photograph, not writing
    source = tmp_path / "photo.pdf"
    image.save(source, "PDF", resolution=150)
    report = tmp_path / "r.json"
    run("scan", str(source), "--json", str(report), "-q")
    findings = json.loads(report.read_text())["documents"][0]["findings"]
    assert [f["rule"] for f in findings if f["category"] == "UNREADABLE"] == ["ingest/unreadable-page"]
    code, manifest = apply(tmp_path, source)
    assert code == 0 and [p["method"] for p in manifest["documents"][0]["pages"]] == ["withheld"]
    released = pdfium.PdfDocument(manifest["documents"][0]["output"])
    assert "withheld" in released[0].get_textpage().get_text_range()
    # The policy can withhold the whole document instead.
    policy = tmp_path / "strict.yml"
    policy.write_text(
        (Path(__file__).parents[1] / "models" / "policies" / "patient-access.yml")
        .read_text()
        .replace("unreadable: page", "unreadable: document")
    )
    code, manifest = apply(tmp_path, source, "--policy", str(policy))
    assert code == 2 and not manifest["documents"] and "could not be read" in manifest["errors"][0]["error"]


def test_only_a_reviewers_keep_releases_an_unread_page():
    text = "page one\fpage two"
    document = Document(path="x.pdf", sha256="", text=text, pages=2, page_starts=[0, 9])

    def unread(decision: str | None) -> Finding:
        return Finding(
            9,
            17,
            "page two",
            Category.UNREADABLE,
            1.0,
            "ingest/unreadable-page",
            "why",
            page=2,
            decision=decision,
        )

    document.findings = [unread(None)]
    assert withheld_pages(document) == {2}
    document.findings = [unread("redact")]
    assert withheld_pages(document) == {2}
    document.findings = [unread("keep")]
    assert withheld_pages(document) == set()


def symbol_pdf() -> bytes:
    """A page whose text layer is symbols, as a Type 3 or symbol font without a Unicode
    map gives: it must be read from its pixels, not trusted as text."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.setFont("ZapfDingbats", 12)
    for row in range(12):
        pdf.drawString(50, 780 - 16 * row, "Philippa Quennell rang about her mother")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_a_text_layer_of_symbols_is_not_taken_as_text():
    read = extract_pdf(symbol_pdf(), ocr=False)
    assert read.text == "" and read.unreadable_pages == [1]
    assert read.layout[0].unreadable and "symbols" in read.layout[0].unreadable


def test_a_wide_gap_in_a_line_is_a_column_break_and_a_single_space_is_not():
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(50, 780, "Name: Mr Albert Brown")
    pdf.drawString(250, 780, "Sex: M")
    pdf.setFont("Courier", 10)
    pdf.drawString(50, 760, "BP 120/80")
    pdf.showPage()
    pdf.save()
    text = extract_pdf(buffer.getvalue()).text
    assert "Name: Mr Albert Brown\tSex: M" in text and "BP 120/80" in text


def test_a_record_with_an_attachment_it_cannot_read_gets_no_copy(tmp_path):
    bundle = {
        "resourceType": "Bundle",
        "meta": {"fhirVersion": "4.0.1"},
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "p1",
                    "name": [{"family": "Brennan", "given": ["Ottilie"]}],
                }
            },
            {
                "resource": {
                    "resourceType": "DocumentReference",
                    "id": "d1",
                    "subject": {"reference": "Patient/p1"},
                    "content": [{"attachment": {"contentType": "image/tiff", "data": "SUkqAA=="}}],
                }
            },
        ],
    }
    source = tmp_path / "record.json"
    source.write_text(json.dumps(bundle))
    code, manifest = apply(tmp_path, source)
    assert code == 2 and not manifest["documents"]
    assert "could not be read" in manifest["errors"][0]["error"]


@needs_ocr
@pytest.mark.parametrize("workers", [1, 2])
def test_progress_counts_each_page_as_ocr_reads_it(tmp_path, workers):
    from redactor.decide import load_policy
    from redactor.ingest import InputFile
    from redactor.scan import scan

    inputs = []
    for number in range(3):  # different bytes, so none is skipped as a duplicate
        path = tmp_path / f"scan{number}.pdf"
        path.write_bytes(scanned_pdf(150) + f"\n%{number}\n".encode())
        inputs.append(InputFile(path, str(path)))
    ticks: list[int] = []
    result = scan(inputs, None, load_policy(), workers=workers, on_page=lambda: ticks.append(1))
    assert len(result.documents) == 3 and len(ticks) == 3
