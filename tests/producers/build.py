"""Build the same fictional letters through every producer this machine has.

python -m tests.producers.build OUTDIR

Real producers write PDFs redactor's own tests never would: two-byte CID fonts
(Chromium), subset TrueType (LibreOffice, reportlab), Type 1 from PostScript
(Ghostscript), invisible OCR text over a scan (Tesseract), image-only scans, an
incremental update whose earlier revision still sits in the file. A producer whose
tool is missing is reported with the reason and left out; the others still build.
"""

from __future__ import annotations

import html
import io
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFont

from .letters import ADDENDUM_LINE, CLINIC, CONTINUATION, EARLIER_REVISION_LINE, WRAP_LINE, Letter

HERE = Path(__file__).resolve().parent
FONTS = Path("/usr/share/fonts/truetype")
SANS = FONTS / "liberation" / "LiberationSans-Regular.ttf"
SERIF = FONTS / "liberation" / "LiberationSerif-Regular.ttf"
DEJAVU = FONTS / "dejavu" / "DejaVuSans.ttf"
A4 = (595.28, 841.89)  # points
MARGIN = 56.7  # 20 mm
SIZE = 11.0  # points
GAP = 12.0  # between columns, points
TIMEOUT = 120  # seconds for one tool run
# Chromium headless on a machine with no network: without the background-networking
# flags it tries, and fails, to reach Google's hosts at every start (tests/test_html.py too).
HEADLESS_CHROMIUM = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# A str from build() starting with this is a producer whose tool is there but failed:
# a failure to report, not a skip.
FAILED = "failed: "


class Missing(Exception):
    """The tool a producer needs is not on this machine (the message says which)."""


@dataclass(frozen=True)
class Producer:
    name: str
    filename: str
    kind: str  # text (a text layer), ocr (image + invisible text), scan (image PDF), image
    letters: tuple[str, ...]  # expected.json keys, in page order where they differ
    wraps: bool  # a narrow layout: WRAP_LINE ends a line
    make: Callable[[Path, Path], str]  # (target, work folder) -> a note on how it was made


PRODUCERS: dict[str, Producer] = {}


def producer(
    name: str, filename: str, kind: str = "text", letters: tuple[str, ...] = ("clinic",), wraps: bool = False
) -> Callable[[Callable[[Path, Path], str]], Callable[[Path, Path], str]]:
    def register(make: Callable[[Path, Path], str]) -> Callable[[Path, Path], str]:
        PRODUCERS[name] = Producer(name, filename, kind, letters, wraps, make)
        return make

    return register


def installed(font: Path) -> str:
    """The font's path, or Missing: without it a layout's widths would be another font's."""
    if not font.is_file():
        raise Missing(f"{font.name} is not installed")
    return str(font)


def wrap_width(font: Path) -> float:
    """A column width in points that holds WRAP_LINE but not the surname after it."""
    face = ImageFont.truetype(installed(font), 1000)
    fits = face.getlength(WRAP_LINE) / 1000 * SIZE
    too_long = face.getlength(WRAP_LINE + " Wetherall") / 1000 * SIZE
    return round((fits + too_long) / 2, 1)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise Missing(f"{name} is not installed")
    return path


def run(command: list[str], cwd: Path | None = None, stdout: Path | None = None) -> None:
    """Run a producer's tool; a failure says which tool and its last words, never hangs."""
    sink = stdout.open("wb") if stdout else subprocess.PIPE
    try:
        done = subprocess.run(
            command, cwd=cwd, stdout=sink, stderr=subprocess.PIPE, timeout=TIMEOUT, check=False
        )
    finally:
        if stdout:
            sink.close()  # type: ignore[union-attr]
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{Path(command[0]).name} exited {done.returncode}: {' / '.join(tail)}")


# --- HTML (Chromium, wkhtmltopdf) ----------------------------------------------------


def _block(lines: tuple[str, ...] | list[str]) -> str:
    return "<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>" if lines else ""


def letter_html(letter: Letter, layout: str = "single") -> str:
    """The letter as HTML in Liberation Sans 11pt; columns and table set WRAP_LINE's width."""
    width = wrap_width(SANS)
    head = [
        _block(letter.letterhead),
        _block(letter.recipient),
        _block([f"{label}: {value}" for label, value in letter.patient]),
        _block([letter.date]),
        _block([letter.salutation]),
        _block([letter.subject]),
    ]
    paragraphs = [f"<p>{html.escape(p)}</p>" for p in letter.paragraphs]
    if layout == "columns":
        body = (
            f'<div style="column-count:2;column-gap:{GAP}pt;width:{2 * width + GAP}pt">'
            + "".join(paragraphs)
            + "</div>"
        )
    elif layout == "table":
        labels = ("Seen with", "Neighbour", "Family", "Findings", "Notes")
        rows = "".join(
            f'<tr><th>{label}</th><td style="width:{width}pt">{html.escape(p)}</td></tr>'
            for label, p in zip(labels, letter.paragraphs, strict=False)
        )
        body = f'<table style="border-collapse:collapse">{rows}</table>'
    else:
        body = "".join(paragraphs)
    style = (
        f"@page{{size:A4;margin:20mm}}"
        f"body{{font-family:'Liberation Sans';font-size:{SIZE}pt;line-height:1.25;margin:0}}"
        "p{margin:0 0 7pt 0}"
        "th{text-align:left;vertical-align:top;font-weight:normal;width:28mm;padding:2pt 8pt 2pt 0}"
        "td{vertical-align:top;padding:2pt 0;border-top:0.5pt solid #888}"
    )
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Clinic letter</title>'
        f"<style>{style}</style></head><body>{''.join(head)}{body}{_block(letter.closing)}</body></html>"
    )


def _chromium(target: Path, work: Path, layout: str) -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        raise Missing("chromium is not installed")
    page = work / f"chromium-{layout}.html"
    page.write_text(letter_html(CLINIC, layout), encoding="utf-8")
    run(
        [
            browser,
            *HEADLESS_CHROMIUM,
            f"--user-data-dir={work / 'chromium-profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
    )
    return _version([browser, "--version"])


@producer("chromium", "chromium.pdf")
def chromium(target: Path, work: Path) -> str:
    """Chromium headless print-to-pdf from HTML: two-byte CID (Identity-H) TrueType subsets."""
    return _chromium(target, work, "single")


@producer("chromium-columns", "chromium-columns.pdf", wraps=True)
def chromium_columns(target: Path, work: Path) -> str:
    """Chromium, CSS two columns narrow enough that a third party's surname starts a new line."""
    return _chromium(target, work, "columns")


@producer("chromium-table", "chromium-table.pdf", wraps=True)
def chromium_table(target: Path, work: Path) -> str:
    """Chromium, the letter's paragraphs in a two-column table with a narrow text column."""
    return _chromium(target, work, "table")


@producer("wkhtmltopdf", "wkhtmltopdf.pdf")
def wkhtmltopdf(target: Path, work: Path) -> str:
    """wkhtmltopdf (Qt WebKit) from the same HTML."""
    program = tool("wkhtmltopdf")
    page = work / "wkhtmltopdf.html"
    page.write_text(letter_html(CLINIC), encoding="utf-8")
    margins = [arg for side in "TBLR" for arg in (f"-{side}", "20mm")]
    run([program, "-q", "--page-size", "A4", *margins, str(page), str(target)])
    return _version([program, "--version"])


# --- LibreOffice Writer from DOCX ---------------------------------------------------


def letter_docx(letter: Letter, layout: str, path: Path) -> None:
    """The letter as a Word file (python-docx), as a practice's letters often are."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    width = wrap_width(SANS)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Pt(A4[0]), Pt(A4[1])
    section.top_margin = section.bottom_margin = section.left_margin = Pt(MARGIN)
    section.right_margin = Pt(MARGIN)
    if layout == "columns":
        # Narrow the page's text area so each of the two columns is `width` wide.
        section.right_margin = Pt(A4[0] - MARGIN - (2 * width + GAP))
        columns = OxmlElement("w:cols")
        columns.set(qn("w:num"), "2")
        columns.set(qn("w:space"), str(int(GAP * 20)))
        section._sectPr.append(columns)
    normal = document.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(SIZE)
    normal.paragraph_format.space_after = Pt(7)
    normal.paragraph_format.line_spacing = 1.1

    def lines(block: tuple[str, ...] | list[str]) -> None:
        if block:
            paragraph = document.add_paragraph()
            for i, line in enumerate(block):
                run_ = paragraph.add_run(line)
                if i < len(block) - 1:
                    run_.add_break()

    lines(letter.letterhead)
    lines(letter.recipient)
    lines([f"{label}: {value}" for label, value in letter.patient])
    for line in (letter.date, letter.salutation, letter.subject):
        document.add_paragraph(line)
    if layout == "table":
        padding = 5.4  # python-docx's default table cell margin, each side
        labels = ("Seen with", "Neighbour", "Family", "Findings", "Notes")
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.autofit = False
        for label, text in zip(labels, letter.paragraphs, strict=False):
            cells = table.add_row().cells
            cells[0].width, cells[1].width = Pt(80), Pt(width + 2 * padding)
            cells[0].paragraphs[0].add_run(label)
            cells[1].paragraphs[0].add_run(text)
        grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
        for column, points in zip(grid, (80, width + 2 * padding), strict=True):
            column.set(qn("w:w"), str(int(points * 20)))
    else:
        half = (len(letter.paragraphs) + 1) // 2
        for i, text in enumerate(letter.paragraphs):
            paragraph = document.add_paragraph()
            if layout == "columns" and i == half:
                paragraph.add_run().add_break(WD_BREAK.COLUMN)  # Writer fills one column before the next
            paragraph.add_run(text)
    lines(letter.closing)
    document.core_properties.author = "Memory Assessment Service"
    document.save(str(path))


def _libreoffice(target: Path, work: Path, layout: str) -> str:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        raise Missing("LibreOffice (soffice) is not installed")
    source = work / f"{target.stem}.docx"
    letter_docx(CLINIC, layout, source)
    # Its own profile: parallel runs would otherwise clash over one user installation.
    profile = (work / "libreoffice-profile").as_uri()
    outdir = work / "libreoffice-out"
    run(
        [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(outdir), str(source)]
    )  # fmt: skip
    shutil.move(outdir / f"{source.stem}.pdf", target)
    return _version([program, "--version"])


@producer("libreoffice", "libreoffice.pdf")
def libreoffice(target: Path, work: Path) -> str:
    """LibreOffice Writer, DOCX to PDF (soffice --convert-to pdf): subset TrueType fonts."""
    return _libreoffice(target, work, "single")


@producer("libreoffice-columns", "libreoffice-columns.pdf", wraps=True)
def libreoffice_columns(target: Path, work: Path) -> str:
    """LibreOffice Writer, a two-column DOCX section with narrow columns."""
    return _libreoffice(target, work, "columns")


@producer("libreoffice-table", "libreoffice-table.pdf", wraps=True)
def libreoffice_table(target: Path, work: Path) -> str:
    """LibreOffice Writer, the paragraphs in a DOCX table with a narrow text column."""
    return _libreoffice(target, work, "table")


# --- Ghostscript from PostScript (groff) ---------------------------------------------


def _roff(line: str) -> str:
    """One line of text for troff: no request can start it, backslashes are literal."""
    return "\\&" + line.replace("\\", "\\e")


def letter_ms(letter: Letter, columns: bool) -> str:
    """The letter in groff ms macros, Times 11pt, hyphenation off; columns hold WRAP_LINE."""
    out = [".nr PS 11", ".nr VS 13", ".nr HY 0", ".nr PO 56p", ".nr LL 482p", ".nh", ".LP"]

    def block(lines: tuple[str, ...] | list[str]) -> None:
        if lines:
            out.extend([".LP", ".nf", *map(_roff, lines), ".fi"])

    block(letter.letterhead)
    block(letter.recipient)
    block([f"{label}: {value}" for label, value in letter.patient])
    block([letter.date, "", letter.salutation, "", letter.subject])
    if columns:
        width = wrap_width(SERIF)
        out.extend([f".nr LL {2 * width + GAP}p", ".LP", f".MC {width}p {GAP}p"])  # exactly two columns
    half = (len(letter.paragraphs) + 1) // 2
    for i, paragraph in enumerate(letter.paragraphs):
        if columns and i == half:
            out.extend([".br", ".pg@bottom"])  # ms's own column-end macro: on to the next column
        out.extend([".LP", ".nh", _roff(paragraph)])
    block(letter.closing)  # in the columns still: ms's .1C would start a new page
    return "\n".join(out) + "\n"


def _ghostscript(target: Path, work: Path, columns: bool) -> str:
    groff, ps2pdf = tool("groff"), tool("ps2pdf")
    source = work / f"{target.stem}.ms"
    source.write_text(letter_ms(CLINIC, columns), encoding="ascii")
    postscript = work / f"{target.stem}.ps"
    run([groff, "-ms", "-Tps", "-dpaper=a4", "-P-pa4", str(source)], stdout=postscript)
    run([ps2pdf, "-sPAPERSIZE=a4", str(postscript), str(target)])
    return f"{_version([groff, '--version'])} | ps2pdf (Ghostscript {_version([tool('gs'), '--version'])})"


@producer("ghostscript", "ghostscript.pdf")
def ghostscript(target: Path, work: Path) -> str:
    """groff -ms -Tps | ps2pdf: Ghostscript's pdfwrite from PostScript, Type 1 subsets."""
    return _ghostscript(target, work, columns=False)


@producer("ghostscript-columns", "ghostscript-columns.pdf", wraps=True)
def ghostscript_columns(target: Path, work: Path) -> str:
    """groff ms two columns (.MC) | ps2pdf."""
    return _ghostscript(target, work, columns=True)


# --- reportlab with an embedded TrueType font, and an incremental update ------------


def _reportlab(letter: Letter, font: str, extra: list[str] | None = None) -> bytes:
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle("Clinic letter")
    y = A4[1] - MARGIN
    for line in [*letter.lines(), *(["", *extra] if extra else [])]:
        for part in simpleSplit(line, font, SIZE, A4[0] - 2 * MARGIN) or [""]:
            pdf.setFont(font, SIZE)
            pdf.drawString(MARGIN, y, part)
            y -= SIZE * 1.3
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@producer("reportlab-ttf", "reportlab-ttf.pdf")
def reportlab_ttf(target: Path, work: Path) -> str:
    """reportlab with DejaVu Sans embedded as a TrueType subset."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", installed(DEJAVU)))
    target.write_bytes(_reportlab(CLINIC, "DejaVuSans"))
    return f"reportlab {reportlab.Version}, {DEJAVU.name}"


@producer("incremental", "incremental.pdf", letters=("clinic", "addendum"))
def incremental(target: Path, work: Path) -> str:
    """reportlab letter plus a pypdf incremental revision that replaces the page's text."""
    import pypdf
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    first = work / "incremental-rev1.pdf"
    first.write_bytes(_reportlab(CLINIC, "Helvetica", [EARLIER_REVISION_LINE]))
    second = PdfReader(io.BytesIO(_reportlab(CLINIC, "Helvetica", [ADDENDUM_LINE])))
    writer = PdfWriter(str(first), incremental=True)  # the revision is appended to these bytes
    stream = DecodedStreamObject()
    stream.set_data(second.pages[0].get_contents().get_data())  # type: ignore[union-attr]
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    writer.add_metadata({"/Title": "Clinic letter (amended)"})
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    if not data.startswith(first.read_bytes()):
        raise RuntimeError("pypdf did not append the revision to the first one")
    target.write_bytes(data)
    return f"reportlab + pypdf {pypdf.__version__} incremental revision"


# --- Images: scans, Tesseract's PDF, image files ------------------------------------


def letter_image(letter: Letter, dpi: int) -> Image.Image:
    """The letter as a clean greyscale A4 page, Liberation Serif 11pt, like a good scan."""
    from PIL import ImageDraw

    scale = dpi / 72
    page = Image.new("L", (round(A4[0] * scale), round(A4[1] * scale)), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(installed(SERIF), round(SIZE * scale))
    left, width, y = MARGIN * scale, (A4[0] - 2 * MARGIN) * scale, MARGIN * scale
    for line in letter.lines():
        words, current = line.split(), ""
        parts = []
        for word in words:
            trial = f"{current} {word}".strip()
            if current and draw.textlength(trial, font=font) > width:
                parts.append(current)
                current = word
            else:
                current = trial
        parts.append(current)
        for part in parts:
            draw.text((left, y), part, font=font, fill=0)
            y += SIZE * 1.35 * scale
    return page


def skewed(page: Image.Image, degrees: float = 2.5) -> Image.Image:
    """A page as a feeder scanner leaves it: turned a little, grainy grey paper, dust.

    Seeded, so the corpus is the same on every run."""
    from PIL import ImageDraw

    rng = random.Random(2025)
    turned = page.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    coarse = Image.new("L", (turned.width // 8, turned.height // 8))
    coarse.putdata([max(0, 255 - round(abs(rng.gauss(0, 12)))) for _ in range(coarse.width * coarse.height)])
    paper = ImageChops.multiply(
        Image.new("L", turned.size, 234), coarse.resize(turned.size, Image.Resampling.BILINEAR)
    )
    dust = ImageDraw.Draw(paper)
    for _ in range(2000):
        x, y, r = rng.randrange(paper.width), rng.randrange(paper.height), rng.choice((0, 1, 1, 2))
        dust.ellipse((x - r, y - r, x + r, y + r), fill=rng.randrange(60, 200))
    return ImageChops.darker(turned, paper)


def _image_pdf(image: Path, target: Path, dpi: int) -> str:
    """Wrap an image file into a one-page PDF, as a scanner does: img2pdf if present."""
    try:
        import img2pdf
    except ImportError:
        img2pdf = None
    if img2pdf is not None:
        target.write_bytes(img2pdf.convert(str(image)))
        return f"img2pdf {img2pdf.__version__} (Python package)"
    if program := shutil.which("img2pdf"):
        run([program, "-o", str(target), str(image)])
        return "img2pdf (command line)"
    with Image.open(image) as opened:
        opened.save(target, "PDF", resolution=dpi)
    return "Pillow's PDF writer (img2pdf is not installed)"


@producer("scan-200dpi", "scan-200dpi.pdf", kind="scan")
def scan_200(target: Path, work: Path) -> str:
    """A 200 dpi greyscale scan (PNG, Flate) wrapped into a PDF, no text layer."""
    image = work / "scan-200dpi.png"
    letter_image(CLINIC, 200).save(image, dpi=(200, 200))
    return _image_pdf(image, target, 200)


@producer("scan-300dpi", "scan-300dpi.pdf", kind="scan")
def scan_300(target: Path, work: Path) -> str:
    """A 300 dpi black-and-white scan (1 bit per pixel) wrapped into a PDF."""
    image = work / "scan-300dpi.png"
    letter_image(CLINIC, 300).point(lambda v: 255 if v > 150 else 0).convert("1").save(image, dpi=(300, 300))
    return _image_pdf(image, target, 300)


@producer("scan-skewed", "scan-skewed.pdf", kind="scan")
def scan_skewed(target: Path, work: Path) -> str:
    """A 200 dpi scan turned 2.5 degrees, grey noisy paper, JPEG (DCT) in the PDF."""
    image = work / "scan-skewed.jpg"
    skewed(letter_image(CLINIC, 200)).save(image, quality=75, dpi=(200, 200))
    return _image_pdf(image, target, 200)


@producer("tesseract-pdf", "tesseract.pdf", kind="ocr")
def tesseract_pdf(target: Path, work: Path) -> str:
    """Tesseract's PDF output from a 300 dpi scan: the image plus an invisible text layer."""
    program = tool("tesseract")
    image = work / "tesseract-input.png"
    letter_image(CLINIC, 300).save(image, dpi=(300, 300))
    run([program, str(image), str(work / "tesseract-out"), "-l", "eng", "--dpi", "300", "pdf"])
    shutil.move(work / "tesseract-out.pdf", target)
    return _version([program, "--version"])


@producer("tiff-2page", "scan-2page.tif", kind="image", letters=("clinic", "continuation"))
def tiff_two_pages(target: Path, work: Path) -> str:
    """A two-page black-and-white TIFF (CCITT Group 4, 200 dpi), as a fax or document scanner writes."""
    pages = [
        letter_image(letter, 200).point(lambda v: 255 if v > 150 else 0).convert("1")
        for letter in (CLINIC, CONTINUATION)
    ]
    pages[0].save(target, compression="group4", dpi=(200, 200), save_all=True, append_images=pages[1:])
    return "Pillow TIFF, Group 4"


@producer("png", "scan.png", kind="image")
def png(target: Path, work: Path) -> str:
    """A 200 dpi greyscale PNG of the letter."""
    letter_image(CLINIC, 200).save(target, dpi=(200, 200))
    return "Pillow PNG"


@producer("jpeg", "scan.jpg", kind="image")
def jpeg(target: Path, work: Path) -> str:
    """A 200 dpi greyscale JPEG of the letter, quality 85."""
    letter_image(CLINIC, 200).save(target, quality=85, dpi=(200, 200))
    return "Pillow JPEG"


# --- Running them ----------------------------------------------------------------------


def _version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return Path(command[0]).name
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].strip() if first else Path(command[0]).name


@dataclass
class Built:
    path: Path | None
    note: str  # how it was made, or why not
    seconds: float


def build_all(outdir: Path) -> dict[str, Built]:
    """Every producer into `outdir`; missing tools and failures are noted, not raised."""
    outdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Built] = {}
    with tempfile.TemporaryDirectory(prefix="redactor-producers-") as scratch:
        for name, spec in PRODUCERS.items():
            work = Path(scratch) / name
            work.mkdir()
            target = outdir / spec.filename
            started = time.monotonic()
            try:
                note = spec.make(target, work)
                results[name] = Built(target, note, time.monotonic() - started)
            except Missing as exc:
                results[name] = Built(None, f"skipped: {exc}", time.monotonic() - started)
            except Exception as exc:
                target.unlink(missing_ok=True)
                results[name] = Built(
                    None, f"{FAILED}{type(exc).__name__}: {exc}", time.monotonic() - started
                )
    return results


def build(outdir: Path) -> dict[str, Path | str]:
    """Each producer's file, or a str: why it was skipped (or, starting FAILED, why it failed)."""
    return {name: built.path or built.note for name, built in build_all(Path(outdir)).items()}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.producers.build OUTDIR", file=sys.stderr)
        return 2
    started = time.monotonic()
    results = build_all(Path(argv[0]))
    width = max(map(len, results))
    for name, built in results.items():
        status = f"{built.path.stat().st_size:>9,} B" if built.path else "     --    "
        print(f"{name:<{width}}  {status}  {built.seconds:5.1f}s  {built.note}")
    made = sum(1 for b in results.values() if b.path)
    failed = sum(1 for b in results.values() if b.note.startswith(FAILED))
    print(
        f"{made} built, {len(results) - made - failed} skipped, {failed} failed in {time.monotonic() - started:.1f}s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
