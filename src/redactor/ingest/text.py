"""Plain-text exports: the extracted text is the decoded file, byte for byte."""

from __future__ import annotations

from .errors import IngestError


def decode_text(data: bytes) -> str:
    """The file as strict UTF-8 (which also refuses surrogates written as CESU-8/WTF-8
    bytes: they cannot be written back out, nor searched like text)."""
    if not data.strip():
        raise IngestError("file is empty")
    # A NUL anywhere, not just near the start: past the first few KB it is still a
    # binary file, and the detectors would read the bytes around it as words.
    if b"\x00" in data:
        raise IngestError("binary data, not a text export")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"not valid UTF-8 (undecodable byte at offset {exc.start}); re-export as UTF-8"
        ) from None
    if not text.lstrip("\ufeff").strip():
        raise IngestError("file is empty")
    # A byte-order mark is an encoding artefact, but dropping it would shift every
    # offset against the file, so it stays in the text and detection ignores it.
    return text
