"""What leaves the tool is safe to open: inert PDFs, a triage CSV a spreadsheet will
not run, reviewers' notes encrypted at rest, and errors that never quote a value.

Every name and note here is invented.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from typer.testing import CliRunner

from redactor.cli import app

runner = CliRunner()
PLANTED = "Zebedee Quarrington"  # in every place a PDF can hide things besides its pages
ACTIVE = [b"/JS", b"/JavaScript", b"/OpenAction", b"/AA", b"/AcroForm", b"/EmbeddedFile", b"/Metadata"]
ACTIVE += [b"/URI", b"/Annots", b"/Widget", b"/FileAttachment", b"/Launch", b"/Thumb"]


# --- 1. released PDFs are inert ---------------------------------------------


def _name(value: str) -> NameObject:
    return NameObject(value)


def _dict(**entries: object) -> DictionaryObject:
    return DictionaryObject({_name("/" + k): v for k, v in entries.items()})


def _js(writer: PdfWriter, script: str) -> object:
    return writer._add_object(_dict(S=_name("/JavaScript"), JS=TextStringObject(script)))


def _stream(writer: PdfWriter, data: bytes, **entries: object) -> object:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update(_dict(**entries))
    return writer._add_object(stream)


def _rect() -> ArrayObject:
    return ArrayObject([FloatObject(50), FloatObject(50), FloatObject(200), FloatObject(70)])


def booby_trapped_pdf() -> bytes:
    """A letter carrying everything a released copy must not: scripts on open and on
    the page, a form, an attachment, XMP, a link, a thumbnail and a telling /Info."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = writer._add_object(
        _dict(
            Type=_name("/Font"),
            Subtype=_name("/Type1"),
            BaseFont=_name("/Helvetica"),
            Encoding=_name("/WinAnsiEncoding"),
        )
    )
    xmp = (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b"<dc:creator>" + PLANTED.encode() + b"</dc:creator></x:xmpmeta><?xpacket end='w'?>"
    )
    image = _stream(
        writer,
        b"\x00",
        Type=_name("/XObject"),
        Subtype=_name("/Image"),
        Width=NumberObject(1),
        Height=NumberObject(1),
        ColorSpace=_name("/DeviceGray"),
        BitsPerComponent=NumberObject(8),
        Metadata=_stream(writer, xmp, Type=_name("/Metadata"), Subtype=_name("/XML")),
    )
    page[_name("/Resources")] = _dict(Font=_dict(F1=font), XObject=_dict(Im1=image))
    content = b"BT /F1 12 Tf 50 750 Td (Mum \\(Karen Jones\\) rang about the letter.) Tj ET\n"
    content += b"BT /F1 12 Tf 50 720 Td (BP 128/84. Asthma review, inhaler technique good.) Tj ET\n"
    content += b"q 10 0 0 10 50 600 cm /Im1 Do Q\n"
    page[_name("/Contents")] = _stream(writer, content)
    page[_name("/AA")] = _dict(O=_js(writer, f"app.alert('{PLANTED}')"))
    page[_name("/Metadata")] = _stream(writer, xmp, Type=_name("/Metadata"), Subtype=_name("/XML"))
    page[_name("/Thumb")] = _stream(
        writer, b"\xff", Width=NumberObject(1), Height=NumberObject(1), BitsPerComponent=NumberObject(8)
    )
    field = writer._add_object(
        _dict(
            Type=_name("/Annot"),
            Subtype=_name("/Widget"),
            FT=_name("/Tx"),
            T=TextStringObject("next of kin"),
            V=TextStringObject(PLANTED),
            Rect=_rect(),
            AA=_dict(K=_js(writer, "event.value = 1")),
        )
    )
    link = writer._add_object(
        _dict(
            Type=_name("/Annot"),
            Subtype=_name("/Link"),
            Rect=_rect(),
            A=_dict(S=_name("/URI"), URI=TextStringObject("http://example.invalid/zebedee")),
        )
    )
    attached = writer._add_object(
        _dict(
            Type=_name("/Annot"),
            Subtype=_name("/FileAttachment"),
            Rect=_rect(),
            FS=_dict(Type=_name("/Filespec"), F=TextStringObject("kin.txt")),
        )
    )
    page[_name("/Annots")] = ArrayObject([field, link, attached])
    writer.add_attachment("referral.txt", f"Referral for {PLANTED}".encode())
    root = writer.root_object
    root["/Names"][_name("/JavaScript")] = _dict(  # document-level scripts, beside the attachment
        Names=ArrayObject([TextStringObject("greeting"), _js(writer, f"app.alert('{PLANTED}');")])
    )
    root[_name("/OpenAction")] = _js(writer, "this.print();")
    root[_name("/AA")] = _dict(WC=_js(writer, "app.beep(0);"))
    root[_name("/AcroForm")] = _dict(Fields=ArrayObject([field]))
    root[_name("/Metadata")] = _stream(writer, xmp, Type=_name("/Metadata"), Subtype=_name("/XML"))
    root[_name("/URI")] = _dict(Base=TextStringObject("http://example.invalid/"))
    writer.add_metadata(
        {"/Author": PLANTED, "/Title": f"Letter re {PLANTED}", "/Subject": PLANTED, "/Keywords": PLANTED}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _every_object(data: bytes) -> list[object]:
    reader = PdfReader(io.BytesIO(data))
    objects = []
    for generation, numbers in reader.xref.items():
        objects += [reader.get_object(IndirectObject(n, generation, reader)) for n in numbers]
    objects += [reader.get_object(IndirectObject(n, 0, reader)) for n in reader.xref_objStm]
    return [o for o in objects if o is not None] + [reader.trailer]


def _keys_and_text(obj: object) -> tuple[set[str], str]:
    """Every dictionary key and string in one object, its stream data included; other
    indirect objects are not followed (each is listed in its own right)."""
    keys: set[str] = set()
    text: list[str] = []
    pending = [obj]
    while pending:
        item = pending.pop()
        if isinstance(item, DictionaryObject):
            keys.update(str(k) for k in item)
            pending += [v for v in dict.values(item) if not isinstance(v, IndirectObject)]
            if isinstance(item, StreamObject):
                text.append(item.get_data().decode("latin-1"))
        elif isinstance(item, list):
            pending += [v for v in item if not isinstance(v, IndirectObject)]
        elif isinstance(item, str):
            text.append(str(item))
    return keys, " ".join(text)


def _inflated(data: bytes) -> bytes:
    """The raw file with every deflated stream inflated, as a viewer would see it."""
    parts = [data]
    for chunk in data.split(b"stream")[1:]:
        body = chunk.lstrip(b"\r\n").split(b"endstream")[0]
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(body))
    return b"\n".join(parts)


def test_a_released_pdf_carries_no_script_action_form_attachment_or_metadata(tmp_path):
    source = booby_trapped_pdf()
    for marker in ACTIVE[:7]:  # the original really carries what the copy must not
        assert marker in source
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "letter.pdf").write_bytes(source)
    out = tmp_path / "out"
    apply = ["apply", str(folder), "--out", str(out), "--unreviewed", "redact", "--spans-only"]
    result = runner.invoke(app, apply)
    assert result.exit_code == 0, result.output
    released = (out / "letter.pdf").read_bytes()

    raw = _inflated(released)
    for marker in ACTIVE:
        assert marker not in raw, marker
    assert b"Zebedee" not in raw and b"app.alert" not in raw and b"example.invalid" not in raw
    forbidden = {m.decode() for m in ACTIVE} | {"/A", "/EF", "/Names", "/Outlines"}
    for obj in _every_object(released):
        keys, text = _keys_and_text(obj)
        assert not keys & forbidden, keys
        assert "Zebedee" not in text
    reader = PdfReader(io.BytesIO(released))
    assert dict(reader.metadata or {}) == {"/Producer": "redactor"}
    assert reader.xmp_metadata is None and not reader.attachments and not reader.get_fields()
    assert "Karen" not in reader.pages[0].extract_text()  # and the redaction itself still happened
    assert "inhaler technique good." in reader.pages[0].extract_text()


def test_a_pdf_error_names_the_page_never_the_file_s_words():
    from redactor.apply.pdf import PdfRedactionError, redact_pdf

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    page[_name("/Contents")] = _stream(writer, b"BT /Zebedee 12 Tf 50 750 Td (x) Tj ET\n")
    buffer = io.BytesIO()
    writer.write(buffer)
    # A font missing from the page's resources: the glyph edit cannot be proved, so
    # the page is redacted in its pixels instead of refused.
    out, pages = redact_pdf(buffer.getvalue(), {1: ("x", [(0, 1)])})
    assert [p.method for p in pages] == ["raster"] and b"Zebedee" not in out
    with pytest.raises(PdfRedactionError) as caught:  # the file is not the one scanned
        redact_pdf(buffer.getvalue(), {1: ("Zebedee Quarrington", [(0, 7)])})
    assert str(caught.value).startswith("page 1:") and "Zebedee" not in str(caught.value)
    with pytest.raises(PdfRedactionError) as caught:
        redact_pdf(b"%PDF-1.4 Zebedee Quarrington", {})
    assert "Zebedee" not in str(caught.value)


# --- 2. the triage CSV does not run in a spreadsheet --------------------------

HOSTILE_NAMES = [
    '=HYPERLINK("http://example.invalid/x","y")',
    "+SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def test_triage_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote():
    from redactor.report.triage import Row, triage_csv

    rows = [Row(record=name, nhs_number="", documents=[f"{name}.txt"]) for name in HOSTILE_NAMES]
    rows += [Row(record="-3", nhs_number="+44", documents=["a.txt"], risk=-3), Row("Ann Bloggs", "999")]
    parsed = list(csv.reader(io.StringIO(triage_csv(rows))))
    header, body = parsed[0], parsed[1:]
    cells = {name: line for name, line in zip(HOSTILE_NAMES, body, strict=False)}
    for name, line in cells.items():
        assert line[0] == "'" + name and line[-1] == "'" + name + ".txt"
    numbers = body[len(HOSTILE_NAMES)]
    assert numbers[0] == "-3" and numbers[1] == "+44" and numbers[header.index("risk")] == "-3"
    assert body[-1][:2] == ["Ann Bloggs", "999"]
    for line in body:  # no cell a spreadsheet would evaluate
        assert not any(cell[:1] in ("=", "@", "\t", "\r") for cell in line)


def test_triage_on_the_terminal_shows_a_name_as_text():
    from rich.console import Console

    from redactor.report.triage import Row, print_triage

    shown = io.StringIO()
    rows = [Row(record="[/][link=http://example.invalid]Zed\x1b]0;owned\x07", nhs_number="[bold]")]
    print_triage(Console(file=shown, width=200), rows)
    assert "[/][link=http://example.invalid]Zed" in shown.getvalue() and "\x1b" not in shown.getvalue()


# --- 3. reviewers' notes are encrypted at rest --------------------------------

NOTE = "spoke to Zebedee Quarrington, her neighbour"
KEY, OTHER_KEY = b"a1" * 32, b"b2" * 32
PRINT = "0" * 64


def test_a_note_is_sealed_in_the_file_and_the_audit_log_and_opens_with_the_key(tmp_path):
    from redactor.decide.decisions import NOTE_UNREADABLE, AuditLog, Decisions

    path = tmp_path / "decisions.json"
    book = Decisions(path)
    book.record(PRINT, "THIRD_PARTY_NAME", "redact", "dr.test", note=NOTE, key=KEY)
    book.save(KEY)
    stored, audit = path.read_bytes(), AuditLog(path).path.read_bytes()
    for secret in (NOTE, "Zebedee", "Quarrington", "neighbour"):
        assert secret.encode() not in stored and secret.encode() not in audit
    assert json.loads(stored)["decisions"][0]["note_encrypted"].startswith("gAAAA")
    assert Decisions.load(path).note(KEY, PRINT) == NOTE
    assert Decisions.load(path).note(OTHER_KEY, PRINT) == NOTE_UNREADABLE
    with pytest.raises(ValueError):
        book.record(PRINT, "THIRD_PARTY_NAME", "redact", "dr.test", note=NOTE)  # no key: no note


def test_a_plain_note_from_an_older_file_is_read_then_sealed_on_save(tmp_path):
    from redactor.decide.decisions import Decisions

    path = tmp_path / "decisions.json"
    old = {"fingerprint": PRINT, "category": "SAFEGUARDING", "decision": "keep", "reviewer": "r", "time": "t"}
    path.write_text(json.dumps({"schema": 1, "tool": "redactor", "decisions": [old | {"note": NOTE}]}))
    book = Decisions.load(path)
    assert book.note(KEY, PRINT) == NOTE
    book.save(KEY)
    assert "Zebedee" not in path.read_text() and Decisions.load(path).note(KEY, PRINT) == NOTE


def test_review_shows_the_note_of_a_decided_item_met_again(tmp_path):
    from rich.console import Console

    from redactor.decide.decisions import Decisions
    from redactor.model import Action, Category, Document, Entry, Finding
    from redactor.review.session import ReviewSession
    from redactor.review.terminal import run

    text = "Seen with Ann Bloggs. Later Bob Smith rang."
    doc = Document(path="x.txt", sha256="0", text=text, entries=[Entry("e1", 0, len(text))])
    doc.findings = [
        Finding(
            text.index(n), text.index(n) + len(n), n, Category.THIRD_PARTY_NAME, 0.9, "t", "r", Action.REVIEW
        )
        for n in ("Ann Bloggs", "Bob Smith")
    ]
    session = ReviewSession([doc], Decisions(tmp_path / "d.json"), KEY, "dr.test", by="flag")
    shown = io.StringIO()
    script = iter(["t", "[/]" + NOTE, "r", "b", "q"])
    run(
        session,
        Console(file=shown, width=200),
        read_key=lambda _: next(script),
        read_line=lambda _: next(script),
    )
    assert "stored encrypted" in shown.getvalue()
    assert f"decided: redact; note: [/]{NOTE}" in shown.getvalue()
    assert "Zebedee" not in (tmp_path / "d.json").read_text()


# --- 4. a decisions file that is not right is a clean error, never an echo ---

GOOD = {
    "fingerprint": PRINT,
    "category": "THIRD_PARTY_NAME",
    "decision": "redact",
    "reviewer": "r",
    "time": "t",
}
PLANT = "Zebedee Quarrington"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "not a redactor decisions file"),
        ({"schema": True, "decisions": []}, "not a redactor decisions file"),
        ({"schema": 1, "decisions": {PLANT: 1}}, "'decisions' is not a list"),
        ({"schema": 1, "decisions": [PLANT]}, "decision 0: not an object"),
        (
            {"schema": 1, "decisions": [GOOD, GOOD | {"start": PLANT, "end": 3}]},
            "decision 1: 'start' is not a whole",
        ),
        ({"schema": 1, "decisions": [GOOD | {"start": 1.5, "end": 3}]}, "'start' is not a whole number"),
        ({"schema": 1, "decisions": [GOOD | {"start": True, "end": 3}]}, "'start' is not a whole number"),
        ({"schema": 1, "decisions": [GOOD | {"start": 1}]}, "'start' and 'end' go together"),
        ({"schema": 1, "decisions": [GOOD | {"decision": PLANT}]}, "'decision' is not one of"),
        ({"schema": 1, "decisions": [GOOD | {"decision": ["x"]}]}, "'decision' is not text"),
        ({"schema": 1, "decisions": [GOOD | {"decision": "hide"}]}, "'decision' does not fit its category"),
        ({"schema": 1, "decisions": [GOOD | {"category": PLANT}]}, "'category' is not a known category"),
        ({"schema": 1, "decisions": [GOOD | {"fingerprint": PLANT}]}, "'fingerprint' is not 64 hex"),
        ({"schema": 1, "decisions": [GOOD | {"reviewer": {"name": PLANT}}]}, "'reviewer' is not text"),
        ({"schema": 1, "decisions": [GOOD | {"note": 7}]}, "'note' is not text"),
        ({"schema": 1, "decisions": [GOOD | {"note_encrypted": PLANT}]}, "'note_encrypted' is not a sealed"),
        ({"schema": 1, "decisions": [GOOD | {PLANT: 1}]}, "has a field redactor does not know"),
        ({"schema": 1, "decisions": [{k: v for k, v in GOOD.items() if k != "time"}]}, "'time' is missing"),
    ],
)
def test_a_wrong_decisions_file_names_the_field_never_the_value(tmp_path, document, message):
    from redactor.decide.decisions import Decisions, DecisionsError

    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(document))
    with pytest.raises(DecisionsError) as caught:
        Decisions.load(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)
    assert "Zebedee" not in str(caught.value)


def test_a_decisions_file_that_is_a_folder_or_unreadable_is_a_clean_error(tmp_path, monkeypatch):
    from pathlib import Path

    from redactor.decide.decisions import Decisions, DecisionsError, load_key

    folder = tmp_path / "decisions.json"
    folder.mkdir()
    with pytest.raises(DecisionsError, match="is a folder"):
        Decisions.load(folder)
    with pytest.raises(DecisionsError, match="practice key cannot be used"):
        load_key(folder)  # a folder where the key should be
    path = tmp_path / "locked.json"
    path.write_text("{}")

    def refuse(*_: object, **__: object) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_text", refuse)  # chmod does not stop root, which CI may be
    with pytest.raises(DecisionsError, match="permission denied"):
        Decisions.load(path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.just(PLANT),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
FIELD_NAMES = [*GOOD, "start", "end", "note", "note_encrypted", PLANT]


@st.composite
def decisions_documents(draw: st.DrawFn) -> object:
    """Mostly well-formed files with one to three fields of wrong type or value; now and
    then a document that is wrong from the top."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON | st.fixed_dictionaries({"schema": JSON, "decisions": JSON}))
    records = []
    for _ in range(draw(st.integers(1, 3))):
        record = dict(GOOD)
        for name in draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=3)):
            if draw(st.booleans()):
                record[name] = draw(JSON)
            else:
                record.pop(name, None)
        records.append(record)
    return {"schema": 1, "tool": "redactor", "decisions": records}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=decisions_documents())
def test_any_decisions_document_loads_or_is_a_clean_error(tmp_path, document):
    from redactor.decide.decisions import Decisions, DecisionsError

    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(document))
    try:
        book = Decisions.load(path)
    except DecisionsError as error:
        assert str(error).startswith(f"{path}: ") and "Zebedee" not in str(error)
        return
    book.save(KEY)  # what loads can be written back, and reads the same
    assert Decisions.load(path).records == book.records
