"""Tesseract OCR for scanned pages: the words, where they stand, and how far to trust them.

A page is prepared before Tesseract sees it (greyscale, about 300 dpi, turned upright
by its EXIF orientation and straightened), and every word box is mapped back to the
pixels of the image passed in, so a box burnt from it covers the word on the page the
patient receives. What OCR cannot vouch for is said, never passed over: words below a
confidence threshold become `doubtful` runs, and a page with writing that OCR could not
read is `unreadable`. Settings and their reasons are in models/ocr.yml.

Tesseract runs single-threaded (OMP_THREAD_LIMIT, unless the user set it): its OpenMP
threads spin-wait, and one thread read a page four times faster on two cores.
Record text is never logged, printed or put in an error message.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from PIL import Image

Box = tuple[float, float, float, float]

INSTALL_HINT = (
    "install tesseract-ocr (Debian: apt install tesseract-ocr; macOS: brew install tesseract; "
    "Windows: the UB Mannheim installer)"
)
# Where the UB Mannheim installer puts Tesseract; it does not add itself to PATH.
WINDOWS_TESSERACT = Path(r"C:\Program Files\Tesseract-OCR\tesseract.exe")
# EXIF Orientation (tag 274) -> the Pillow transpose that makes the image upright.
ORIENTATION_TAG = 0x0112


# Set by a scan to move its progress display as each page is read (OCR is seconds a page).
on_page: Callable[[], None] | None = None


class OcrError(Exception):
    """One line, never record text (e.g. 'Tesseract is not installed: install tesseract-ocr ...')."""


@dataclass(frozen=True, slots=True)
class OcrWord:
    start: int  # offsets into OcrPage.text
    end: int
    box: Box  # x0, y0, x1, y1 in pixels of the image passed to ocr_image, top-left origin
    confidence: float  # Tesseract's 0-100


@dataclass(frozen=True, slots=True)
class OcrPage:
    text: str
    words: tuple[OcrWord, ...]
    width: int  # of the image passed in
    height: int
    unreadable: str | None  # why the whole page cannot be trusted; else None
    doubtful: tuple[tuple[int, int], ...]  # (start, end) runs of low-confidence words, joined within a line


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """models/ocr.yml, checked once."""

    language: str
    page_segmentation: int
    timeout_seconds: float
    threads: int
    orientation_confidence: float
    target_dpi: float
    min_dpi: float
    max_dpi: float
    max_upscale: float
    page_long_side_inches: float
    plausible_long_side_inches: tuple[float, float]
    max_skew_degrees: float
    min_skew_degrees: float
    skew_step_degrees: float
    analysis_dpi: float
    doubtful_confidence: float
    ink_level: int
    min_ink_fraction: float
    min_confident_words: int
    max_unread_ink: float
    edge_band: float
    dark_edge_ink: float
    dark_edge_max: float
    max_frame_pixels: int
    max_frames: int


@cache
def settings() -> OcrSettings:
    """Read models/ocr.yml; a missing or malformed value is a ModelDataError naming it."""
    import yaml

    from ..detect.resources import ModelDataError, models_dir

    path = models_dir() / "ocr.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ModelDataError(f"ocr.yml: cannot be read ({type(exc).__name__})") from None

    def get(section: str, key: str) -> Any:
        try:
            return data[section][key]
        except (KeyError, TypeError):
            raise ModelDataError(f"ocr.yml: {section}.{key} is missing") from None

    try:
        low, high = (float(v) for v in get("resolution", "plausible_long_side_inches"))
        return OcrSettings(
            language=str(get("tesseract", "language")),
            page_segmentation=int(get("tesseract", "page_segmentation")),
            timeout_seconds=float(get("tesseract", "timeout_seconds")),
            threads=int(get("tesseract", "threads")),
            orientation_confidence=float(get("tesseract", "orientation_confidence")),
            target_dpi=float(get("resolution", "target_dpi")),
            min_dpi=float(get("resolution", "min_dpi")),
            max_dpi=float(get("resolution", "max_dpi")),
            max_upscale=float(get("resolution", "max_upscale")),
            page_long_side_inches=float(get("resolution", "page_long_side_inches")),
            plausible_long_side_inches=(low, high),
            max_skew_degrees=float(get("deskew", "max_degrees")),
            min_skew_degrees=float(get("deskew", "min_degrees")),
            skew_step_degrees=float(get("deskew", "step_degrees")),
            analysis_dpi=float(get("deskew", "analysis_dpi")),
            doubtful_confidence=float(get("trust", "doubtful_confidence")),
            ink_level=int(get("trust", "ink_level")),
            min_ink_fraction=float(get("trust", "min_ink_fraction")),
            min_confident_words=int(get("trust", "min_confident_words")),
            max_unread_ink=float(get("trust", "max_unread_ink")),
            edge_band=float(get("trust", "edge_band")),
            dark_edge_ink=float(get("trust", "dark_edge_ink")),
            dark_edge_max=float(get("trust", "dark_edge_max")),
            max_frame_pixels=int(float(get("limits", "max_frame_megapixels")) * 1_000_000),
            max_frames=int(get("limits", "max_frames")),
        )
    except (TypeError, ValueError):
        raise ModelDataError("ocr.yml: every setting must be a number (language a word)") from None


# --- Tesseract -------------------------------------------------------------------------


@cache
def available() -> bool:
    """Whether Tesseract and its English data are installed (asked once per process)."""
    return _missing() is None


def _missing() -> str | None:
    """Why OCR cannot run here, as an OcrError message; None when it can."""
    import pytesseract

    command = pytesseract.pytesseract.tesseract_cmd
    if shutil.which(command) is None:
        if sys.platform == "win32" and WINDOWS_TESSERACT.is_file():
            pytesseract.pytesseract.tesseract_cmd = str(WINDOWS_TESSERACT)
        else:
            return f"Tesseract OCR is not installed: {INSTALL_HINT}"
    try:
        languages = pytesseract.get_languages(config="")
    except Exception as exc:  # a broken install fails in many ways; none is ours to show
        return f"Tesseract OCR does not run ({type(exc).__name__}): {INSTALL_HINT}"
    if settings().language not in languages:
        return "Tesseract has no English language data: install tesseract-ocr-eng (or English with your installer)"
    return None


def _tesseract_data(image: Image.Image) -> dict[str, list[Any]]:
    """Tesseract's word table for an image, or an OcrError naming what went wrong."""
    import pytesseract

    return _tesseract(  # type: ignore[no-any-return]
        pytesseract.image_to_data, image, "", output_type=pytesseract.Output.DICT
    )


def text_layer_pdf(image: Image.Image, dpi: int, text_only: bool = False) -> bytes:
    """A one-page PDF of `image` with Tesseract's invisible text layer over it (or the
    layer alone): how a page redacted in its pixels stays searchable. The page measures
    the image at `dpi`."""
    import pytesseract

    extra = f" --dpi {dpi}" + (" -c textonly_pdf=1" if text_only else "")
    return _tesseract(pytesseract.image_to_pdf_or_hocr, image, extra, extension="pdf")  # type: ignore[no-any-return]


def _tesseract(call: Any, image: Image.Image, extra: str, **kwargs: Any) -> object:
    import pytesseract

    config = settings()
    # Read by Tesseract's OpenMP runtime at start-up; a user's own setting wins.
    os.environ.setdefault("OMP_THREAD_LIMIT", str(config.threads))
    try:
        return call(
            image,
            lang=config.language,
            config=f"--psm {config.page_segmentation}{extra}",
            timeout=config.timeout_seconds,
            **kwargs,
        )
    except pytesseract.TesseractNotFoundError:
        raise OcrError(f"Tesseract OCR is not installed: {INSTALL_HINT}") from None
    except pytesseract.TesseractError as exc:
        raise OcrError(f"Tesseract failed on a page (exit status {exc.status})") from None
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrError(f"Tesseract took longer than {config.timeout_seconds:g} s on one page") from None
        raise OcrError(f"Tesseract failed on a page ({type(exc).__name__})") from None
    except OSError as exc:
        raise OcrError(f"Tesseract could not be run ({type(exc).__name__})") from None


def _osd_rotation(image: Image.Image) -> int:
    """Degrees clockwise Tesseract would turn the page to read it (0, 90, 180, 270); 0 if unsure."""
    import pytesseract

    config = settings()
    try:
        report = pytesseract.image_to_osd(image, config="--psm 0", timeout=config.timeout_seconds)
    except Exception:  # too little text to tell, or no osd data: keep the page as it is
        return 0
    rotate = re.search(r"Rotate:\s*(\d+)", report)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", report)
    if not rotate or not confidence or float(confidence.group(1)) < config.orientation_confidence:
        return 0
    return int(rotate.group(1)) % 360


# --- Geometry: every step's matrix, so boxes map back --------------------------------


def _scale(sx: float, sy: float) -> np.ndarray:
    return np.array([[sx, 0.0, 0.0], [0.0, sy, 0.0], [0.0, 0.0, 1.0]])


def _translate(dx: float, dy: float) -> np.ndarray:
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


def _rotation(degrees: float) -> np.ndarray:
    """Turns points counter-clockwise on screen (y points down) about the origin."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])


def _turn(image: Image.Image, degrees: float) -> tuple[Image.Image, np.ndarray]:
    """The image turned counter-clockwise about its centre onto a canvas that holds it all
    (white where nothing was), and the matrix from old to new pixel coordinates."""
    from PIL import Image

    w, h = image.size
    a = math.radians(degrees)
    nw = math.ceil(abs(w * math.cos(a)) + abs(h * math.sin(a)) - 1e-6)
    nh = math.ceil(abs(w * math.sin(a)) + abs(h * math.cos(a)) - 1e-6)
    forward = _translate(nw / 2, nh / 2) @ _rotation(degrees) @ _translate(-w / 2, -h / 2)
    back = np.linalg.inv(forward)
    coefficients = tuple(float(v) for v in back[:2].ravel())
    resample = Image.Resampling.NEAREST if degrees % 90 == 0 else Image.Resampling.BICUBIC
    turned = image.transform((nw, nh), Image.Transform.AFFINE, coefficients, resample, fillcolor=255)
    return turned, forward


def _box_back(box: Box, back: np.ndarray, width: int, height: int, margin: float) -> Box:
    """A processed-image box as the bounding box of its four corners in the original, widened."""
    x0, y0, x1, y1 = box
    corners = np.array([[x0, x1, x1, x0], [y0, y0, y1, y1], [1.0, 1.0, 1.0, 1.0]])
    xs, ys, _ = back @ corners
    return (
        max(0.0, float(xs.min()) - margin),
        max(0.0, float(ys.min()) - margin),
        min(float(width), float(xs.max()) + margin),
        min(float(height), float(ys.max()) + margin),
    )


# --- Preparing the page ------------------------------------------------------------------


def _greyscale(image: Image.Image) -> Image.Image:
    """8-bit grey, transparent parts on white (as a viewer shows them), 16-bit scaled down."""
    from PIL import Image

    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = float(values.max()) or 1.0
        return Image.fromarray(np.clip(values * (255.0 / top), 0, 255).astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    return image.convert("L")


def _upright(image: Image.Image, orientation: int) -> tuple[Image.Image, np.ndarray]:
    """Apply an EXIF orientation (2-8) and the matrix from stored to upright pixels."""
    from PIL import Image

    flip_x = _translate(image.width, 0) @ _scale(-1, 1)
    turns = {  # orientation: (counter-clockwise quarter turns after an optional mirror, mirror)
        2: (0, True),
        3: (2, False),
        4: (2, True),
        5: (1, True),
        6: (3, False),
        7: (3, True),
        8: (1, False),
    }
    if orientation not in turns:
        return image, np.eye(3)
    quarters, mirror = turns[orientation]
    matrix = np.eye(3)
    if mirror:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        matrix = flip_x
    for _ in range(quarters):
        image, step = _turn(image, 90)
        matrix = step @ matrix
    return image, matrix


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ORIENTATION_TAG, 1))
    except Exception:  # unreadable EXIF says nothing about orientation
        return 1


def effective_dpi(size: tuple[int, int], dpi: float | None) -> float:
    """The resolution to work at: the stated one if it makes a plausible page, else
    an estimate that the page is A4 or US letter (scanners often state 72 dpi)."""
    config = settings()
    long_side = max(size)
    low, high = config.plausible_long_side_inches
    if dpi and dpi > 0 and low <= long_side / dpi <= high:
        return float(dpi)
    return long_side / config.page_long_side_inches


def _resize_factor(dpi: float) -> float:
    config = settings()
    if dpi < config.min_dpi:
        return min(config.target_dpi / dpi, config.max_upscale)
    if dpi > config.max_dpi:
        return config.target_dpi / dpi
    return 1.0


def _normalise(image: Image.Image, dpi: float) -> tuple[Image.Image, np.ndarray]:
    """Resized towards the target resolution, with its matrix; unchanged when already close."""
    from PIL import Image

    factor = _resize_factor(dpi)
    if factor == 1.0:
        return image, np.eye(3)
    w, h = image.size
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    resample = Image.Resampling.LANCZOS if factor < 1 else Image.Resampling.BICUBIC
    resized = image.resize(size, resample)
    return resized, _scale(size[0] / w, size[1] / h)


def skew_angle(grey: Image.Image, dpi: float) -> float:
    """Degrees the text lines are turned counter-clockwise, by projection profile: the
    angle at which rows of ink pile up most sharply. 0.0 when there is too little ink."""
    config = settings()
    factor = min(1.0, config.analysis_dpi / dpi)
    small = grey.reduce(max(1, round(1 / factor))) if factor < 1 else grey
    ys, xs = np.nonzero(_inner_ink(small))  # a scanner's straight dark edge would vote for 0
    if len(ys) < 200:
        return 0.0
    every = max(1, len(ys) // 200_000)
    ys, xs = ys[::every].astype(np.float64), xs[::every].astype(np.float64)

    def sharpness(degrees: float) -> float:
        a = math.radians(degrees)
        rows = ys * math.cos(a) + xs * math.sin(a)
        counts = np.bincount((rows - rows.min()).astype(np.int64))
        return float(np.dot(counts, counts))

    step = config.skew_step_degrees
    limit = config.max_skew_degrees
    coarse = np.arange(-limit, limit + step / 2, step)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - step, best + step + step / 20, step / 10)
    best = max(fine, key=sharpness)
    return round(float(best), 2)


def _inner_ink(grey: Image.Image) -> np.ndarray:
    """Where the ink is, leaving out what scanners leave at the edges: a thin band all
    round, and dark strips (rows or columns nearly all ink) running in from an edge."""
    config = settings()
    ink = np.asarray(grey) < config.ink_level
    height, width = ink.shape
    band_y, band_x = round(height * config.edge_band), round(width * config.edge_band)
    rows = ink.mean(axis=1) > config.dark_edge_ink
    columns = ink.mean(axis=0) > config.dark_edge_ink
    top = max(band_y, _run(rows, height))
    bottom = max(band_y, _run(rows[::-1], height))
    left = max(band_x, _run(columns, width))
    right = max(band_x, _run(columns[::-1], width))
    ink[:top] = ink[height - bottom :] = False
    ink[:, :left] = ink[:, width - right :] = False
    return ink


def _run(dark: np.ndarray, length: int) -> int:
    """How many lines from the start are dark, up to the share of the page an edge may take."""
    limit = round(length * settings().dark_edge_max)
    light = np.flatnonzero(~dark[:limit])
    return int(light[0]) if light.size else limit


def ink_fraction(grey: Image.Image) -> float:
    """Share of the page's pixels, inside the edge band, that are ink."""
    ink = _inner_ink(grey)
    return float(np.count_nonzero(ink)) / max(1, ink.size)


# --- Reading --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    box: Box  # in the processed image
    confidence: float
    line: tuple[int, int, int]  # block, paragraph, line
    paragraph: tuple[int, int]  # block, paragraph


def _clean(raw: object) -> str:
    """Tesseract's word, without control characters (a form feed would split the page)."""
    text = "".join(ch for ch in str(raw) if unicodedata.category(ch)[0] != "C")
    return text.strip()


def _words(data: dict[str, list[Any]]) -> list[_Word]:
    words = []
    for i, level in enumerate(data["level"]):
        text = _clean(data["text"][i])
        if int(level) != 5 or not text:
            continue
        left, top = float(data["left"][i]), float(data["top"][i])
        box = (left, top, left + float(data["width"][i]), top + float(data["height"][i]))
        block, par, line = int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])
        words.append(_Word(text, box, max(0.0, float(data["conf"][i])), (block, par, line), (block, par)))
    return words


def _layout(words: list[_Word]) -> tuple[str, list[tuple[int, int]]]:
    """The page's text (words by a space, lines by a newline, paragraphs by a blank line)
    and each word's offsets in it."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    previous: _Word | None = None
    for word in words:
        if previous is not None:
            gap = (
                " "
                if word.line == previous.line
                else "\n"
                if word.paragraph == previous.paragraph
                else "\n\n"
            )
            parts.append(gap)
            offset += len(gap)
        parts.append(word.text)
        spans.append((offset, offset + len(word.text)))
        offset += len(word.text)
        previous = word
    return "".join(parts), spans


def _doubtful(
    words: list[_Word], spans: list[tuple[int, int]], threshold: float
) -> tuple[tuple[int, int], ...]:
    """Runs of consecutive low-confidence words; a run ends at a confident word or at the end of a line."""
    runs: list[tuple[int, int]] = []
    previous: _Word | None = None
    for word, (start, end) in zip(words, spans, strict=True):
        if word.confidence >= threshold:
            previous = None
            continue
        if previous is not None and previous.line == word.line:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
        previous = word
    return tuple(runs)


def _confident(words: list[_Word]) -> list[_Word]:
    threshold = settings().doubtful_confidence
    return [w for w in words if w.confidence >= threshold and any(ch.isalnum() for ch in w.text)]


def _unread_ink(grey: Image.Image, boxes: list[Box]) -> float:
    """Share of the ink that lies outside every box of a confidently read word."""
    ink = _inner_ink(grey)
    total = int(np.count_nonzero(ink))
    if not total:
        return 0.0
    for x0, y0, x1, y1 in boxes:
        ink[max(0, math.floor(y0)) : math.ceil(y1), max(0, math.floor(x0)) : math.ceil(x1)] = False
    return float(np.count_nonzero(ink)) / total


def _verdict(grey: Image.Image, words: list[_Word], back: np.ndarray) -> str | None:
    """Why the page as a whole cannot be trusted, or None. Ink is measured on `grey`, the
    page before it was straightened (scanner edges still square), with the words' boxes
    mapped back to it through `back`."""
    config = settings()
    if ink_fraction(grey) < config.min_ink_fraction:
        return None
    confident = _confident(words)
    if len(confident) < config.min_confident_words:
        return "OCR found little text on a page with writing on it"
    boxes = [_box_back(w.box, back, grey.width, grey.height, margin=3.0) for w in confident]
    if _unread_ink(grey, boxes) > config.max_unread_ink:
        return "OCR could not read most of the writing on this page (handwriting, a picture or a poor scan)"
    return None


@dataclass(frozen=True, slots=True)
class _Reading:
    words: list[_Word]
    page: Image.Image  # what Tesseract read
    matrix: np.ndarray  # original -> page
    unreadable: str | None


def _attempt(grey: Image.Image, matrix: np.ndarray, dpi: float) -> _Reading:
    """Straighten a prepared page and OCR it."""
    angle = skew_angle(grey, dpi)
    page, step = grey, np.eye(3)
    if abs(angle) >= settings().min_skew_degrees:
        page, step = _turn(grey, -angle)
    words = _words(_tesseract_data(page))
    return _Reading(words, page, step @ matrix, _verdict(grey, words, np.linalg.inv(step)))


def _read(grey: Image.Image, matrix: np.ndarray, dpi: float) -> _Reading:
    """OCR a prepared page; if it reads badly and Tesseract says it lies on its side or
    upside down, turn it and keep whichever reading found more confident words."""
    first = _attempt(grey, matrix, dpi)
    if first.unreadable is None:
        return first
    rotation = _osd_rotation(first.page)
    if not rotation:
        return first
    turned, step = _turn(grey, -rotation)
    second = _attempt(turned, step @ matrix, dpi)
    return second if len(_confident(second.words)) > len(_confident(first.words)) else first


def ocr_image(image: Image.Image, dpi: float | None = None) -> OcrPage:
    """Read one page image. Boxes are in `image`'s own pixels; dpi is the file's claim, if any."""
    if not available():
        raise OcrError(_missing() or f"Tesseract OCR is not installed: {INSTALL_HINT}")
    width, height = image.size
    try:
        grey = _greyscale(image)
    except ValueError:
        raise OcrError(f"cannot read the pixels of an image in mode {image.mode}") from None
    grey, matrix = _upright(grey, _orientation(image))
    work_dpi = effective_dpi(grey.size, dpi)
    grey, step = _normalise(grey, work_dpi)
    matrix = step @ matrix
    reading = _read(grey, matrix, work_dpi * _resize_factor(work_dpi))
    if on_page is not None:
        on_page()
    return _page(reading, width, height)


def _page(reading: _Reading, width: int, height: int) -> OcrPage:
    text, spans = _layout(reading.words)
    back = np.linalg.inv(reading.matrix)
    # One processed pixel of anti-aliased edge, in original pixels, and never under one.
    scale = math.sqrt(abs(np.linalg.det(reading.matrix[:2, :2])))
    margin = max(1.0, 1.0 / scale)
    words = tuple(
        OcrWord(start, end, _box_back(word.box, back, width, height, margin), word.confidence)
        for word, (start, end) in zip(reading.words, spans, strict=True)
    )
    doubtful = _doubtful(reading.words, spans, settings().doubtful_confidence)
    return OcrPage(text, words, width, height, reading.unreadable, doubtful)
