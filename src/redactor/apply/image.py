"""Burn redactions into an image's pixels and write a copy that carries nothing else.

A box drawn over a picture on a layer of its own can be lifted off; here the pixels
under each box are set to black in every channel before the image is encoded, so what
was there is gone. The copy is written afresh from the pixels alone, in the input's
format, size and resolution: EXIF, XMP, IPTC, ICC profiles, PNG text chunks, TIFF
descriptions and JPEG comments are not copied (any of them can name the patient or a
third party). Only an EXIF orientation survives, as a bare number, so the copy is shown
the same way up as the original.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable

from PIL import Image, ImageDraw, ImageFont

from ..ingest.errors import IngestError
from ..ingest.image import frames as iter_frames
from ..ingest.image import image_format, open_image
from ..ingest.ocr import ORIENTATION_TAG

Box = tuple[float, float, float, float]

WITHHELD_NOTE = "Page withheld: it could not be read reliably"
JPEG_QUALITY = 92  # visually lossless for scanned text; the original was lossy already
TIFF_COMPRESSION = "tiff_lzw"  # lossless and read by every TIFF viewer
# Modes kept as they are; anything else (palette, CMYK, YCbCr, LAB) is burnt in RGB,
# where black is unambiguous (CMYK black is not "every channel 0").
KEPT_MODES = {"1", "L", "LA", "RGB", "RGBA", "I", "I;16", "I;16B", "I;16L", "F"}


class ImageRedactionError(Exception):
    """An image that cannot be redacted as asked; the message never quotes record text."""


def burn(image: Image.Image, boxes: list[Box], pad: float = 2.0) -> Image.Image:
    """A copy of `image` with every pixel touched by a (padded) box set to black, opaque."""
    out = _burnable(image)
    black = _black(out.mode)
    width, height = out.size
    for box in boxes:
        region = _pixels(box, pad, width, height)
        if region is not None:
            out.paste(black, region)
    return out


def _burnable(image: Image.Image) -> Image.Image:
    """A copy in a mode where black is every channel at its minimum (alpha at its maximum)."""
    has_alpha = "transparency" in image.info or image.mode in ("PA", "RGBa", "La")
    if image.mode in KEPT_MODES and not (has_alpha and image.mode in ("L", "RGB")):
        return image.copy()
    try:
        return image.convert("RGBA" if has_alpha else "RGB")
    except ValueError:
        raise ImageRedactionError(f"images in mode {image.mode} cannot be redacted") from None


def _black(mode: str) -> int | float | tuple[int, ...]:
    if mode == "RGBA":
        return (0, 0, 0, 255)
    if mode == "LA":
        return (0, 255)
    if mode == "RGB":
        return (0, 0, 0)
    return 0


def _pixels(box: Box, pad: float, width: int, height: int) -> tuple[int, int, int, int] | None:
    """Every whole pixel the padded box touches, clipped to the image; None if outside."""
    x0, y0, x1, y1 = (float(v) for v in box)
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        raise ImageRedactionError("a redaction box has a coordinate that is not a number")
    if x1 < x0 or y1 < y0:
        raise ImageRedactionError("a redaction box has its corners the wrong way round")
    left = max(0, math.floor(x0 - pad))
    top = max(0, math.floor(y0 - pad))
    right = min(width, math.ceil(x1 + pad))
    bottom = min(height, math.ceil(y1 + pad))
    if left >= right or top >= bottom:
        return None
    return (left, top, right, bottom)


def withheld_frame(image: Image.Image) -> Image.Image:
    """A white frame the size of `image` saying, in print, that the page was withheld."""
    mode = image.mode if image.mode in ("1", "L", "RGB") else "RGB"
    frame = Image.new(mode, image.size, 1 if mode == "1" else "white")
    width, height = image.size
    size = max(10, min(width // (len(WITHHELD_NOTE) // 2 + 4), height // 8, 96))
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.load_default(size=size)
    except (ImportError, OSError):  # Pillow built without FreeType: the small bitmap font
        font = ImageFont.load_default()
    margin = max(2, width // 20)
    ImageDraw.Draw(frame).text((margin, max(2, height // 10)), WITHHELD_NOTE, fill=0, font=font)
    return frame


def redact_image(
    data: bytes,
    boxes: dict[int, list[Box]],
    withheld: set[int] | frozenset[int] = frozenset(),
) -> bytes:
    """The image file with boxes burnt into their frames (0-based) and withheld frames
    replaced, in the same format, size and resolution and with no metadata."""
    try:
        source = open_image(data)
        format_ = image_format(source)
        frames = list(iter_frames(source))
    except IngestError as exc:
        raise ImageRedactionError(str(exc)) from None
    unknown = sorted(i for i in [*boxes, *withheld] if not 0 <= i < len(frames))
    if unknown:
        raise ImageRedactionError(f"frame {unknown[0]} asked for, but the image has {len(frames)}")
    try:
        clean = [
            _bare(withheld_frame(frame) if index in withheld else burn(frame, boxes.get(index, [])), format_)
            for index, frame in enumerate(frames)
        ]
        return _encode(clean, [_dpi(f) for f in frames], format_, _orientation(frames[0]))
    except ImageRedactionError:
        raise
    except Exception as exc:  # the one boundary: Pillow's encoders can raise anything
        raise ImageRedactionError(f"could not write the redacted {format_} ({type(exc).__name__})") from None


def _bare(image: Image.Image, format_: str) -> Image.Image:
    """The pixels alone, in a mode the format can store: no info, EXIF or TIFF tags."""
    if format_ == "JPEG" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    if format_ == "PNG" and image.mode in ("I", "F"):
        image = image.convert("I;16") if image.mode == "I" else image.convert("L")
    bare = Image.frombytes(image.mode, image.size, image.tobytes())
    bare.info = {}
    return bare


def _dpi(frame: Image.Image) -> tuple[float, float] | None:
    dpi = frame.info.get("dpi")
    try:
        x, y = (float(v) for v in dpi) if dpi else (0.0, 0.0)
    except (TypeError, ValueError):
        return None
    return (x, y) if x > 0 and y > 0 and math.isfinite(x) and math.isfinite(y) else None


def _orientation(frame: Image.Image) -> int:
    """The EXIF orientation still to apply to a decoded frame (Pillow turns TIFF frames
    upright as it decodes them and drops the tag, so theirs is always 1)."""
    try:
        value = int(frame.getexif().get(ORIENTATION_TAG, 1))
    except Exception:  # unreadable EXIF: nothing to keep
        return 1
    return value if 2 <= value <= 8 else 1


def _options(format_: str, dpi: tuple[float, float] | None, orientation: int) -> dict[str, object]:
    options: dict[str, object] = {}
    if dpi:
        options["dpi"] = dpi
    if orientation != 1:
        exif = Image.Exif()
        exif[ORIENTATION_TAG] = orientation
        options["exif"] = exif.tobytes() if format_ != "TIFF" else exif
    if format_ == "JPEG":
        options["quality"] = JPEG_QUALITY
    if format_ == "TIFF":
        options["compression"] = TIFF_COMPRESSION
    return options


def _encode(
    frames: list[Image.Image], dpis: Iterable[tuple[float, float] | None], format_: str, orientation: int
) -> bytes:
    per_frame = [_options(format_, dpi, orientation) for dpi in dpis]
    out = io.BytesIO()
    first, rest = frames[0], frames[1:]
    if format_ == "TIFF" and rest:
        for frame, options in zip(rest, per_frame[1:], strict=True):
            frame.encoderinfo = options  # each frame keeps its own resolution
        first.save(out, format_, save_all=True, append_images=rest, **per_frame[0])
    else:
        first.save(out, format_, **per_frame[0])
    return out.getvalue()
