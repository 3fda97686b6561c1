"""Plain-text exports: the extracted text is the decoded file, byte for byte."""

from __future__ import annotations

from .errors import IngestError


def decode_text(data: bytes) -> str:
    if not data.strip():
        raise IngestError("file is empty")
    if b"\x00" in data[:8192]:
        raise IngestError("binary data, not a text export")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"not valid UTF-8 (undecodable byte at offset {exc.start}); re-export as UTF-8"
        ) from None
    # A byte-order mark is an encoding artefact, but dropping it would shift every
    # offset against the file, so it stays in the text and detection ignores it.
    return text
