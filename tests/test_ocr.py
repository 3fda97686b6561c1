"""OCR of scanned pages and image files, and redactions burnt into their pixels.

Pages are drawn at test time with a TrueType font: a short fictional GP letter (every
name invented), at 300 and 200 dpi, skewed, turned by EXIF, in PNG, JPEG and TIFF.
Tests that run Tesseract are skipped where it is not installed (CI installs it).
"""

from __future__ import annotations

import dataclasses
import io
import random
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps, PngImagePlugin, TiffImagePlugin

from redactor.apply import image as apply_image
from redactor.apply.image import ImageRedactionError, burn, redact_image
from redactor.ingest import image as ingest_image
from redactor.ingest import ocr
from redactor.ingest.errors import IngestError
from redactor.ingest.image import read_image
from redactor.ingest.ocr import OcrPage, ocr_image

FONTS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
]
FONT = next((f for f in FONTS if f.is_file()), None)
needs_font = pytest.mark.skipif(
    FONT is None, reason="no DejaVu or Liberation TrueType font to draw test pages"
)
needs_ocr = pytest.mark.skipif(
    not ocr.available(), reason="Tesseract with English is not installed (apt install tesseract-ocr)"
)

LETTER = [
    "Riverside Surgery, 12 Mill Lane",
    "",
    "Dear Dr Okafor,",
    "",
    "I saw Mrs Ottilie Brennan today with her son Caspian.",
    "She reports low mood since the winter and poor sleep.",
    "We agreed to review her medication in four weeks.",
    "",
    "Yours sincerely,",
    "Dr Imogen Walcott",
]
SECRET = "Ottilie Brennan"  # what metadata in the test files holds


@dataclass
class Page:
    image: Image.Image  # RGB, white paper
    masks: dict[str, Image.Image]  # L, white with only that word's ink


def draw_letter(dpi: int, lines: list[str] = LETTER, height_in: float = 4.2) -> Page:
    """The letter on the top of an A4-wide page, and the ink of each name on its own."""
    assert FONT is not None
    size = (round(8.27 * dpi), round(height_in * dpi))
    image = Image.new("RGB", size, "white")
    masks = {w: Image.new("L", size, 255) for w in ("Caspian", "Brennan", "Okafor")}
    font = ImageFont.truetype(str(FONT), round(12 * dpi / 72))
    x, y = round(0.8 * dpi), round(0.5 * dpi)
    for line in lines:
        ImageDraw.Draw(image).text((x, y), line, fill="black", font=font)
        for word, mask in masks.items():
            if word in line:
                left = x + font.getlength(line[: line.index(word)])
                ImageDraw.Draw(mask).text((left, y), word, fill=0, font=font)
        y += round(12 * 1.5 * dpi / 72)
    return Page(image, masks)


def turned(page: Page, degrees: float) -> Page:
    def turn(im: Image.Image) -> Image.Image:
        return im.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor="white")

    return Page(turn(page.image), {w: turn(m) for w, m in page.masks.items()})


def words(page: OcrPage, word: str) -> list[ocr.OcrWord]:
    return [w for w in page.words if page.text[w.start : w.end].strip(".,;:") == word]


def ink(image: Image.Image, level: int = 160) -> int:
    return int(np.count_nonzero(np.asarray(image.convert("L")) < level))


def escaped(mask: Image.Image, box: tuple[float, float, float, float]) -> int:
    """Pixels of a word's ink, however faint, that a burn of its box (unpadded) would leave."""
    region = apply_image._pixels(box, 0.0, *mask.size)
    assert region is not None
    left, top, right, bottom = region
    pixels = np.asarray(mask).copy()
    pixels[top:bottom, left:right] = 255
    return int(np.count_nonzero(pixels < 250))


def encoded(image: Image.Image, format_: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format_, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def letter300() -> Page:
    if FONT is None:
        pytest.skip("no TrueType font")
    return draw_letter(300)


@pytest.fixture(scope="module")
def read300(letter300: Page) -> OcrPage:
    if not ocr.available():
        pytest.skip("Tesseract with English is not installed")
    return ocr_image(letter300.image, 300)


# --- OCR: text, offsets, boxes --------------------------------------------------------------


@needs_ocr
def test_letter_at_300_dpi_reads_every_name(read300: OcrPage, letter300: Page) -> None:
    for name in ("Okafor", "Ottilie", "Brennan", "Caspian", "Imogen", "Walcott", "medication"):
        assert name in read300.text
    assert (read300.width, read300.height) == letter300.image.size
    assert read300.unreadable is None
    assert read300.doubtful == ()
    assert all(w.confidence >= 60 for w in read300.words)


@needs_ocr
def test_words_are_their_offsets_and_lines_are_lines(read300: OcrPage) -> None:
    previous_end = 0
    for word in read300.words:
        text = read300.text[word.start : word.end]
        assert text and text == text.strip() and "\n" not in text and "\f" not in text
        assert read300.text[previous_end : word.start] in ("", " ", "\n", "\n\n")
        previous_end = word.end
    assert read300.text.startswith(read300.text[read300.words[0].start : read300.words[0].end])
    lines = read300.text.replace("\n\n", "\n").split("\n")
    assert any(line.startswith("Riverside Surgery, 12 Mill Lane") for line in lines)
    assert any(line.endswith("her son Caspian.") for line in lines)


@needs_ocr
@pytest.mark.parametrize("name", ["Caspian", "Brennan", "Okafor"])
def test_a_box_covers_all_of_its_words_ink(read300: OcrPage, letter300: Page, name: str) -> None:
    (word,) = words(read300, name)
    mask = letter300.masks[name]
    assert ink(mask) > 500
    assert escaped(mask, word.box) == 0  # not one grey pixel of it escapes
    assert ink(letter300.image.crop(tuple(round(v) for v in word.box))) > 500


@needs_ocr
def test_burning_a_box_removes_the_word_and_keeps_its_neighbours(read300: OcrPage, letter300: Page) -> None:
    (caspian,) = words(read300, "Caspian")
    again = ocr_image(burn(letter300.image, [caspian.box]), 300)
    assert "Caspian" not in again.text
    for kept in ("Brennan", "son", "She", "Okafor"):
        assert kept in again.text


@needs_ocr
@needs_font
def test_a_200_dpi_fax_reads_with_boxes_in_its_own_pixels() -> None:
    page = draw_letter(200)
    for dpi in (200, None):  # stated, and estimated from an A4 width
        read = ocr_image(page.image, dpi)
        assert all(n in read.text for n in ("Okafor", "Ottilie", "Brennan", "Caspian", "Walcott"))
        (word,) = words(read, "Caspian")
        assert escaped(page.masks["Caspian"], word.box) == 0
        assert max(word.box[2], word.box[3]) <= max(page.image.size)


@needs_ocr
@pytest.mark.parametrize("degrees", [3.0, -4.5])
def test_a_skewed_scan_reads_as_well_as_a_straight_one(
    read300: OcrPage, letter300: Page, degrees: float
) -> None:
    skewed = turned(letter300, degrees)
    read = ocr_image(skewed.image, 300)
    assert [read.text[w.start : w.end] for w in read.words] == [
        read300.text[w.start : w.end] for w in read300.words
    ]
    assert read.unreadable is None and read.doubtful == ()
    for name in ("Caspian", "Okafor"):
        (word,) = words(read, name)
        assert escaped(skewed.masks[name], word.box) == 0
        x0, y0, x1, y1 = word.box
        assert (x1 - x0) * (y1 - y0) < 3 * _area(words(read300, name)[0].box)  # still about one word


def _area(box: tuple[float, float, float, float]) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


@needs_ocr
def test_exif_orientation_is_read_upright_with_boxes_in_stored_pixels(letter300: Page) -> None:
    stored = letter300.image.transpose(Image.Transpose.ROTATE_90)  # shown upright by orientation 6
    exif = Image.Exif()
    exif[ocr.ORIENTATION_TAG] = 6
    reopened = Image.open(io.BytesIO(encoded(stored, "PNG", exif=exif.tobytes())))
    read = ocr_image(reopened, 300)
    (word,) = words(read, "Caspian")
    mask = letter300.masks["Caspian"].transpose(Image.Transpose.ROTATE_90)
    assert escaped(mask, word.box) == 0
    assert (read.width, read.height) == stored.size


@needs_ocr
def test_a_page_scanned_on_its_side_is_turned_by_tesseracts_orientation_check(letter300: Page) -> None:
    sideways = letter300.image.transpose(Image.Transpose.ROTATE_90)  # no EXIF to say so
    read = ocr_image(sideways, 300)
    assert all(n in read.text for n in ("Okafor", "Brennan", "Caspian")) and read.unreadable is None
    (word,) = words(read, "Caspian")
    assert escaped(letter300.masks["Caspian"].transpose(Image.Transpose.ROTATE_90), word.box) == 0


# --- OCR: doubt ------------------------------------------------------------------------------


def scrawl(image: Image.Image, area: tuple[int, int, int, int], seed: int = 1) -> None:
    """Pen strokes like hurried handwriting, in lines across `area`."""
    draw = ImageDraw.Draw(image)
    rnd = random.Random(seed)
    left, top, right, bottom = area
    for y in range(top + 40, bottom - 40, 110):
        x = left
        while x < right - 200:
            points = [(x + i * 7, y + rnd.randint(-30, 30)) for i in range(rnd.randint(8, 25))]
            draw.line(points, fill="black", width=5)
            x = points[-1][0] + rnd.randint(30, 60)


def photograph(size: tuple[int, int], seed: int = 0) -> Image.Image:
    """Blotches of light and dark with no writing in them."""
    rng = np.random.default_rng(seed)
    noise = Image.fromarray(rng.integers(0, 256, size[::-1], dtype=np.uint8), "L")
    values = np.asarray(noise.filter(ImageFilter.GaussianBlur(6)), dtype=np.float64)
    return Image.fromarray(np.clip((values - values.mean()) * 8 + 128, 0, 255).astype(np.uint8), "L")


@needs_ocr
@needs_font
def test_a_scribble_under_the_letter_is_a_doubtful_run() -> None:
    page = draw_letter(300, height_in=5.5).image
    top = round(4.2 * 300)
    scrawl(page, (300, top, 2200, top + 300))
    read = ocr_image(page, 300)
    assert "Caspian" in read.text and read.unreadable is None
    assert read.doubtful
    for start, end in read.doubtful:
        inside = [w for w in read.words if start <= w.start and w.end <= end]
        assert inside and all(w.confidence < 60 for w in inside)
        assert all(w.box[1] >= top - 60 for w in inside)  # the scrawl, not the print
    assert len(read.doubtful) < len([w for w in read.words if w.confidence < 60])  # joined within lines


@needs_ocr
def test_a_photograph_is_unreadable() -> None:
    read = ocr_image(photograph((2481, 1300)), 300)
    assert read.unreadable


@needs_ocr
def test_a_page_dark_all_over_is_not_taken_for_scanner_edges() -> None:
    assert ocr_image(Image.new("L", (2481, 3508), 0), 300).unreadable


@needs_ocr
@needs_font
def test_a_page_of_handwriting_under_a_printed_heading_is_unreadable() -> None:
    page = draw_letter(300, lines=LETTER[:3], height_in=7).image
    scrawl(page, (250, 700, 2250, 2000))
    read = ocr_image(page, 300)
    assert "Okafor" in read.text
    assert read.unreadable


@needs_ocr
def test_a_blank_page_is_nothing_to_read_not_unreadable() -> None:
    page = Image.new("L", (2481, 3508), 255)
    rng = np.random.default_rng(2)
    pixels = np.asarray(page).copy()
    pixels.flat[rng.integers(0, pixels.size, 2000)] = 0  # scanner speckle
    read = ocr_image(Image.fromarray(pixels), 300)
    assert read.words == () and read.text == ""
    assert read.unreadable is None


def dark_edges(image: Image.Image, width: int = 60) -> Image.Image:
    """The dark strips a scanner lid leaves down the sides and along the bottom."""
    out = image.copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    for strip in ((0, 0, width, h), (w - width, 0, w, h), (0, h - width, w, h)):
        draw.rectangle(strip, fill="#1e1e1e")
    return out


@needs_ocr
def test_dark_scanner_edges_do_not_make_a_page_unreadable(letter300: Page) -> None:
    assert ocr_image(dark_edges(turned(letter300, 3.0).image), 300).unreadable is None
    assert ocr_image(dark_edges(Image.new("RGB", (2481, 3508), "white")), 300).unreadable is None


@needs_ocr
def test_a_page_holding_only_a_signature_is_flagged() -> None:
    page = Image.new("L", (2481, 3508), 255)
    rnd = random.Random(5)
    stroke = [(400 + i * 9, 1500 + round(60 * np.sin(i / 3)) + rnd.randint(-20, 20)) for i in range(70)]
    ImageDraw.Draw(page).line(stroke, fill=0, width=6)
    assert ocr_image(page, 300).unreadable


# --- OCR without Tesseract: layout, geometry, skew --------------------------------------------


def _data(rows: list[tuple[int, int, int, str, float, tuple[int, int, int, int]]]) -> dict[str, list]:
    names = ("level", "block_num", "par_num", "line_num", "text", "conf", "left", "top", "width", "height")
    columns: dict[str, list] = {name: [] for name in names}
    for block, par, line, text, conf, (left, top, width, height) in rows:
        for key, value in zip(
            columns, (5, block, par, line, text, conf, left, top, width, height), strict=True
        ):
            columns[key].append(value)
    return columns


def test_layout_joins_words_lines_and_paragraphs_and_runs_doubt_within_a_line() -> None:
    rows = [
        (1, 1, 1, "Seen", 95, (0, 0, 40, 10)),
        (1, 1, 1, "with", 30, (50, 0, 40, 10)),
        (1, 1, 1, "   ", 95, (95, 0, 5, 10)),  # empty words are dropped
        (1, 1, 1, "dtr\x0c", 20, (100, 0, 40, 10)),  # a form feed would split the page
        (1, 1, 2, "Kez", 10, (0, 20, 40, 10)),
        (1, 1, 2, "today", 96, (50, 20, 40, 10)),
        (1, 1, 2, "x", 5, (100, 20, 10, 10)),
        (2, 1, 1, "Plan", 90, (0, 60, 40, 10)),
    ]
    words = ocr._words(_data(rows))
    text, spans = ocr._layout(words)
    assert text == "Seen with dtr\nKez today x\n\nPlan"
    assert [text[a:b] for a, b in spans] == ["Seen", "with", "dtr", "Kez", "today", "x", "Plan"]
    runs = ocr._doubtful(words, spans, 60)
    assert [text[a:b] for a, b in runs] == ["with dtr", "Kez", "x"]


def test_turning_maps_points_back_exactly() -> None:
    image = Image.new("L", (400, 300), 255)
    image.putpixel((300, 50), 0)
    for degrees in (3.0, -7.5, 90.0):
        turned_image, forward = ocr._turn(image, degrees)
        ys, xs = np.nonzero(np.asarray(turned_image) < 128)
        x, y = float(xs.mean()) + 0.5, float(ys.mean()) + 0.5
        back = np.linalg.inv(forward) @ np.array([x, y, 1.0])
        assert abs(back[0] - 300.5) < 1.0 and abs(back[1] - 50.5) < 1.0


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientations_match_pillow_and_map_back(orientation: int) -> None:
    image = Image.new("L", (60, 40), 255)
    image.putpixel((50, 5), 0)
    exif = Image.Exif()
    exif[ocr.ORIENTATION_TAG] = orientation
    reopened = Image.open(io.BytesIO(encoded(image, "PNG", exif=exif.tobytes())))
    upright, matrix = ocr._upright(reopened.convert("L"), ocr._orientation(reopened))
    assert np.array_equal(np.asarray(upright), np.asarray(ImageOps.exif_transpose(reopened).convert("L")))
    ys, xs = np.nonzero(np.asarray(upright) < 128)
    back = np.linalg.inv(matrix) @ np.array([xs[0] + 0.5, ys[0] + 0.5, 1.0])
    assert abs(back[0] - 50.5) < 0.01 and abs(back[1] - 5.5) < 0.01


@needs_font
@pytest.mark.parametrize("degrees", [0.0, 2.0, -6.0, 9.5])
def test_skew_is_found_from_the_lines_of_text(letter300: Page, degrees: float) -> None:
    grey = turned(letter300, degrees).image.convert("L")
    assert abs(ocr.skew_angle(grey, 300) - degrees) <= 0.25
    assert abs(ocr.skew_angle(dark_edges(grey), 300) - degrees) <= 0.25


def test_resolution_stated_is_trusted_only_when_it_makes_a_page() -> None:
    assert ocr.effective_dpi((2481, 3508), 300) == 300
    assert abs(ocr.effective_dpi((2481, 3508), 72) - 300) < 1  # a scanner's default claim
    assert abs(ocr.effective_dpi((1654, 2339), None) - 200) < 1
    assert ocr._resize_factor(200) == 1.5 and ocr._resize_factor(300) == 1.0
    assert ocr._resize_factor(600) == 0.5 and ocr._resize_factor(30) == 4


def test_missing_tesseract_is_one_line_saying_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    ocr.available.cache_clear()
    try:
        with pytest.raises(IngestError) as caught:
            read_image(encoded(Image.new("L", (50, 50), 255), "PNG"))
    finally:
        monkeypatch.undo()
        ocr.available.cache_clear()
    message = str(caught.value)
    assert "\n" not in message
    assert "apt install tesseract-ocr" in message and "brew install tesseract" in message
    assert "UB Mannheim" in message


# --- Image files -------------------------------------------------------------------------------


@needs_ocr
def test_a_multi_page_tiff_is_one_page_a_frame(letter300: Page) -> None:
    second = draw_letter(300, lines=["Follow-up: Caspian Brennan attended with Mr Ruadh Fennimore."])
    frames = [
        letter300.image.convert("L"),
        Image.new("L", letter300.image.size, 255),
        second.image.convert("L"),
    ]
    data = encoded(frames[0], "TIFF", save_all=True, append_images=frames[1:], dpi=(300, 300))
    read = read_image(data)
    assert read.format == "TIFF" and len(read.pages) == 3 and read.dpi == [300.0, 300.0, 300.0]
    assert read.text.count("\f") == 2
    assert read.page_starts[0] == 0
    for page, start in zip(read.pages, read.page_starts, strict=True):
        assert read.text[start : start + len(page.text)] == page.text
    assert read.pages[1].text == "" and read.pages[1].unreadable is None
    assert "Fennimore" in read.pages[2].text and "Fennimore" in read.text[read.page_starts[2] :]


@needs_ocr
def test_a_jpeg_reads_with_its_stated_resolution(letter300: Page) -> None:
    data = encoded(letter300.image, "JPEG", quality=80, dpi=(300, 300))
    read = read_image(data)
    assert read.format == "JPEG" and read.dpi == [300.0]
    assert all(n in read.text for n in ("Okafor", "Ottilie", "Brennan", "Caspian"))


def _png_with_size(width: int, height: int) -> bytes:
    data = bytearray(encoded(Image.new("L", (8, 8), 255), "PNG"))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"%PDF-1.7 not an image at all" * 10, "not an image"),
        (encoded(Image.new("RGB", (20, 20)), "GIF"), "GIF images are not supported"),
        (encoded(Image.new("RGB", (20, 20)), "BMP"), "BMP images are not supported"),
        (encoded(Image.new("L", (400, 400), 128), "PNG")[:-60], "truncated"),
        (_png_with_size(13_000, 13_000), "too large"),  # 169 MP: under Pillow's refusal, over ours
        (_png_with_size(40_000, 40_000), "too large"),  # Pillow's own decompression-bomb refusal
    ],
)
def test_bad_image_files_are_one_line_ingest_errors(data: bytes, says: str) -> None:
    with pytest.raises(IngestError) as caught:
        read_image(data)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_too_many_frames_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    few = dataclasses.replace(ocr.settings(), max_frames=2)
    monkeypatch.setattr(ingest_image, "settings", lambda: few)
    frames = [Image.new("L", (20, 20), 255) for _ in range(3)]
    data = encoded(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(IngestError, match="more than 2 pages"):
        read_image(data)
    with pytest.raises(ImageRedactionError, match="more than 2 pages"):
        redact_image(data, {})


# --- Burning and writing redacted copies -------------------------------------------------------


def test_burn_blackens_every_channel_and_makes_alpha_opaque() -> None:
    image = Image.new("RGBA", (100, 60), (200, 30, 30, 0))
    out = burn(image, [(10.2, 10.7, 20.5, 30.1)], pad=2.0)
    pixels = np.asarray(out)
    assert (pixels[8:33, 8:23] == [0, 0, 0, 255]).all()
    assert (pixels[:7] == [200, 30, 30, 0]).all() and (pixels[:, 24:] == [200, 30, 30, 0]).all()
    assert np.asarray(image)[15, 15].tolist() == [200, 30, 30, 0]  # the input is untouched
    whites = {"P": "white", "CMYK": (0, 0, 0, 0), "L": 255, "1": 1, "I;16": 65535}
    for mode, white in whites.items():
        burnt = burn(Image.new(mode, (30, 30), white), [(5, 5, 10, 10)], pad=0)
        assert burnt.convert("RGB").getpixel((7, 7)) == (0, 0, 0)
        assert burnt.convert("RGB").getpixel((20, 20)) == (255, 255, 255)
        assert np.asarray(burnt)[5:10, 5:10].max() == 0  # every channel, not just how it looks


def test_burn_clips_and_refuses_nonsense_boxes() -> None:
    image = Image.new("L", (40, 40), 255)
    assert ink(burn(image, [(-50, -50, 500, 5)], pad=0)) == 40 * 5
    assert ink(burn(image, [(100, 100, 120, 120)])) == 0
    with pytest.raises(ImageRedactionError):
        burn(image, [(10, 10, 5, 20)])
    with pytest.raises(ImageRedactionError):
        burn(image, [(float("nan"), 0, 5, 5)])


def _png_with_metadata(image: Image.Image) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRET)
    info.add_text("Comment", SECRET, zip=True)
    info.add_itxt("Description", SECRET, lang="en")
    exif = Image.Exif()
    exif[0x010E] = SECRET  # ImageDescription
    exif[0x013B] = SECRET  # Artist
    return encoded(image, "PNG", pnginfo=info, exif=exif.tobytes(), dpi=(300, 300))


def _assert_no_secret(data: bytes) -> None:
    reopened = Image.open(io.BytesIO(data))
    assert SECRET.encode() not in data and SECRET.encode("utf-16-le") not in data
    assert not any(SECRET in str(v) for v in reopened.info.values())
    assert not any(SECRET in str(v) for v in reopened.getexif().values())
    assert all(k not in reopened.info for k in ("comment", "xmp", "XML:com.adobe.xmp", "icc_profile", "exif"))
    if hasattr(reopened, "text"):
        assert reopened.text == {}


def test_redacted_png_keeps_format_size_and_dpi_and_drops_metadata() -> None:
    image = Image.new("RGBA", (300, 200), (255, 255, 255, 255))
    ImageDraw.Draw(image).rectangle((50, 50, 120, 80), fill=(20, 20, 20, 255))
    out = redact_image(_png_with_metadata(image), {0: [(50, 50, 120, 80)]})
    reopened = Image.open(io.BytesIO(out))
    assert reopened.format == "PNG" and reopened.size == (300, 200) and reopened.mode == "RGBA"
    assert tuple(round(v) for v in reopened.info["dpi"]) == (300, 300)
    assert reopened.getpixel((85, 65)) == (0, 0, 0, 255)
    assert reopened.getpixel((200, 150)) == (255, 255, 255, 255)
    _assert_no_secret(out)


def test_redacted_jpeg_keeps_format_size_and_dpi_and_drops_exif_xmp_and_comment() -> None:
    image = Image.new("RGB", (320, 240), "white")
    exif = Image.Exif()
    exif[0x010E] = SECRET
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{SECRET}</dc:creator></x:xmpmeta>'.encode()
    data = encoded(image, "JPEG", exif=exif.tobytes(), comment=SECRET, xmp=xmp, dpi=(200, 200))
    assert SECRET.encode() in data
    out = redact_image(data, {0: [(10, 10, 100, 40)]})
    reopened = Image.open(io.BytesIO(out))
    assert reopened.format == "JPEG" and reopened.size == (320, 240)
    assert tuple(round(v) for v in reopened.info["dpi"]) == (200, 200)
    assert np.asarray(reopened.convert("L"))[14:36, 14:96].max() < 20  # still black after JPEG
    _assert_no_secret(out)


@pytest.mark.parametrize("format_", ["JPEG", "PNG", "TIFF"])
def test_a_turned_image_is_burnt_where_it_is_shown_and_keeps_only_its_orientation(format_: str) -> None:
    exif = Image.Exif()
    exif[ocr.ORIENTATION_TAG] = 6
    exif[0x013B] = SECRET
    data = encoded(Image.new("RGB", (80, 40), "white"), format_, exif=exif.tobytes())
    (frame,) = ingest_image.frames(ingest_image.open_image(data))
    box = (5.0, 20.0, 15.0, 30.0)  # in the frame's pixels, as read_image's boxes are
    out = redact_image(data, {0: [box]})
    assert SECRET.encode() not in out
    shown = ImageOps.exif_transpose(Image.open(io.BytesIO(out)))
    expected = ImageOps.exif_transpose(burn(frame, [box]))
    assert shown.size == expected.size
    assert np.array_equal(np.asarray(shown.convert("L")) < 128, np.asarray(expected.convert("L")) < 128)
    kept = dict(Image.open(io.BytesIO(out)).getexif())
    assert kept.get(ocr.ORIENTATION_TAG, 1) == (1 if format_ == "TIFF" else 6)  # TIFF: decoded upright
    assert 0x013B not in kept


def test_redacted_tiff_keeps_every_frame_lossless_and_withholds_a_frame() -> None:
    frames = [Image.new("L", (200, 100 + 10 * i), 255) for i in range(3)]
    for frame in frames:
        ImageDraw.Draw(frame).rectangle((20, 20, 60, 40), fill=90)
    tags = TiffImagePlugin.ImageFileDirectory_v2()
    tags[270] = SECRET  # ImageDescription
    tags[315] = SECRET  # Artist
    tags[700] = f"<x:xmpmeta><dc:creator>{SECRET}</dc:creator></x:xmpmeta>".encode()  # XMP
    data = encoded(
        frames[0],
        "TIFF",
        save_all=True,
        append_images=frames[1:],
        tiffinfo=tags,
        dpi=(300, 300),
        compression="jpeg",
    )
    out = redact_image(data, {0: [(20, 20, 60, 40)], 2: [(0, 0, 5, 5)]}, withheld={1})
    reopened = Image.open(io.BytesIO(out))
    assert reopened.format == "TIFF" and reopened.n_frames == 3
    sizes, pictures = [], []
    for index in range(3):
        reopened.seek(index)
        sizes.append(reopened.size)
        pictures.append(reopened.copy())
        assert reopened.info["compression"] == "tiff_lzw"
        assert tuple(round(v) for v in reopened.info["dpi"]) == (300, 300)
        assert not {270, 315, 700, 33723, 34377} & set(reopened.tag_v2)
    assert sizes == [f.size for f in frames]
    assert pictures[0].getpixel((40, 30)) == 0 and pictures[2].getpixel((40, 30)) == 90
    withheld = np.asarray(pictures[1].convert("L"))
    assert 0 < np.count_nonzero(withheld < 128) < withheld.size // 4  # a line of print on white
    assert np.count_nonzero(withheld[20:41, 20:61] == 90) == 0
    _assert_no_secret(out)


def test_redact_image_refuses_frames_that_do_not_exist_and_bad_files() -> None:
    data = encoded(Image.new("L", (20, 20), 255), "PNG")
    with pytest.raises(ImageRedactionError, match="frame 1"):
        redact_image(data, {1: [(0, 0, 5, 5)]})
    with pytest.raises(ImageRedactionError, match="frame 3"):
        redact_image(data, {}, withheld={3})
    with pytest.raises(ImageRedactionError, match="not an image"):
        redact_image(b"garbage bytes, no image", {})
    assert apply_image.WITHHELD_NOTE.startswith("Page withheld")
