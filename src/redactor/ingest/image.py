"""Scanned letters and photographed documents as image files (PNG, JPEG, TIFF), read by OCR.

Every frame of a multi-page TIFF is a page; a PNG or JPEG is one page (the image a
viewer shows, so an animated PNG's or a camera MPO's other frames are neither read nor,
in apply, written). Pages are joined with a form feed like a PDF's, so a finding's
offset maps back to its page and each page's OCR words map it back to pixels.

Files are decoded with Pillow inside limits (models/ocr.yml): a frame too large to be a
scanned page, or too many frames, is refused, before any pixel is decoded, as a
decompression bomb would be.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from .errors import IngestError
from .ocr import OcrError, OcrPage, ocr_image, settings

PAGE_BREAK = "\f"
IMAGE_SUFFIXES: dict[str, str] = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".tif": "TIFF",
    ".tiff": "TIFF",
}
# Pillow's name for a JPEG with extra pictures (phone cameras): its first frame is the JPEG.
FORMAT_ALIASES = {"MPO": "JPEG"}
# What Pillow lets escape from its decoders on damaged files.
DAMAGED = (OSError, ValueError, SyntaxError, EOFError, TypeError, KeyError, IndexError, MemoryError)


@dataclass(frozen=True, slots=True)
class ImageText:
    text: str  # pages' text joined with "\f" (form feed), like PDFs in this project
    page_starts: list[int]  # offset of each frame's text in `text`
    pages: list[OcrPage]  # one per frame, offsets page-local
    format: str  # "PNG", "JPEG", "TIFF"
    dpi: list[float | None]  # per frame, as the file says


def read_image(data: bytes) -> ImageText:
    """Any bytes give the pages' OCR text or an IngestError naming the problem."""
    image = open_image(data)
    format_ = image_format(image)
    pages: list[OcrPage] = []
    dpis: list[float | None] = []
    for frame in frames(image):
        dpi = frame_dpi(frame)
        try:
            pages.append(ocr_image(frame, dpi))
        except OcrError as exc:
            raise IngestError(str(exc)) from None
        dpis.append(dpi)
    starts: list[int] = []
    offset = 0
    for page in pages:
        starts.append(offset)
        offset += len(page.text) + len(PAGE_BREAK)
    return ImageText(PAGE_BREAK.join(p.text for p in pages), starts, pages, format_, dpis)


def open_image(data: bytes) -> Image.Image:
    """The file opened, not yet decoded, if it is a PNG, JPEG or TIFF within the limits."""
    if not data:
        raise IngestError("file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise IngestError("not an image redactor can read (PNG, JPEG or TIFF)") from None
    except Image.DecompressionBombError:
        raise IngestError("image too large to be a scanned page (decompression bomb?)") from None
    except DAMAGED as exc:
        raise IngestError(f"corrupt or unreadable image ({type(exc).__name__})") from None
    if image.format not in set(IMAGE_SUFFIXES.values()) | set(FORMAT_ALIASES):
        raise IngestError(f"{image.format} images are not supported: only PNG, JPEG and TIFF")
    _check_limits(image)
    return image


def _check_limits(image: Image.Image) -> None:
    """Refuse a frame too large or too many frames before decoding (or reading) any:
    a TIFF's frame headers are walked, which costs no pixels."""
    limits = settings()
    index = 0
    while True:
        width, height = image.size
        if width * height > limits.max_frame_pixels:
            raise IngestError("image too large to be a scanned page (decompression bomb?)")
        index += 1
        if image_format(image) != "TIFF" or not _seek(image, index):
            break
        if index >= limits.max_frames:
            raise IngestError(f"TIFF has more than {limits.max_frames} pages")
    _seek(image, 0)


def image_format(image: Image.Image) -> str:
    """The format a redacted copy is written in: PNG, JPEG or TIFF."""
    return FORMAT_ALIASES.get(str(image.format), str(image.format))


def frames(image: Image.Image) -> Iterator[Image.Image]:
    """Each page of an image from open_image, decoded in turn: every TIFF frame; a PNG's
    or JPEG's shown image."""
    index = 0
    while True:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image.load()
            frame = image.copy()
        except DAMAGED as exc:
            raise IngestError(f"corrupt or truncated image ({type(exc).__name__})") from None
        yield frame
        index += 1
        if image_format(image) != "TIFF" or not _seek(image, index):
            return


def _seek(image: Image.Image, index: int) -> bool:
    """Go to a frame; False when there is none."""
    try:
        image.seek(index)
    except EOFError:
        return False
    except DAMAGED as exc:
        raise IngestError(f"corrupt or truncated image ({type(exc).__name__})") from None
    return True


def frame_dpi(frame: Image.Image) -> float | None:
    """The horizontal resolution the file states, or None when it states none or nonsense."""
    dpi = frame.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        return None
    return value if 0 < value < 100_000 else None
