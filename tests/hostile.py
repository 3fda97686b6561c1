"""A corpus of hostile input files, one small case per way a reader can be broken.

Every case is synthetic. Each one that could leak record text carries the fictional
marker name `MARKER`, so a test can assert that no error message quotes it. A case
expects "error" (refused with IngestError) or "read" (a Document comes back).

`cases()` builds the whole corpus in memory for CI (well under a second, a few
hundred KB); `big_cases(folder)` writes the large files benchmarks use, one at a time.
"""

from __future__ import annotations

import base64
import json
import random
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

MARKER = "Zebedee Quarrington"
MARKER_WORDS = ("Zebedee", "Quarrington")
EXTENSIONS = (".txt", ".pdf", ".json", ".xml", ".csv", ".docx", ".png", ".jpg", ".tif")


class Case(NamedTuple):
    name: str
    filename: str
    data: bytes
    expect: str  # "error" or "read"


def leaks(message: str) -> bool:
    """Does a message quote the marker, or any part of it?"""
    return any(word.lower() in message.lower() for word in MARKER_WORDS)


def _garbage(seed: int, size: int = 4096) -> bytes:
    return random.Random(seed).randbytes(size)


# --- builders (also used by the property-based tests) -------------------------


def text_record(body: str = f"Seen with her neighbour {MARKER}.") -> str:
    return (
        "Name: Mrs Lena MARSH\nDOB: 02-Apr-1990\nNHS No: 999 000 1234\n\n"
        f"12-Mar-2024 10:32  Dr A Patel (GP)  Face to face\n{body}\n"
    )


def pdf_document(content: bytes | None = None, stream_dict: bytes = b"", pages: int = 1) -> bytes:
    """A PDF with one content stream per page, xref offsets right."""
    if content is None:
        content = f"BT /F1 12 Tf 72 720 Td (Seen with {MARKER}) Tj ET".encode()
    kids = " ".join(f"{3 + 2 * n} 0 R" for n in range(pages))
    font = 3 + 2 * pages
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    for n in range(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * n} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(
            b"<< /Length %d %s>>\nstream\n" % (len(content), stream_dict) + content + b"\nendstream"
        )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return pdf_objects(objects)


def pdf_objects(objects: list[bytes], trailer: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


def flate_bomb(megabytes: int) -> bytes:
    """A zlib stream of `megabytes` MB of zeros, built from one compressed block
    repeated (a full flush makes each block stand alone), so it costs nothing to make."""
    chunk = b"\0" * 1_048_576
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    adler = ((megabytes * len(chunk)) % 65521) << 16 | 1  # Adler-32 of n zeros
    return b"\x78\xda" + first + block * (megabytes - 1) + tail + struct.pack(">I", adler)


def fhir_bundle(*resources: Any, version: str | None = "4.0.1", **root: Any) -> bytes:
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "collection"}
    if version is not None:
        bundle["fhirVersion"] = version
    bundle["entry"] = [{"resource": r} for r in resources]
    bundle.update(root)
    return json.dumps(bundle).encode()


def fhir_resources() -> list[dict[str, Any]]:
    """A small R4 record: the patient, their GP, a relative and a consultation."""
    return [
        {
            "resourceType": "Patient",
            "id": "p1",
            "meta": {"profile": ["https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"]},
            "name": [{"use": "official", "given": ["Lena"], "family": "Marsh", "prefix": ["Ms"]}],
            "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990001234"}],
            "telecom": [{"system": "phone", "value": "07700 900123"}],
            "address": [{"line": ["1 Fictional Row"], "city": "Nowhere", "postalCode": "ZZ99 9ZZ"}],
            "birthDate": "1990-04-02",
            "contact": [
                {"name": {"text": MARKER}, "telecom": [{"system": "phone", "value": "07700 900461"}]}
            ],
        },
        {
            "resourceType": "Practitioner",
            "id": "g1",
            "name": [{"prefix": ["Dr"], "given": ["Omar"], "family": "Quayle"}],
        },
        {
            "resourceType": "RelatedPerson",
            "id": "r1",
            "patient": {"reference": "Patient/p1"},
            "name": [{"given": ["Zebedee"], "family": "Quarrington"}],
            "telecom": [{"system": "phone", "value": "07700 900461"}],
            "address": [{"line": ["2 Fictional Row"], "postalCode": "ZZ99 9ZY"}],
        },
        {
            "resourceType": "Encounter",
            "id": "e1",
            "period": {"start": "2024-05-01T10:00:00Z"},
            "participant": [{"individual": {"reference": "Practitioner/g1"}}],
        },
        {
            "resourceType": "Observation",
            "id": "o1",
            "encounter": {"reference": "Encounter/e1"},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "162864005", "display": "BMI"}]},
            "comment": f"Came with {MARKER}, who is worried about her.",
            "performer": [{"reference": "RelatedPerson/r1", "display": MARKER}],
        },
    ]


def fhir_attachment(attachment: dict[str, Any]) -> bytes:
    document = {
        "resourceType": "DocumentReference",
        "id": "d1",
        "description": f"Letter about {MARKER}",
        "content": [{"attachment": attachment}],
    }
    return fhir_bundle(*fhir_resources(), document)


def gp2gp_extract(
    compositions: str | None = None, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n'
) -> str:
    """A minimal GP2GP extract: one composition with a narrative statement."""
    if compositions is None:
        compositions = gp2gp_composition(f"Seen with {MARKER}, her neighbour.")
    return (
        f'{prolog}<RCMR_IN030000UK06 xmlns="urn:hl7-org:v3"><ControlActEvent><subject><EhrExtract>'
        '<recordTarget><patient><id root="2.16.840.1.113883.2.1.4.1" extension="9990001234"/></patient></recordTarget>'
        '<component><ehrFolder><responsibleParty><agentDirectory><part><Agent><id root="A1"/>'
        "<agentPerson><name><prefix>Dr</prefix><given>Omar</given><family>Quayle</family></name></agentPerson>"
        f"</Agent></part></agentDirectory></responsibleParty>{compositions}</ehrFolder></component>"
        "</EhrExtract></subject></ControlActEvent></RCMR_IN030000UK06>\n"
    )


def gp2gp_composition(text: str, code: str = "") -> str:
    coded = (
        f'<code code="162864005" codeSystem="2.16.840.1.113883.2.1.3.2.4.15" displayName="{code}"/>'
        if code
        else ""
    )
    return (
        '<component><ehrComposition><id root="C1"/><availabilityTime value="20240501"/>'
        '<author><agentRef><id root="A1"/></agentRef></author>'
        f"<component><NarrativeStatement>{coded}<text>{text}</text></NarrativeStatement></component>"
        "</ehrComposition></component>"
    )


def zip_package(members: list[tuple[str, bytes]], deflate: bool = True) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED) as package:
        for name, data in members:
            package.writestr(name, data)
    return out.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
PACKAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="word/document.xml"/></Relationships>'
)


def docx_body(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>{body}'
        "</w:body></w:document>"
    ).encode()


def docx_paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def docx_package(document_xml: bytes | None = None, extra: list[tuple[str, bytes]] = ()) -> bytes:  # type: ignore[assignment]
    if document_xml is None:
        document_xml = docx_body(
            docx_paragraph("Re: Mrs Lena MARSH  DOB 02/04/1990")
            + docx_paragraph(f"Her neighbour {MARKER} came too.")
        )
    return zip_package(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", PACKAGE_RELS),
            ("word/document.xml", document_xml),
            *extra,
        ]
    )


def raw_zip(members: list[tuple[str, bytes, int, int, int]], version: int = 20) -> bytes:
    """A zip written by hand: (name, stored bytes, method, declared size, crc) each,
    so a member can claim any size or method."""
    out, central = bytearray(), bytearray()
    for name, stored, method, size, crc in members:
        encoded = name.encode()
        offset = len(out)
        header = struct.pack("<HHHHHIIIHH", 20, 0, method, 0, 0, crc, len(stored), size, len(encoded), 0)
        out += b"PK\x03\x04" + header + encoded + stored
        central += (
            b"PK\x01\x02"
            + struct.pack(
                "<HHHHHHIIIHHHHHII",
                20,
                version,
                0,
                method,
                0,
                0,
                crc,
                len(stored),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    end = struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + b"PK\x05\x06" + end)


def _deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def docx_members() -> list[tuple[str, bytes, int, int, int]]:
    xml = docx_body(docx_paragraph(f"Seen with {MARKER}."))
    return [
        (name, _deflated(data), 8, len(data), zlib.crc32(data))
        for name, data in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", PACKAGE_RELS),
            ("word/document.xml", xml),
        )
    ]


def csv_journal(
    rows: list[list[str]], header: tuple[str, ...] = ("Date", "Clinician", "Code", "Term", "Text")
) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


JOURNAL = [
    ["01/05/2024", "Dr O Quayle", "162864005", "BMI", "Weight stable."],
    ["01/05/2024", "Dr O Quayle", "", "", f"Came with {MARKER}, her neighbour."],
]


# --- the corpus ----------------------------------------------------------------


def generic_cases() -> list[Case]:
    out = []
    for ext in EXTENSIONS:
        kind = ext[1:]
        out.append(Case(f"empty-{kind}", f"empty{ext}", b"", "error"))
        out.append(Case(f"whitespace-{kind}", f"whitespace{ext}", b" \r\n\t \n", "error"))
        out.append(Case(f"garbage-{kind}", f"garbage{ext}", _garbage(len(out)), "error"))
        out.append(
            Case(
                f"garbage-with-marker-{kind}",
                f"garbage-marker{ext}",
                _garbage(len(out), 600) + MARKER.encode() + b"\xff\x00",
                "error",
            )
        )
    wrong = {
        "pdf-as-txt": ("letter.txt", pdf_document()),
        "json-as-xml": ("record.xml", fhir_bundle(*fhir_resources())),
        "xml-as-json": ("record.json", gp2gp_extract().encode()),
        "docx-as-pdf": ("letter.pdf", docx_package()),
        "pdf-as-docx": ("letter.docx", pdf_document()),
        "text-as-pdf": ("letter.pdf", text_record().encode()),
        "csv-as-json": ("journal.json", csv_journal(JOURNAL)),
        "xml-as-csv": ("journal.csv", gp2gp_extract().encode()),
        "docx-as-xml": ("record.xml", docx_package()),
        "json-as-docx": ("letter.docx", fhir_bundle(*fhir_resources())),
        "pdf-as-png": ("scan.png", pdf_document()),
        "text-as-jpg": ("scan.jpg", text_record().encode()),
    }
    out += [
        Case(f"wrong-extension-{name}", filename, data, "error") for name, (filename, data) in wrong.items()
    ]
    return out


def text_cases() -> list[Case]:
    record = text_record()
    # fmt: off
    return [
        Case("text-ok", "note.txt", record.encode(), "read"),
        Case("text-bom", "bom.txt", b"\xef\xbb\xbf" + record.encode(), "read"),
        Case("text-only-bom", "only-bom.txt", b"\xef\xbb\xbf", "error"),
        Case("text-bom-and-whitespace", "bom-space.txt", b"\xef\xbb\xbf \r\n", "error"),
        Case("text-nul-early", "nul.txt", record.encode() + b"\x00", "error"),
        Case("text-nul-after-8k", "nul-late.txt", (record * 100).encode()[:9000] + b"\x00" + MARKER.encode(), "error"),
        Case("text-cesu-surrogate", "cesu.txt", record.encode() + b"\xed\xa0\x80" + MARKER.encode(), "error"),
        Case("text-cesu-pair", "cesu-pair.txt", b"Smile \xed\xa0\xbd\xed\xb8\x80 " + MARKER.encode(), "error"),
        Case("text-latin1", "latin1.txt", f"Café with {MARKER}".encode("latin-1"), "error"),
        Case("text-utf16", "utf16.txt", record.encode("utf-16"), "error"),
        Case("text-overlong-utf8", "overlong.txt", b"Seen \xc0\xaf " + MARKER.encode(), "error"),
        Case("text-control-chars", "controls.txt", ("\x01\x02\x1b[31m\x7f\u200b\u202e " + record).encode(), "read"),
        Case("text-lone-cr", "cr.txt", record.replace("\n", "\r").encode(), "read"),
        Case("text-long-line", "long-line.txt", (("word " * 20_000) + MARKER).encode(), "read"),
        Case("text-many-headers", "headers.txt", ("01-01-2024 10:00 Dr A B\n" * 2000).encode(), "read"),
        Case("text-combining", "combining.txt", ("Z\u0301" * 5000 + " " + MARKER).encode(), "read"),
    ]
    # fmt: on


def pdf_cases() -> list[Case]:
    good = pdf_document()
    bomb = flate_bomb(200)
    # fmt: off
    return [
        Case("pdf-ok", "letter.pdf", good, "read"),
        Case("pdf-zero-bytes", "zero.pdf", b"", "error"),
        Case("pdf-header-then-garbage", "header-garbage.pdf", b"%PDF-1.7\n" + _garbage(7) + MARKER.encode(), "error"),
        Case("pdf-header-only", "header-only.pdf", b"%PDF-1.4\n", "error"),
        Case("pdf-truncated-half", "truncated.pdf", good[: len(good) // 2], "error"),
        Case("pdf-truncated-no-xref", "no-xref.pdf", good[: good.index(b"xref")], "error"),
        Case("pdf-flate-bomb", "bomb.pdf", pdf_document(bomb, b"/Filter /FlateDecode "), "error"),
        Case("pdf-bad-flate", "bad-flate.pdf", pdf_document(b"\x78\x9c" + _garbage(9, 200), b"/Filter /FlateDecode "), "read"),
        Case("pdf-unknown-filter", "unknown-filter.pdf", pdf_document(stream_dict=b"/Filter /ZebedeeDecode "), "error"),
        Case("pdf-encrypted", "locked.pdf", _encrypted_pdf(), "error"),
        Case("pdf-encrypted-certificate", "pubsec.pdf", pdf_objects([*_pdf_page_objects(), b"<< /Filter /PubSec /SubFilter /adbe.pkcs7.s5 /V 4 >>"], b"/Encrypt 5 0 R /ID [<0102> <0102>] "), "error"),
        Case("pdf-no-pages", "no-pages.pdf", pdf_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]), "error"),
        Case("pdf-no-catalog", "no-catalog.pdf", pdf_objects([b"<< /Type /Font >>"]), "error"),
        Case("pdf-root-not-dict", "root-array.pdf", pdf_objects([b"[1 2 3]"]), "error"),
        Case("pdf-page-tree-loop", "loop.pdf", pdf_objects([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]), "error"),
        Case("pdf-deep-array", "deep.pdf", pdf_objects([b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 20000 + b"]" * 20000 + b" >>",
                                                        b"<< /Type /Pages /Kids [] /Count 0 >>"]), "error"),
        Case("pdf-huge-length", "huge-length.pdf", pdf_document(stream_dict=b"/Length 99999999999 "), "read"),
        Case("pdf-prev-loop", "prev-loop.pdf", pdf_objects(_pdf_page_objects(), b"/Prev 9 "), "read"),
        Case("pdf-bad-xref-offset", "bad-startxref.pdf", good.replace(b"startxref\n", b"startxref\n9999999"), "read"),
        Case("pdf-count-lies", "count-lies.pdf", good.replace(b"/Count 1", b"/Count 99999999"), "read"),
        Case("pdf-no-text-layer", "scan.pdf", pdf_document(b"0 0 1 rg 50 50 200 200 re f"), "read"),
    ]
    # fmt: on


# Damaged PDFs fuzz/run.py pdf found, on which pypdf raised a builtin exception rather
# than its own (stored compressed; each is a mutation of pdf_document()).
PDF_FUZZ_FOUND = {
    "AttributeError": (
        "eNpTDXBx0zXUM+FSffT4/GUuQwUDhfykLC4bGwX9kMqCVAV958SSxJz8dAX9gMT01GIFI6CCIAU7O67UvBSQQiMMDRB1+t6ZKcUK"
        "0WDlsUBT8kvzShQMkTRWFKWmcRkoGHMZwIGCmampsalCZJoCXNDQVAEiBRcxM4GK5ClwlRQlZuakFnEZqn8o1Q/OrEpVMFbQD8rP"
        "B9kEdWZxSWJRCdguQyNDLlVVV383LgAZCkCZ"
    ),
    "TypeError": (
        "eNqFks1Kw0AUhffzFHcT0IVO/oNQuqg2CCrVNiuLi2lzW1NqRmYmWl36gi58A30R5yfWQIuGEJJ7z73fSU6867P8KDiOiff59f5B"
        "AvCBz1ak1wNavDwi0FM2ZWu+BHrNligh1IIx9PsE69IIw50Bp6MXVSlhGhn5nd7Cm1pB0BmM9g6aq0AtdRx6hWXFBnwDU18X0iCE"
        "7CS0+2qlZRJipxuj5I2Ya7DZl+uuuwkgaQ2784ced+iXWC/VPaS+6UslkD2QQWGHNa9YQKapoQ9FCQcTRA7PlZbf4gxLRLhpmBCV"
        "3sDrQyhWMCwMo13T0pKdd7UO6aSZKftoigHQAZNoO+dI1/ikqjnreN4IXBD9EYi/PSBNkiiBBWxrgWbZTv1bS+Nuzfs/cfVX4vH+"
        "xN9c5N0k4zAjnmfRw1HHUBhnOyajpFNTglU5WaOwkEn1ipDqjDk3v1DrRiomlP0kDjMc5eQbIxTD0A=="
    ),
    "ValueError": (
        "eNqNUj1oFEEUBsFmCiutTDHNFRZx/md34HJFfi4xKhfu/Ck0xezu2/PiuRt25ySxFDGdtWihoCIWhiD2QUGws9BejFiKrY3g7F0S"
        "L1zjzhY73/ve+7739tVW5pvT7KxAtb3vnz4jhinOozVUryNyaXMdMJmzzvbzLiIrtgsl5p7QRo0GgiypiPxowreZ67tDIiLne0mJ"
        "r2FRJeBVRObyQeYwG8sVE2JVaqVUgKeOpMhFSHp2Nt/wtag/mnEcGD6qmDlPLLEcMdtQ5oMi9i6rik0fHX0wrA5cj959fTmmfwGy"
        "rruBNa3ipSvA3kI/nhUfptdOPtje2T2xde/l9tPX79Vi68mb9ef3B1vs1cOfU3sf/3R/HzvT+fX468zx1ZsvlotTyztXTz96+6XS"
        "2C+zr6Ymuq0cItIZRG54rUCGyKwtYeidLEH/NrhebMc867EqVzD3TWNx6J5NhX56WHIjjQ648eFmr++gwKTjbJbYIkGkhes0iVSo"
        "VBorwbXSBgKtDNWxTbUE6dOtjDlNNBij0wRSowWYSNGQpgZoKBqIXMZ1FTDDgsSaVAQxC3RgYhPFVvtDgYech1EqQYGEQIVWMi0p"
        "9XedpqmljIbjv2KjgBRRHCB6+GCtlFA4xYcY8yMcRrJ/mJYTGONiAuOKTWBCH8XeLd2VYgxyhe31oRiOutO7A94daee53+HRup2b"
        "9ytZZ36CEPkZsdg3FVHN4yiO/JgMRFqJoPE/FL/MC1lcbK47rA9WtXS2cMO5aKlRrbbQaqK/JCYF9Q=="
    ),
    "KeyError": (
        "eNpTDXBx0zXUM+FSffT4/GUuQwUDhfykLC4bGwX9kMqCVAV958SSxJz8dAX9gMT01GIFI6CCIAU7O67UvBSQQiMMDRB1+t6ZKcUK"
        "0bFAA/JL80qAqhB6KopS04A2GXMZwIGCmampsalCmgJczNBUwcAgDyhjgBAzM1GAqM5T4CopSszMSS0CWxycWZWqYKygHwR06X+8"
        "AOr44pLEohKIMwzNuFRVXf3duACM4FwU"
    ),
    "AssertionError": (
        "eNqlUstOwzAQvPsr9lIJDuA4T1Wqeii0QgJEaXOi4uA225Kq2JXjtIWf5MAfwI9gO6GNFG5YUeTMzs7MOu6Mr0cX7DIkna/vj0/C"
        "wAM5X5NeD2j6tkWgV1zzjVwBHfMVFuAbwgT6fYIis0S/1VDx6G2eFTALLP3ZqMhSaGCNxuDPRvtWaKiVD73HLOcDeYCZZ4CY+ZB0"
        "facntKEVEFa8CRayVAtjbPVGplptGER14Or5dQ8b7ncoVvoFYu+47Z6W7Sm0Qv5KBqkTNBnSJSQmie/RoViot62GNIN/DHA2RRSA"
        "DOiA73MT4AnnmCHCY8mVyk0mKc4hXcMwtQPUeepRotZBuvHptJxr92lBJ11gVbnBzQ51vuCNAzkoXBITkHjHBXEUBREs4Ygx4+Uq"
        "wmB0rHDneXHYwGqaz1qYH+5bWJAkJ0wrnm9QuTGm+TtCbP6qlPbS1Deu0FxplzMME9LpDB9G5AfilL8J"
    ),
    "RecursionError": (
        "eNrtWl9oHEUYr2IpDIII6kOfPtDDWkh2dnZ3djdcQhuTI1STi3enVEMf9rKz8cr1ruxuYu1DHgSpT4JvgqD4WPSl/gGhIBRRBB9a"
        "8NE3+1Slj4LSB53Z3buby+6lSaVpcpkfl+MyO/vNt9/8vu+b/WZKy3OVCX3SRKXfb9/8FemAods8j8pl0BrvXmSgvezFXru7Btqy"
        "t8YiILxDDbSzsDLWaJxZUVDYMxzZBso6CgoKCgcM/z4KKLMfEmhnayxQZlBQUFBQUBh3/KNMoLAdSqKai/vV3Omhcu6mKOdWup0Y"
        "ZmYQ6/jiwqWQ3bdDgDAQhAV+EV9ALcuwIAAUxSHzLog2Alqt241BT8rD/PYo9sI4udl0UKk0X62gg2PG3djl0HHs6z4kzm2/g8Bp"
        "MbCckesgdhbEd8i4ibMNhkXmt7zZ7iVYwbyB6gRsl5zjwvg08G4RmGm/Gou66+Eqi0DISyYp+aGDlVEx/fRGN6XRX2WdtfhtoLj/"
        "0x0gJbHgN5ptJAK5Do0AbK4JwdDw4USdsQ680+L3vcWazGcMXlv3wrDFRXU7L0HjPMw3xLiZmEwDK/f8idZafb0ZJ/+KRh20WS9i"
        "6ZUF1t5gcWvVy/OPpn6Jh/2y16LzsZIrHd6mLYdsA2NqSm1ZN6JvaUsLz7ubic37z0SqOikkQATaKy0/ghXBj1oif70T95hzSqZO"
        "uYxgrltAnSNx6LXaLBTKP1ZYSx/xSAVbXGJYlVAODWAFEuLBOdRjHiqKWUiiLOoRL7kTSbQCyVVSibKvoKGohXq+gvq+IkZOP7mo"
        "hQZRCw0i1Ld/PXvthfbTN74oX7l767PaM8ev3Pn+xTvRE9e/+fiH2U8/+ulz59jVJ9//W7v11ImTX3744yftSYP89sHP9RvvfXVz"
        "uwiFpAiFtkQoVBShJJ2pJOUNnii1Ghh97XXicOuBSVzTpTZx+eVKqx0XhC0Byv92Erb4OgQ7g7YsGiSBpt66nCUqI5eo0PBWN5Lj"
        "gPRApJAEEcri1m748yB77kWKFAbQfuzE+XxhFOWLP4oTRgaRMPaodp0NveRdYFOwGEbA2eLB4ulafQHNVWenAJOJ0xfDCd11MVpa"
        "qMNSd0rkbKE0p5RhIqSTiUUvnCCYbJ1+xidIq3G7bh0VtAfX+N69IhpfDvmIsdfxvdBHWhXK2G9ajmUFq5ZBqEVdZlPLxXTVC6jJ"
        "TH67Z64S7FPmujTwWeBSg7lNCzs4cBl2jBmkvQ5lSgLc9GwncIOmyyzbN13SpD71XdbEnsWI0wxMZjGT2ZbjmTo1udswiwZB4GEd"
        "O3JEyfhg73z9INEh54hG3hGtvHMatNc2iomFIyfvFULKQ3PgdEzTEOpt5oIHStljo/QVR1qbTO7tsna3C0SV1RUU9hV6C7bGmUfz"
        "Sin1GjvbPve/JVwbBh1d1LJcHZXQAStrKeykWLWjpbeypILCvsWbygQKCgoKh7mmP6JspSwzjigs9/Zf3/bwRRtLpbkFprXZxnBp"
        "Tq6K9g9JEBuVSlLBVDQa4uSEeJIRpyvEz6P53e2CfWIukEK+2jqo1pp23z0UkxQUFB4isrBTQdiw7JH7tQwGBTiUP1aWRMz56lgZ"
        "ZjdHYvbjYarp6emCp5oWOHn9+dtHHz92/Lurp/4sSqz61sSa21GUclSvzZKPAGxDn+L6bWm8vGp+tKuZPP8XH4yoFKyVeqZCmafh"
        "qk6wcLYKqlbQf2JaVyc="
    ),
}


# Damaged only where pypdf's text extractor tripped; PDFium reads the page (its xref is repaired).
PDF_FUZZ_READABLE = {"AssertionError"}


def pdf_fuzz_found() -> list[Case]:
    return [
        Case(
            f"pdf-fuzz-{kind.lower()}",
            f"fuzz-{kind}.pdf",
            zlib.decompress(base64.b64decode(blob)),
            "read" if kind in PDF_FUZZ_READABLE else "error",
        )
        for kind, blob in PDF_FUZZ_FOUND.items()
    ]


def _pdf_page_objects() -> list[bytes]:
    content = f"BT /F1 12 Tf 72 720 Td (Seen with {MARKER}) Tj ET".encode()
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]


def _encrypted_pdf() -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_document())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def fhir_cases() -> list[Case]:
    resources = fhir_resources()
    relative = resources[2]

    def varied(index: int, **changes: Any) -> bytes:
        changed = [dict(r) for r in resources]
        changed[index].update(changes)
        return fhir_bundle(*changed)

    deep = (
        '{"resourceType": "Observation", "comment": "'
        + MARKER
        + '", "x": '
        + "[" * 100_000
        + "]" * 100_000
        + "}"
    )
    medium = (
        '{"resourceType": "Observation", "comment": "' + MARKER + '", "x": ' + "[" * 900 + "]" * 900 + "}"
    )
    medium_objects = (
        '{"resourceType": "Observation", "comment": "'
        + MARKER
        + '", "x": '
        + '{"a":' * 900
        + "1"
        + "}" * 900
        + "}"
    )
    # fmt: off
    out = [
        Case("fhir-ok", "bundle.json", fhir_bundle(*resources), "read"),
        Case("fhir-bom", "bom.json", b"\xef\xbb\xbf" + fhir_bundle(*resources), "read"),
        Case("fhir-no-version-r4-profile", "profile.json", fhir_bundle(*resources, version=None), "read"),
        Case("fhir-root-list", "list.json", json.dumps([{"resourceType": "Patient", "name": MARKER}]).encode(), "error"),
        Case("fhir-root-string", "string.json", json.dumps('"resourceType" ' + MARKER).encode(), "error"),
        Case("fhir-root-null", "null.json", b'null', "error"),
        Case("fhir-resource-type-number", "rt-number.json", json.dumps({"resourceType": 5, "name": MARKER}).encode(), "error"),
        Case("fhir-resource-type-marker", "rt-marker.json", json.dumps({"resourceType": MARKER}).encode(), "error"),
        Case("fhir-resource-type-list", "rt-list.json", fhir_bundle({"resourceType": ["Patient"], "name": MARKER}), "error"),
        Case("fhir-meta-string", "meta.json", fhir_bundle(*resources, version=None, meta=MARKER), "read"),
        Case("fhir-resource-meta-string", "rmeta.json", varied(4, meta=MARKER), "read"),
        Case("fhir-profile-string", "profile-string.json", varied(0, meta={"profile": MARKER}), "read"),
        Case("fhir-security-string", "security.json", varied(4, meta={"security": MARKER}), "read"),
        Case("fhir-telecom-strings", "telecom.json", varied(2, telecom=["07700 900461", MARKER]), "error"),
        Case("fhir-telecom-value-number", "telecom-number.json", varied(2, telecom=[{"system": "phone", "value": 7700900461}]), "error"),
        Case("fhir-family-list", "family.json", varied(2, name=[{"family": ["Quarrington"], "given": ["Zebedee"]}]), "error"),
        Case("fhir-given-string", "given.json", varied(2, name=[{"family": "Quarrington", "given": "Zebedee"}]), "error"),
        Case("fhir-given-null-item", "given-null.json", varied(2, name=[{"family": "Quarrington", "given": ["Zebedee", None]}]), "read"),
        Case("fhir-name-string", "name.json", varied(2, name=MARKER), "error"),
        Case("fhir-name-items-strings", "name-items.json", varied(2, name=[MARKER]), "error"),
        Case("fhir-patient-name-object", "pname.json", varied(0, name={"text": MARKER}), "error"),
        Case("fhir-patient-family-number", "pfamily.json", varied(0, name=[{"family": 42, "given": ["Lena"]}]), "error"),
        Case("fhir-address-line-string", "line.json", varied(2, address=[{"line": MARKER}]), "error"),
        Case("fhir-address-string", "address.json", varied(0, address=MARKER), "error"),
        Case("fhir-contact-string", "contact.json", varied(0, contact=[MARKER]), "error"),
        Case("fhir-contact-name-list", "contact-name.json", varied(0, contact=[{"name": [{"text": MARKER}]}]), "error"),
        Case("fhir-identifier-strings", "identifier.json", varied(0, identifier=[MARKER]), "read"),
        Case("fhir-identifier-value-number", "identifier-number.json", varied(0, identifier=[{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": 9990001234}]), "read"),
        Case("fhir-birthdate-number", "birthdate.json", varied(0, birthDate=19900402), "read"),
        Case("fhir-entry-object", "entry-object.json", fhir_bundle(version="4.0.1", entry={"resource": relative}), "error"),
        Case("fhir-entry-string", "entry-string.json", fhir_bundle(version="4.0.1", entry=MARKER), "error"),
        Case("fhir-entry-item-string", "entry-item.json", fhir_bundle(version="4.0.1", entry=[MARKER]), "error"),
        Case("fhir-resource-list", "resource-list.json", fhir_bundle(version="4.0.1", entry=[{"resource": [relative]}]), "error"),
        Case("fhir-resource-null", "resource-null.json", fhir_bundle(version="4.0.1", entry=[{"resource": None}]), "error"),
        Case("fhir-comment-number", "comment-number.json", varied(4, comment=12345), "read"),
        Case("fhir-comment-list", "comment-list.json", varied(4, comment=[MARKER]), "error"),
        Case("fhir-comment-object", "comment-object.json", varied(4, comment={"text": MARKER}), "error"),
        Case("fhir-text-string", "text-string.json", varied(4, text=MARKER), "read"),
        Case("fhir-narrative-div-list", "div.json", varied(4, text={"div": [MARKER]}), "error"),
        Case("fhir-reference-list", "reference-list.json", varied(4, performer=[{"reference": ["RelatedPerson/r1"], "display": MARKER}]), "read"),
        Case("fhir-display-list", "display-list.json", varied(4, performer=[{"reference": "RelatedPerson/r1", "display": [MARKER]}]), "error"),
        Case("fhir-encounter-ref-object", "encounter-ref.json", varied(4, encounter={"reference": {"x": 1}}), "read"),
        Case("fhir-encounter-string", "encounter-string.json", varied(4, encounter=MARKER), "read"),
        Case("fhir-period-string", "period.json", varied(3, period=MARKER), "read"),
        Case("fhir-participant-string", "participant.json", varied(3, participant=MARKER), "read"),
        Case("fhir-coding-code-number", "code-number.json", varied(4, code={"coding": [{"system": "http://snomed.info/sct", "code": 162864005, "display": "BMI"}]}), "read"),
        Case("fhir-id-object", "id-object.json", varied(2, id={"x": MARKER}), "read"),
        Case("fhir-nulls-everywhere", "nulls.json", fhir_bundle(*[{k: (v if k == "resourceType" else None) for k, v in r.items()} for r in resources]), "read"),
        Case("fhir-null-entry", "null-entry.json", fhir_bundle(version="4.0.1", entry=None), "read"),
        Case("fhir-lone-surrogate", "surrogate.json", fhir_bundle(*resources).replace(b'"Came with', b'"\\ud800 Came with'), "error"),
        Case("fhir-lone-surrogate-key", "surrogate-key.json", fhir_bundle(*resources).replace(b'"comment"', b'"\\udfffcomment"'), "error"),
        Case("fhir-surrogate-pair", "pair.json", fhir_bundle(*resources).replace(b'"Came with', b'"\\ud83d\\ude00 Came with'), "read"),
        Case("fhir-huge-int", "huge-int.json", fhir_bundle(*resources).replace(b'"id": "o1"', b'"id": ' + b"9" * 5000), "error"),
        Case("fhir-huge-float", "huge-float.json", fhir_bundle(*resources).replace(b'"id": "o1"', b'"id": 1e99999'), "error"),
        Case("fhir-nan", "nan.json", fhir_bundle(*resources).replace(b'"id": "o1"', b'"id": NaN'), "error"),
        Case("fhir-deep-nesting", "deep.json", deep.encode(), "error"),
        Case("fhir-medium-nesting", "medium.json", medium.encode(), "error"),
        Case("fhir-medium-nesting-objects", "medium-objects.json", medium_objects.encode(), "error"),
        Case("fhir-unknown-version", "version.json", fhir_bundle(*resources, version=MARKER), "error"),
        Case("fhir-version-number", "version-number.json", fhir_bundle(*resources, version=4.01), "error"),
        Case("fhir-version-object", "version-object.json", fhir_bundle(*resources, version={"v": MARKER}), "error"),
        Case("fhir-invalid-json", "invalid.json", b'{"resourceType": "Bundle", "entry": [' + MARKER.encode() + b"]}", "error"),
        Case("fhir-invalid-utf8", "invalid-utf8.json", b'{"resourceType": "Observation", "comment": "\xff' + MARKER.encode() + b'"}', "error"),
        Case("fhir-utf16", "utf16.json", fhir_bundle(*resources).decode().encode("utf-16"), "error"),
        Case("fhir-trailing-data", "trailing.json", fhir_bundle(*resources) + b"\n" + MARKER.encode(), "error"),
        # attachments: whatever cannot be read becomes an unreadable finding, never dropped
        Case("fhir-attachment-content-type-number", "ct-number.json", fhir_attachment({"contentType": 7, "data": base64.b64encode(MARKER.encode()).decode()}), "read"),
        Case("fhir-attachment-content-type-marker", "ct-marker.json", fhir_attachment({"contentType": MARKER, "data": base64.b64encode(MARKER.encode()).decode()}), "read"),
        Case("fhir-attachment-bad-base64", "bad-b64.json", fhir_attachment({"contentType": "text/plain", "data": MARKER}), "read"),
        Case("fhir-attachment-data-number", "data-number.json", fhir_attachment({"contentType": "text/plain", "data": 12345}), "read"),
        Case("fhir-attachment-data-list", "data-list.json", fhir_attachment({"contentType": "text/plain", "data": [MARKER]}), "read"),
        Case("fhir-attachment-text-not-utf8", "latin1-attachment.json", fhir_attachment({"contentType": "text/plain", "data": base64.b64encode(MARKER.encode("utf-16")).decode()}), "read"),
        Case("fhir-attachment-pdf-garbage", "pdf-attachment.json", fhir_attachment({"contentType": "application/pdf", "data": base64.b64encode(b"%PDF-1.4\n" + MARKER.encode()).decode()}), "read"),
        Case("fhir-attachment-pdf-bomb", "pdf-bomb-attachment.json", fhir_attachment({"contentType": "application/pdf", "data": base64.b64encode(pdf_document(flate_bomb(100), b"/Filter /FlateDecode ")).decode()}), "read"),
        Case("fhir-attachment-url-number", "url-number.json", fhir_attachment({"contentType": "application/pdf", "url": 5}), "read"),
        Case("fhir-attachment-text", "text-attachment.json", fhir_attachment({"contentType": "text/plain", "data": base64.b64encode(MARKER.encode()).decode()}), "read"),
    ]
    # fmt: on
    return out


def gp2gp_cases() -> list[Case]:
    extract = gp2gp_extract()
    dtd = f'<?xml version="1.0"?>\n<!DOCTYPE RCMR_IN030000UK06 [<!ENTITY who "{MARKER}">]>\n'
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(10))
    body = gp2gp_composition
    # fmt: off
    return [
        Case("gp2gp-ok", "extract.xml", extract.encode(), "read"),
        Case("gp2gp-bom", "bom.xml", b"\xef\xbb\xbf" + extract.encode(), "read"),
        Case("gp2gp-leading-comment", "comment.xml", gp2gp_extract(prolog="<!-- exported 2024 -->\n").encode(), "read"),
        Case("gp2gp-leading-pi", "pi.xml", gp2gp_extract(prolog='<?xml version="1.0"?>\n<?xml-stylesheet href="x.xsl"?>\n<!-- c -->\n').encode(), "read"),
        Case("gp2gp-utf16-bom", "utf16.xml", gp2gp_extract(prolog='<?xml version="1.0" encoding="UTF-16"?>\n').encode("utf-16"), "read"),
        Case("gp2gp-utf16-be-bom", "utf16be.xml", b"\xfe\xff" + gp2gp_extract(prolog='<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16-be"), "read"),
        Case("gp2gp-utf16-no-declaration", "utf16-bare.xml", gp2gp_extract(prolog="").encode("utf-16"), "read"),
        Case("gp2gp-latin1-declared", "latin1.xml", gp2gp_extract(body("Café visit"), '<?xml version="1.0" encoding="ISO-8859-1"?>\n').encode("latin-1"), "read"),
        Case("gp2gp-encoding-lies", "lies.xml", gp2gp_extract(prolog='<?xml version="1.0" encoding="UTF-16"?>\n').encode(), "error"),
        Case("gp2gp-encoding-unknown", "unknown-encoding.xml", gp2gp_extract(prolog='<?xml version="1.0" encoding="x-zebedee-quarrington"?>\n').encode(), "error"),
        Case("gp2gp-dtd-internal-entity", "dtd.xml", (dtd + gp2gp_extract(body("Seen with &who;"), prolog="")).encode(), "error"),
        Case("gp2gp-dtd-external", "dtd-external.xml", ('<!DOCTYPE RCMR_IN030000UK06 SYSTEM "file:///etc/passwd">\n' + gp2gp_extract(prolog="")).encode(), "error"),
        Case("gp2gp-dtd-bare", "dtd-bare.xml", ("<!DOCTYPE RCMR_IN030000UK06>\n" + gp2gp_extract(prolog="")).encode(), "error"),
        Case("gp2gp-billion-laughs", "laughs.xml", (f"<!DOCTYPE RCMR_IN030000UK06 [{laughs}]>\n" + gp2gp_extract(body("&l9;"), prolog="")).encode(), "error"),
        Case("gp2gp-dtd-utf16", "dtd-utf16.xml", (dtd + gp2gp_extract(body("&who;"), prolog="")).encode("utf-16"), "error"),
        Case("gp2gp-undefined-entity", "entity.xml", gp2gp_extract(body("Seen with &Zebedee_Quarrington;")).encode(), "error"),
        Case("gp2gp-tag-mismatch", "mismatch.xml", gp2gp_extract(body("<Zebedee_Quarrington>x</Quarrington>")).encode(), "error"),
        Case("gp2gp-root-marker", "root.xml", f"<Zebedee_Quarrington><!-- RCMR_IN03 -->{MARKER}</Zebedee_Quarrington>".encode(), "error"),
        Case("gp2gp-no-extract", "no-extract.xml", f'<RCMR_IN030000UK06 xmlns="urn:hl7-org:v3"><x>{MARKER}</x></RCMR_IN030000UK06>'.encode(), "error"),
        Case("gp2gp-extract-root", "extract-root.xml", f'<EhrExtract xmlns="urn:hl7-org:v3">{body(MARKER)}</EhrExtract>'.encode(), "read"),
        Case("gp2gp-undeclared-prefix", "prefix.xml", gp2gp_extract(body(f"<hl7:b>{MARKER}</hl7:b>")).encode(), "error"),
        Case("gp2gp-control-char", "control.xml", gp2gp_extract(body(f"\x01{MARKER}")).encode(), "error"),
        Case("gp2gp-char-ref-control", "char-ref.xml", gp2gp_extract(body(f"&#1;{MARKER}")).encode(), "error"),
        Case("gp2gp-truncated", "truncated.xml", extract.encode()[: len(extract) * 2 // 3], "error"),
        Case("gp2gp-deep", "deep.xml", gp2gp_extract(body("<a>" * 300 + MARKER + "</a>" * 300)).encode(), "error"),
        Case("gp2gp-markup-in-text", "markup.xml", gp2gp_extract(body(f"Seen with <b>{MARKER}</b>")).encode(), "error"),
        Case("gp2gp-comment-in-text", "comment-in-text.xml", gp2gp_extract(body(f"Seen <!-- x --> with {MARKER}")).encode(), "error"),
        Case("gp2gp-cdata-text", "cdata.xml", gp2gp_extract(body(f"<![CDATA[Seen with {MARKER} <b>]]>")).encode(), "read"),
        Case("gp2gp-empty-text", "empty-text.xml", gp2gp_extract(body("")).encode(), "read"),
        Case("gp2gp-no-compositions", "no-compositions.xml", gp2gp_extract("").encode(), "read"),
        Case("gp2gp-repeated-text", "repeated.xml", gp2gp_extract(body(f"one</text><text>{MARKER}</text><text>three")).encode(), "read"),
        Case("gp2gp-missing-ids", "missing.xml", gp2gp_extract(f"<component><ehrComposition><availabilityTime/><author/><text>{MARKER}</text></ehrComposition></component>").encode(), "read"),
        Case("gp2gp-odd-dates", "dates.xml", gp2gp_extract(body(MARKER).replace('value="20240501"', 'value="2024"')).encode(), "read"),
        Case("gp2gp-nested-compositions", "nested.xml", gp2gp_extract(body(MARKER).replace("<component><NarrativeStatement>", body(MARKER) + "<component><NarrativeStatement>")).encode(), "read"),
        Case("gp2gp-code-attributes-only", "code.xml", gp2gp_extract(body(MARKER, code=MARKER)).encode(), "read"),
        Case("gp2gp-not-xml", "not-xml.xml", ("RCMR_IN03 " + MARKER).encode(), "error"),
        Case("gp2gp-two-roots", "two-roots.xml", (extract + f"<x>{MARKER}</x>").encode(), "error"),
    ]
    # fmt: on


def docx_cases() -> list[Case]:
    members = docx_members()
    xml_members = [(n, d) for n, d in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS))]
    dtd = f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY who "{MARKER}">]>'.encode()
    bomb = flate_bomb(200)[2:-4]  # raw deflate
    lying = [*members[:2], ("word/document.xml", _deflated(b"<" * 5_000_000), 8, 100, 0)]
    # fmt: off
    return [
        Case("docx-ok", "letter.docx", docx_package(), "read"),
        Case("docx-by-hand", "by-hand.docx", raw_zip(members), "read"),
        Case("docx-not-zip", "not-zip.docx", MARKER.encode() * 10, "error"),
        Case("docx-truncated", "truncated.docx", docx_package()[:300], "error"),
        Case("docx-no-document", "no-document.docx", zip_package(xml_members), "error"),
        Case("docx-empty-zip", "empty-zip.docx", zip_package([]), "error"),
        Case("docx-malformed-document", "malformed.docx", docx_package(docx_body(f"<w:p><w:r><w:t>{MARKER}</w:r>")), "error"),
        Case("docx-undefined-entity", "entity.docx", docx_package(docx_body(f"<w:p><w:r><w:t>&Zebedee_Quarrington;{MARKER}</w:t></w:r></w:p>")), "error"),
        Case("docx-dtd-document", "dtd.docx", docx_package(dtd + docx_body(docx_paragraph("Seen with &who;")).split(b"?>", 1)[1]), "error"),
        Case("docx-dtd-content-types", "dtd-types.docx", zip_package([("[Content_Types].xml", CONTENT_TYPES.replace(b"?>", b"?><!DOCTYPE Types>", 1)), ("_rels/.rels", PACKAGE_RELS), ("word/document.xml", docx_body(docx_paragraph(MARKER)))]), "error"),
        Case("docx-dtd-utf16", "dtd-utf16.docx", docx_package((dtd + docx_body(docx_paragraph("&who;")).split(b"?>", 1)[1]).decode().replace('version="1.0"?>', 'version="1.0" encoding="UTF-16"?>').encode("utf-16")), "error"),
        Case("docx-wrong-root", "wrong-root.docx", docx_package(f'<w:p xmlns:w="{W}"><w:r><w:t>{MARKER}</w:t></w:r></w:p>'.encode()), "error"),
        Case("docx-no-body", "no-body.docx", docx_package(f'<w:document xmlns:w="{W}"/>'.encode()), "error"),
        Case("docx-zip-bomb", "bomb.docx", raw_zip([*members[:2], ("word/document.xml", bomb, 8, 200 * 1_048_576, 0)]), "error"),
        Case("docx-zip-bomb-many", "bomb-many.docx", raw_zip([*members, *((f"word/media/x{n}.bin", bomb[:200], 8, 40 * 1_048_576, 0) for n in range(5))]), "error"),
        Case("docx-size-lies", "size-lies.docx", raw_zip(lying), "error"),
        Case("docx-bad-crc", "bad-crc.docx", raw_zip([*members[:2], (*members[2][:4], 12345)]), "error"),
        Case("docx-bad-deflate", "bad-deflate.docx", raw_zip([*members[:2], ("word/document.xml", _garbage(3, 300), 8, 3000, 0)]), "error"),
        Case("docx-unknown-method", "method.docx", raw_zip([*members[:2], (members[2][0], members[2][1], 99, *members[2][3:])]), "error"),
        Case("docx-encrypted-flag", "encrypted.docx", _flag_encrypted(raw_zip(members)), "error"),
        Case("docx-zip-version", "zip-version.docx", raw_zip(members, version=255), "error"),
        Case("docx-many-members", "many.docx", raw_zip([*members, *((f"x/{n}", b"", 0, 0, 0) for n in range(20_000))]), "error"),
        Case("docx-table-oddities", "table.docx", docx_package(docx_body(
            '<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:tcPr><w:gridSpan w:val="9"/></w:tcPr>'
            f"{docx_paragraph(MARKER)}</w:tc><w:tc/></w:tr><w:tr/></w:tbl>")), "read"),
        Case("docx-vmerge-without-start", "vmerge.docx", docx_package(docx_body(
            '<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>'
            f"{docx_paragraph(MARKER)}</w:tc></w:tr></w:tbl>")), "error"),
        Case("docx-bad-relationship", "bad-rel.docx", docx_package(docx_body(docx_paragraph(MARKER)), [("word/_rels/document.xml.rels", PACKAGE_RELS.replace(b"officeDocument\" Target=\"word/document.xml", b"header\" Target=\"missing.xml"))]), "error"),
    ]
    # fmt: on


def _flag_encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' flag on every member, as a password-protected zip has."""
    out = bytearray(data)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := out.find(signature, start)) >= 0:
            out[start + flag_at] |= 1
            start += 4
    return bytes(out)


def csv_cases() -> list[Case]:
    good = csv_journal(JOURNAL)
    # fmt: off
    return [
        Case("csv-ok", "journal.csv", good, "read"),
        Case("csv-bom", "bom.csv", b"\xef\xbb\xbf" + good, "read"),
        Case("csv-only-bom", "only-bom.csv", b"\xef\xbb\xbf", "error"),
        Case("csv-bom-newlines", "bom-newlines.csv", b"\xef\xbb\xbf\r\n\r\n", "error"),
        Case("csv-header-only", "header.csv", csv_journal([]), "read"),
        Case("csv-semicolons", "semicolons.csv", good.replace(b",", b";"), "read"),
        Case("csv-ragged-short", "ragged.csv", csv_journal([*JOURNAL, ["01/05/2024", MARKER]]), "error"),
        Case("csv-ragged-long", "ragged-long.csv", csv_journal([[*JOURNAL[1], MARKER]]), "error"),
        Case("csv-nul-early", "nul.csv", good + b"\x00" + MARKER.encode(), "error"),
        Case("csv-nul-after-8k", "nul-late.csv", csv_journal(JOURNAL * 100) + b'01/05/2024,Dr A,,,"\x00' + MARKER.encode() + b'"\r\n', "error"),
        Case("csv-huge-field", "huge-field.csv", csv_journal([[*JOURNAL[0][:4], MARKER * 10_000]]), "error"),
        Case("csv-undecodable", "latin1.csv", csv_journal([[*JOURNAL[0][:4], "Café"]]).replace(b"\xc3\xa9", b"\xe9"), "error"),
        Case("csv-formula", "formula.csv", csv_journal([[*JOURNAL[0][:4], f'=HYPERLINK("http://x.invalid","{MARKER}")'], ["@SUM(1)", "+1", "-1", "=1", "\t=2"]]), "read"),
        Case("csv-unbalanced-quote", "quote.csv", good + b'01/05/2024,Dr A,,,"' + MARKER.encode(), "error"),
        Case("csv-quote-in-unquoted", "quote-mid.csv", good + b'01/05/2024,Dr A,,,Zebedee "Q" Quarrington\r\n', "read"),
        Case("csv-no-text-column", "no-text.csv", csv_journal([[MARKER]], header=("Name",)), "error"),
        Case("csv-marker-header", "marker-header.csv", csv_journal([["x"]], header=(MARKER,)), "error"),
        Case("csv-duplicate-headers", "dup.csv", csv_journal([["a", "b", MARKER]], header=("Text", "Text", "Term")), "read"),
        Case("csv-empty-header-row", "empty-header.csv", b"\r\n" + good, "error"),
        Case("csv-blank-lines", "blank-lines.csv", good.replace(b"\r\n", b"\r\n\r\n"), "read"),
        Case("csv-lone-cr", "cr.csv", good.replace(b"\r\n", b"\r"), "read"),
        Case("csv-utf16", "utf16.csv", good.decode().encode("utf-16"), "error"),
        Case("csv-many-columns", "wide.csv", csv_journal([["x"] * 5000], header=("Text", *(f"c{n}" for n in range(4999)))), "read"),
        Case("csv-sniffer-bait", "sniff.csv", ('"' + '","'.join(["Text", "a'b", '"', "'"]) + '"\r\n').encode() + b"'''\"\"\",,,\r\n" * 50, "error"),
    ]
    # fmt: on


def png(width: int, height: int, body: bytes = b"") -> bytes:
    """A PNG whose header claims any size; `body` stands in for its image data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def image_cases() -> list[Case]:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (400, 300), 255).save(buffer, "PNG")
    good = buffer.getvalue()
    frames = io.BytesIO()
    Image.new("1", (8, 8), 1).save(frames, "TIFF", save_all=True, append_images=[Image.new("1", (8, 8), 1)] * 600)
    return [
        Case("png-blank-page", "blank.png", good, "read"),
        Case("png-truncated", "truncated.png", good[: len(good) // 2], "error"),
        Case("png-pixel-bomb", "bomb.png", png(100_000, 100_000, b"\x78\x9c" + b"\x00" * 64), "error"),
        Case("png-zero-size", "zero.png", png(0, 0), "error"),
        Case("tiff-too-many-frames", "frames.tif", frames.getvalue(), "error"),
    ]


def cases() -> list[Case]:
    """The whole CI corpus; names are unique."""
    out = [
        *generic_cases(),
        *text_cases(),
        *pdf_cases(),
        *pdf_fuzz_found(),
        *fhir_cases(),
        *gp2gp_cases(),
        *docx_cases(),
        *csv_cases(),
        *image_cases(),
    ]
    names = [c.name for c in out]
    assert len(names) == len(set(names)), "case names are unique"
    return out


# --- large files for benchmarks (never built in CI) ----------------------------


def big_cases(folder: Path) -> Iterator[Case]:
    """Write each large case into `folder` as it is asked for; yields it with empty
    `data` (read the file at folder / case.filename)."""
    folder.mkdir(parents=True, exist_ok=True)

    path = folder / "single-line-20mb.txt"
    with path.open("wb") as handle:
        sentence = f"Seen with {MARKER}, her neighbour, who brought her in today and waited. ".encode()
        for _ in range(20 * 1_048_576 // len(sentence)):
            handle.write(sentence)
        handle.write(b"\n")
    yield Case("big-single-line-text", path.name, b"", "read")

    path = folder / "journal-1m-rows.csv"
    with path.open("wb") as handle:
        handle.write(b"Date,Text\r\n")
        row = b"01/05/2024,Seen today\r\n"
        handle.writelines(row for _ in range(1_000_000))
    yield Case("big-csv-1m-rows", path.name, b"", "read")

    path = folder / "short-lines-200k.txt"
    with path.open("wb") as handle:
        handle.write(text_record().encode())
        handle.writelines(f"Line {n}: BP fine.\n".encode() for n in range(200_000))
    yield Case("big-200k-short-lines", path.name, b"", "read")
