"""Letters from real producers (tests/producers) through scan, apply, a leak check and
a render comparison.

The corpus is built once per session, and one `scan` and one `apply` per mode run over
all of it: each CLI start loads spaCy, so a run per file would cost minutes. Each test
then reads its own file's part of the report or manifest, so a failure names the
producer and the step. A producer whose tool is missing here is skipped with the reason;
one that is there but fails to build is a failure.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from base64 import a85decode
from binascii import unhexlify
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageFilter, ImageSequence

from .producers.build import FAILED, PRODUCERS, Producer, build
from .producers.letters import WRAP_NAME

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "producers"
PATIENTS = HERE / "patients.csv"
LETTERS = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))["letters"]
NAMES = list(PRODUCERS)
MODES = ("whole-entries", "spans-only")
IMAGE_KINDS = ("ocr", "scan", "image")  # pixels hold the words: OCR checks them
NOT_REDACTING = {"PROFESSIONAL", "PATIENT_IDENTIFIER", "UNREADABLE"}
CLI_TIMEOUT = 900  # seconds for one run over the whole corpus

# Render comparison: PDFs drawn at 300 dpi and averaged down to 150 so that hinting and
# a rasterised page's resampling do not read as movement (tuned and proved by
# test_the_render_comparison_fails_a_moved_word_and_passes_a_rasterised_page).
RENDER_DPI, SUPERSAMPLE = 150, 2
BOX_PAD = 3.0  # points around each redaction box
TILE = 16.0  # points: a tile holds a word or two
REACH = 6.0  # points: the farthest movement looked for tile by tile
MOVE = 1.0  # points: a tile whose ink fits best this far from the page's fit has moved
MOVE_GAIN = 0.35  # ...if the better fit saves this share of the tile's ink
INK_CHANGE = 0.4  # a tile whose ink grew or shrank by this share was changed
MEAN_DIFF = 2.0  # on 0-255, the whole page outside the boxes


# --- The corpus and the runs over it ---------------------------------------------------


@dataclass
class Run:
    code: int
    stderr: str
    data: dict | None  # the JSON report or the manifest

    def tail(self) -> str:
        return " / ".join(self.stderr.strip().splitlines()[-4:])


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    return build(tmp_path_factory.mktemp("producers") / "corpus")


def _built(corpus: dict[str, Path | str]) -> list[Path]:
    return [path for path in corpus.values() if isinstance(path, Path)]


def made(corpus: dict[str, Path | str], name: str) -> tuple[Producer, Path]:
    """This producer's file, or a skip naming the missing tool (a failure if it broke)."""
    result = corpus[name]
    if isinstance(result, str):
        if result.startswith(FAILED):
            pytest.fail(f"{name} did not build: {result}")
        pytest.skip(f"{name}: {result}")
    return PRODUCERS[name], result


def _env(home: Path) -> dict[str, str]:
    """A key and cache of the session's own, never the user's."""
    return {
        **os.environ,
        "REDACTOR_KEY_FILE": str(home / "practice.key"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "NO_COLOR": "1",
    }


def start(args: list[str | Path], home: Path, log: Path) -> subprocess.Popen[bytes]:
    """The real CLI in its own process; stderr to `log` (it never quotes record text)."""
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "redactor", *map(str, args)],
            cwd=ROOT,
            env=_env(home),
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )


def finish(process: subprocess.Popen[bytes], log: Path, result: Path) -> Run:
    try:
        code = process.wait(timeout=CLI_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
    data = json.loads(result.read_text()) if result.exists() else None
    return Run(code, log.read_text(errors="replace"), data)


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One practice key and findings cache for the session's runs: apply finds what scan
    analysed, as in a practice's own scan-then-apply."""
    return tmp_path_factory.mktemp("practice")


@pytest.fixture(scope="session")
def scanned(corpus: dict[str, Path | str], home: Path) -> Run:
    report = home / "report.json"
    process = start(
        ["scan", *_built(corpus), "--patients", PATIENTS, "--json", report], home, home / "scan.log"
    )
    return finish(process, home / "scan.log", report)


@pytest.fixture(scope="session")
def applied(corpus: dict[str, Path | str], home: Path, scanned: Run) -> dict[str, Run]:
    """apply over the corpus in each mode, the two runs side by side: each is mostly one
    process's work, and the machine has two cores."""
    processes = {}
    for mode in MODES:
        out = home / f"released-{mode}"
        args = ["apply", *_built(corpus), "--patients", PATIENTS, "--unreviewed", "redact", "--out", out]
        processes[mode] = start([*args, f"--{mode}"], home, home / f"apply-{mode}.log")
    return {
        mode: finish(
            process, home / f"apply-{mode}.log", home / f"released-{mode}" / "redactor-manifest.json"
        )
        for mode, process in processes.items()
    }


def copy_of(run: Run, source: Path) -> tuple[Path, dict]:
    """The redacted copy of `source` and its manifest entry, or the failure that says why not."""
    if run.data is None:
        pytest.fail(f"apply wrote no manifest (exit {run.code}): {run.tail()}")
    for error in run.data.get("errors", []):
        if Path(error["path"]).name == source.name:
            pytest.fail(f"apply gave no copy: {error['error']}")
    entry = next((d for d in run.data["documents"] if Path(d["input"]).name == source.name), None)
    if entry is None:
        pytest.fail(f"the manifest does not list it (apply exit {run.code}): {run.tail()}")
    output = Path(entry["output"])
    assert output.is_file(), "the manifest lists a copy that is not there"
    return output, entry


def expected(spec: Producer, key: str) -> list[str]:
    return [text for letter in spec.letters for text in LETTERS[letter].get(key, [])]


# --- Reading text back --------------------------------------------------------------------


def pattern(text: str) -> re.Pattern[str]:
    """`text`'s words in order, any case, any spacing or punctuation between, word-bounded.

    A word glued to the next by a lost space ("BartholomewFerrante", as PDFium reads
    some justified lines) still counts: a change from lower to upper case is a boundary."""
    words = re.findall(r"[^\W_]+", text)
    glued = r"(?<=[a-z])(?=[A-Z])"
    body = r"[\W_]*".join(map(re.escape, words))
    return re.compile(rf"(?:(?<![^\W_])|{glued})(?i:{body})(?:(?![^\W_])|{glued})")


def is_pdf(path: Path) -> bool:
    return path.suffix.lower() == ".pdf"


def pdfium_text(path: Path) -> str:
    document = pdfium.PdfDocument(path)
    try:
        return "\f".join(page.get_textpage().get_text_range().replace("\r", "") for page in document)
    finally:
        document.close()


def pdfminer_text(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


def inflated(data: bytes) -> str:
    """The raw file with every non-image stream it can undo (Flate, ASCII85, hex) undone, as Latin-1.

    Reads every revision's objects, not only the live ones, so a name an incremental
    update left behind is found."""
    parts = [data]
    for match in re.finditer(rb"<<((?:(?!>>\s*stream).)*?)>>\s*stream\r?\n", data, re.S):
        if re.search(rb"/Subtype\s*/Image\b", match.group(1)):
            continue  # pixels: no words to find, and megabytes to search
        end = data.find(b"endstream", match.end())
        body = data[match.end() : end if end != -1 else len(data)]
        for name in re.findall(rb"/(FlateDecode|Fl|ASCII85Decode|A85|ASCIIHexDecode|AHx)\b", match.group(1)):
            try:
                if name in (b"FlateDecode", b"Fl"):
                    body = zlib.decompressobj().decompress(body)
                elif name in (b"ASCII85Decode", b"A85"):
                    body = a85decode(body.strip().removesuffix(b"~>"), adobe=False)
                else:
                    hexes = re.sub(rb"\s", b"", body).removesuffix(b">")
                    body = unhexlify(hexes + b"0" * (len(hexes) % 2))
            except (zlib.error, ValueError):
                break
        parts.append(body)
    return "\n".join(part.decode("latin-1") for part in parts)


def pages_of(path: Path, dpi: int) -> list[Image.Image]:
    """Each page as greyscale pixels: a PDF rendered at `dpi`, an image file's own frames."""
    if is_pdf(path):
        document = pdfium.PdfDocument(path)
        try:
            return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in document]
        finally:
            document.close()
    with Image.open(path) as image:
        return [frame.convert("L") for frame in ImageSequence.Iterator(image)]


def _window_sum(x: np.ndarray, size: int) -> np.ndarray:
    """Sum over the size x size window centred on each pixel (an integral image)."""
    half = size // 2
    padded = np.pad(x.astype(np.int32), ((half + 1, half), (half + 1, half)))
    total = padded.cumsum(axis=0).cumsum(axis=1)
    return total[size:, size:] - total[:-size, size:] - total[size:, :-size] + total[:-size, :-size]


@cache
def ocr_text(path: Path) -> str:
    """Tesseract over every page at about 200 dpi, pages stacked so it runs once per file.

    One OpenMP thread: on two cores Tesseract's threads make a page 2.5 times slower."""
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed: the copy's pixels cannot be read back")
    pages = []
    for page in pages_of(path, 200):
        if page.width > 1800:  # a 300 dpi image: 200 dpi reads as well, faster
            page = page.resize((page.width * 2 // 3, page.height * 2 // 3), Image.Resampling.LANCZOS)
        pages.append(page)
    sheet = Image.new("L", (max(p.width for p in pages), sum(p.height for p in pages)), 255)
    top = 0
    for page in pages:
        sheet.paste(page, (0, top))
        top += page.height
    # Solid black boxes turned white: beside one, Tesseract takes a line for a picture and
    # skips it. No glyph stroke is this wide, and what a box covers is unreadable anyway.
    pixels = np.asarray(sheet).copy()
    core = _window_sum(pixels < 64, 11) == 11 * 11
    pixels[_window_sum(core, 11) > 0] = 255
    sheet = Image.fromarray(pixels)
    with tempfile.TemporaryDirectory() as scratch:
        image = Path(scratch) / "page.png"
        sheet.save(image)
        done = subprocess.run(
            ["tesseract", str(image), "-", "-l", "eng"],
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return done.stdout


def readings(path: Path, spec: Producer, entry: dict) -> dict[str, str]:
    """Every reading of a copy that could show a word: two text extractors, OCR where
    pixels carry words (scans, images, a page apply rasterised), and for PDFs the raw
    bytes with their streams inflated."""
    out: dict[str, str] = {}
    if is_pdf(path):
        out["pypdfium2"] = pdfium_text(path)
        out["pdfminer.six"] = pdfminer_text(path)
        out["raw bytes"] = inflated(path.read_bytes())
    rasterised = any(page.get("method") == "raster" for page in entry.get("pages", []))
    if spec.kind in IMAGE_KINDS or rasterised:
        out["Tesseract OCR"] = ocr_text(path)
    return out


# --- The render comparison ---------------------------------------------------------------


@dataclass
class Sheet:
    """One page as pixels, with how page units (points, or an image's pixels) map onto them."""

    pixels: np.ndarray  # greyscale, 0-255
    per_unit: float  # pixels per unit of the manifest's boxes
    per_point: float  # pixels per point


def sheets(path: Path) -> list[Sheet]:
    if is_pdf(path):
        scale = RENDER_DPI / 72
        return [
            Sheet(np.asarray(page.reduce(SUPERSAMPLE), dtype=np.int32), scale, scale)
            for page in pages_of(path, RENDER_DPI * SUPERSAMPLE)
        ]
    with Image.open(path) as image:
        dpi = float((image.info.get("dpi") or (200, 200))[0]) or 200.0
    factor = max(1, round(dpi / 100))
    return [
        Sheet(np.asarray(page.reduce(factor), dtype=np.int32), 1 / factor, dpi / 72 / factor)
        for page in pages_of(path, 0)
    ]


def box_mask(shape: tuple[int, ...], boxes: list[list[float]], sheet: Sheet) -> np.ndarray:
    """True inside each box, padded by BOX_PAD points, in pixels."""
    mask = np.zeros(shape[:2], dtype=bool)
    pad = BOX_PAD * sheet.per_point
    for x0, y0, x1, y1 in boxes:
        left, right = sorted((x0 * sheet.per_unit, x1 * sheet.per_unit))
        top, bottom = sorted((y0 * sheet.per_unit, y1 * sheet.per_unit))
        mask[
            max(0, int(top - pad)) : max(0, int(np.ceil(bottom + pad))),
            max(0, int(left - pad)) : max(0, int(np.ceil(right + pad))),
        ] = True
    return mask


def _ink(pixels: np.ndarray) -> np.ndarray:
    blurred = Image.fromarray(pixels.astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.0))
    return 255 - np.asarray(blurred, dtype=np.int32)


def moved_or_changed(before: np.ndarray, after: np.ndarray, mask: np.ndarray, per_point: float) -> list[str]:
    """Where kept content moved or changed outside the masked boxes (positions in points).

    Ink is compared tile by tile: a tile whose ink fits clearly better at another offset
    than the page as a whole has moved; one whose ink grew or shrank has changed. A
    rasterised page's resampling shifts no tile and keeps each tile's ink."""
    if max(abs(x - y) for x, y in zip(before.shape, after.shape, strict=True)) > 2:
        return [f"page drawn {after.shape[1]}x{after.shape[0]} px, was {before.shape[1]}x{before.shape[0]}"]
    # A page size kept to a hundredth of an inch can still round to a pixel more.
    height, width = min(before.shape[0], after.shape[0]), min(before.shape[1], after.shape[1])
    before, after, mask = before[:height, :width], after[:height, :width], mask[:height, :width]
    keep = ~mask
    a, b = _ink(before) * keep, _ink(after) * keep
    tile, reach = round(TILE * per_point), max(1, round(REACH * per_point))
    rows, cols = height // tile, width // tile

    def per_tile(x: np.ndarray) -> np.ndarray:
        return x[: rows * tile, : cols * tile].reshape(rows, tile, cols, tile).sum(axis=(1, 3))

    padded = np.pad(b, reach)
    # Along each axis only: kept text moves along its line or down the page, and a
    # square search this wide would cost seconds a page.
    offsets = [(0, 0)] + [o for d in range(1, reach + 1) for o in ((0, d), (0, -d), (d, 0), (-d, 0))]
    costs = np.stack(
        [
            per_tile(np.abs(a - padded[reach + dy : reach + dy + height, reach + dx : reach + dx + width]))
            for dy, dx in offsets
        ]
    )
    page_fit = int(costs.sum(axis=(1, 2)).argmin())
    ink_a, ink_b = per_tile(a), per_tile(b)
    ink = np.maximum(ink_a, ink_b)
    inked = ink > tile * tile * 255 * 0.02
    best = costs.argmin(axis=0)
    shift = np.abs(np.array(offsets)[best] - np.array(offsets[page_fit]))  # rows, cols, 2
    far = shift.max(axis=2) >= max(1, round(MOVE * per_point))
    gain = (costs[page_fit] - costs.min(axis=0)) / np.maximum(ink, 1)
    problems = []
    for row, col in zip(*np.nonzero(inked & far & (gain > MOVE_GAIN)), strict=True):
        problems.append(f"moved near ({col * TILE:.0f}, {row * TILE:.0f}) pt, fit {gain[row, col]:.2f}")
    change = (ink_b - ink_a) / np.maximum(ink, 1)
    for row, col in zip(*np.nonzero(inked & (np.abs(change) > INK_CHANGE)), strict=True):
        problems.append(f"changed near ({col * TILE:.0f}, {row * TILE:.0f}) pt, ink {change[row, col]:+.0%}")
    mean = float(np.abs(a - b)[keep].mean()) if keep.any() else 0.0
    if mean >= MEAN_DIFF:
        problems.append(f"mean difference {mean:.2f} outside the boxes")
    return problems


# --- The tests -------------------------------------------------------------------------------


def test_patients_csv_names_every_producer_file() -> None:
    import csv

    with PATIENTS.open(encoding="utf-8") as handle:
        files = {row["file"] for row in csv.DictReader(handle)}
    assert {spec.filename for spec in PRODUCERS.values()} <= files
    assert {letter for spec in PRODUCERS.values() for letter in spec.letters} <= set(LETTERS)


@pytest.mark.parametrize("name", NAMES)
def test_the_corpus_file_is_what_its_producer_claims(corpus: dict[str, Path | str], name: str) -> None:
    """Else a pass below proves nothing: the words are there, as text or as pixels only."""
    spec, path = made(corpus, name)
    if spec.kind == "image":
        with Image.open(path) as image:
            assert getattr(image, "n_frames", 1) == len(spec.letters)
        return
    text = pdfium_text(path)
    document = pdfium.PdfDocument(path)
    assert len(document) == 1, "one page per corpus letter"
    document.close()
    if spec.kind == "scan":
        assert not text.strip(), "a scan has no text layer"
        return
    for third_party in expected(spec, "third_party"):
        assert pattern(third_party).search(text), f"{third_party!r} is not in the text layer"
    if spec.wraps:
        first, surname = WRAP_NAME.split()
        for reader, read in (("pypdfium2", text), ("pdfminer.six", pdfminer_text(path))):
            assert re.search(rf"{first}[ \t]*\n\s*{surname}", read), (
                f"{reader}: the surname does not start a line"
            )
    for hidden in expected(spec, "earlier_revision_only"):
        assert not pattern(hidden).search(text), "the earlier revision's words are on the page"
        assert pattern(hidden).search(inflated(path.read_bytes())), "the earlier revision is not in the file"


@pytest.mark.parametrize("name", NAMES)
def test_scan_flags_every_third_party(corpus: dict[str, Path | str], scanned: Run, name: str) -> None:
    """Every word of every third party's name and phone lies in a finding to redact or review."""
    spec, path = made(corpus, name)
    if scanned.data is None:
        pytest.fail(f"scan wrote no report (exit {scanned.code}): {scanned.tail()}")
    assert scanned.code in (0, 1, 2), scanned.tail()
    for error in scanned.data.get("errors", []):
        if Path(error["path"]).name == path.name:
            pytest.fail(f"scan could not read it: {error['error']}")
    document = next((d for d in scanned.data["documents"] if Path(d["path"]).name == path.name), None)
    assert document is not None, f"the report does not list it (scan exit {scanned.code})"
    flagged = [
        f["text"]
        for f in document["findings"]
        if f["action"] in ("redact", "review") and f["category"] not in NOT_REDACTING
    ]
    missed = []
    for third_party in expected(spec, "third_party"):
        words = re.findall(r"[^\W_]+", third_party)
        if not all(any(pattern(word).search(text) for text in flagged) for word in words):
            missed.append(third_party)
    assert not missed, f"not flagged ({len(missed)} of {len(expected(spec, 'third_party'))}): {missed}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", NAMES)
def test_apply_writes_a_copy_in_the_same_format(
    corpus: dict[str, Path | str], applied: dict[str, Run], name: str, mode: str
) -> None:
    _, path = made(corpus, name)
    output, _ = copy_of(applied[mode], path)
    assert output.suffix == path.suffix and output.name == path.name
    if is_pdf(path):
        before, after = pdfium.PdfDocument(path), pdfium.PdfDocument(output)
        assert len(after) == len(before)
        for page_before, page_after in zip(before, after, strict=True):
            assert page_after.get_size() == pytest.approx(page_before.get_size(), abs=0.5)
        before.close()
        after.close()
        return
    with Image.open(path) as original, Image.open(output) as copy:
        assert copy.format == original.format
        assert copy.size == original.size
        assert getattr(copy, "n_frames", 1) == getattr(original, "n_frames", 1)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", NAMES)
def test_the_copy_leaks_no_third_party(
    corpus: dict[str, Path | str], applied: dict[str, Run], name: str, mode: str
) -> None:
    """No third party's name, surname alone included, nor their phone, in any reading of
    the copy; nor anything only an earlier revision of the input held."""
    spec, path = made(corpus, name)
    output, entry = copy_of(applied[mode], path)
    earlier = [word for hidden in expected(spec, "earlier_revision_only") for word in hidden.split()]
    leaks = []
    for reader, text in readings(output, spec, entry).items():
        for word in expected(spec, "leak_words") + earlier:
            if pattern(word).search(text):
                leaks.append(f"{word} ({reader})")
    assert not leaks, f"still in the copy: {leaks}"


@pytest.mark.parametrize("name", NAMES)
def test_a_spans_only_copy_keeps_the_patient_and_professionals(
    corpus: dict[str, Path | str], applied: dict[str, Run], name: str
) -> None:
    """What is not a third party's stays readable: in a text PDF's copy as text (a
    patient's screen reader and search read that, OCR is no stand-in), in a scan's by OCR."""
    spec, path = made(corpus, name)
    output, entry = copy_of(applied["spans-only"], path)
    read = readings(output, spec, entry)
    read.pop("raw bytes", None)  # glyph codes in a CID font are no reading of the words
    if spec.kind == "text":
        read.pop("Tesseract OCR", None)  # a text PDF's copy keeps its words as text
    lost = [
        kept
        for kept in expected(spec, "patient") + expected(spec, "professionals")
        if not any(pattern(kept).search(text) for text in read.values())
    ]
    assert not lost, f"kept names missing from the copy (read by {sorted(read)}): {lost}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", NAMES)
def test_kept_text_has_not_moved(
    corpus: dict[str, Path | str], applied: dict[str, Run], name: str, mode: str
) -> None:
    """Outside the manifest's boxes the copy draws what the input drew, where it drew it."""
    _, path = made(corpus, name)
    output, entry = copy_of(applied[mode], path)
    if "pages" not in entry:
        pytest.fail("the manifest gives no pages (method and boxes) for this copy")
    pages = {page["page"]: page for page in entry["pages"]}
    problems = []
    for number, (before, after) in enumerate(zip(sheets(path), sheets(output), strict=True), start=1):
        page = pages.get(number)
        if page is None:
            problems.append(f"page {number}: not in the manifest")
            continue
        if page["method"] == "withheld":
            continue  # the whole page is held back: nothing on it was kept
        mask = box_mask(before.pixels.shape, page["boxes"], before)
        found = moved_or_changed(before.pixels, after.pixels, mask, before.per_point)
        problems.extend(f"page {number} ({page['method']}): {problem}" for problem in found)
    assert not problems, "; ".join(problems[:8])


def test_the_render_comparison_fails_a_moved_word_and_passes_a_rasterised_page() -> None:
    """The comparison's thresholds, proved: a kept line moved by 1 pt or more, or gone,
    fails; the same page rasterised at 200 or 300 dpi (PNG or JPEG) passes; so does a
    name under a black box that the manifest names."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    from .producers.letters import CLINIC

    size = (595.28, 841.89)

    def letter(dx: float = 0.0, dy: float = 0.0, drop: bool = False, box: bool = False) -> bytes:
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=size)
        y = 785.0
        for line in CLINIC.lines():
            pdf.setFont("Helvetica", 11)
            if line == "Dr Rupert Halloway":
                if not drop:
                    pdf.drawString(56.7 + dx, y + dy, line)
            elif box and "Bartholomew" in line:
                pdf.rect(56.7, y - 3, stringWidth(line, "Helvetica", 11), 13, fill=1)
            else:
                pdf.drawString(56.7, y, line)
            y -= 14.3
        pdf.showPage()
        pdf.save()
        return buffer.getvalue()

    def rasterised(data: bytes, dpi: int, jpeg: bool) -> bytes:
        image = pdfium.PdfDocument(data)[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if jpeg:
            encoded = io.BytesIO()
            image.save(encoded, "JPEG", quality=75)
            image = Image.open(encoded)
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=size)
        pdf.drawImage(ImageReader(image), 0, 0, width=size[0], height=size[1])
        pdf.showPage()
        pdf.save()
        return buffer.getvalue()

    def sheet(data: bytes) -> np.ndarray:
        page = pdfium.PdfDocument(data)[0].render(scale=RENDER_DPI * SUPERSAMPLE / 72, grayscale=True)
        return np.asarray(page.to_pil().convert("L").reduce(SUPERSAMPLE), dtype=np.int32)

    per_point = RENDER_DPI / 72
    base = sheet(letter())
    nothing = np.zeros(base.shape, dtype=bool)
    for name, variant in {
        "1 pt right": letter(dx=1),
        "3 pt right": letter(dx=3),
        "1 pt up": letter(dy=1),
        "12 pt right": letter(dx=12),
        "gone": letter(drop=True),
    }.items():
        assert moved_or_changed(base, sheet(variant), nothing, per_point), f"a kept line {name} passed"
    for dpi in (200, 300):
        for jpeg in (False, True):
            found = moved_or_changed(base, sheet(rasterised(letter(), dpi, jpeg)), nothing, per_point)
            assert not found, f"rasterised at {dpi} dpi ({'JPEG' if jpeg else 'PNG'}): {found}"
    line = next(i for i, text in enumerate(CLINIC.lines()) if "Bartholomew" in text)
    top = size[1] - (785.0 - 14.3 * line) - 10
    right = 56.7 + stringWidth(CLINIC.lines()[line], "Helvetica", 11)
    boxed = box_mask(base.shape, [[56.7, top, right, top + 13]], Sheet(base, per_point, per_point))
    assert not moved_or_changed(base, sheet(letter(box=True)), boxed, per_point)
