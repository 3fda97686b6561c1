"""Coverage-guided fuzzing of one reader with atheris (never run in CI).

    python fuzz/run.py READER [--seconds N] [--corpus DIR] [-- LIBFUZZER_ARGS...]

READER is one of text, pdf, fhir, gp2gp, csv, docx, png, tiff, or docx-body (the
input is word/document.xml inside a sound package, so mutations reach python-docx
rather than break the zip). An image that decodes is OCR'd, about a second an
input, so png and tiff find most in Pillow's decoders and redactor's limits. Each input goes through `load_document` as a file of that
type; the target fails on any exception other than IngestError, and on an
IngestError whose message is not one line. Seeds are the hostile corpus
(tests/hostile.py) for that file type. A failing input is saved as crash-<sha1>
in the working folder (see fuzz/README.md).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.hostile, for the seeds

SUFFIX = {"text": ".txt", "pdf": ".pdf", "fhir": ".json", "gp2gp": ".xml", "csv": ".csv", "docx": ".docx",
          "docx-body": ".docx", "png": ".png", "tiff": ".tif"}  # fmt: skip
# Words libFuzzer may splice in: the names each reader looks for.
TOKENS = {
    "text": ["Name:", "DOB:", "NHS No:", "Address:", "12-Mar-2024 10:32", "Dr ", "Re:", "\r\n", "\ufeff", "\t"],
    "pdf": ["%PDF-1.4", "obj", "endobj", "stream", "endstream", "xref", "trailer", "startxref", "/Type",
            "/Pages", "/Page", "/Kids", "/Count", "/Contents", "/Length", "/Filter", "/FlateDecode", "/Root",
            "/Encrypt", "/Prev", "/ObjStm", "/XRefStm", "BT", "ET", "Tj", "TJ", "Tf", "<<", ">>", "R"],
    "fhir": ['"resourceType"', '"Bundle"', '"entry"', '"resource"', '"Patient"', '"RelatedPerson"', '"name"',
             '"given"', '"family"', '"telecom"', '"address"', '"contact"', '"reference"', '"display"',
             '"contentType"', '"data"', '"url"', '"text"', '"div"', '"comment"', '"meta"', '"fhirVersion"',
             '"4.0.1"', '"3.0.1"', "null", "[]", "{}", '"\\ud800"', "1e999", '"application/pdf"'],
    "gp2gp": ["<RCMR_IN030000UK06", "<EhrExtract", "<ehrComposition", "<text>", "</text>", "<originalText>",
              "<code ", 'displayName="', 'codeSystem="', "<Agent", "<agentPerson", "<!DOCTYPE", "<!ENTITY",
              "<![CDATA[", "<!--", "-->", "<?xml", 'encoding="UTF-16"', "&amp;", "&#"],
    "csv": ["Date", "Clinician", "Code", "Term", "Text", "Consultation ID", "NHS Number", "Next of Kin", '"',
            '""', ",", ";", "\t", "|", "\r\n", "\x00"],
    "docx-body": ["<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", "<w:tbl>", "<w:tr>", "<w:tc>",
                  "<w:tcPr>", '<w:gridSpan w:val="2"/>', "<w:vMerge/>", '<w:vMerge w:val="restart"/>', "<w:hyperlink>",
                  "<w:sectPr>", "<w:headerReference", "<w:sdt>", "<w:sdtContent>", "<w:ins>", "<w:del>",
                  "<w:body>", "</w:body>", "<!DOCTYPE", "&#", "<![CDATA["],
    "png": ["\x89PNG\r\n\x1a\n", "IHDR", "IDAT", "IEND", "PLTE", "tRNS", "tEXt", "zTXt", "iTXt", "pHYs", "eXIf",
            "acTL", "fcTL", "\x00\x00\x00\x0d", "\x78\x9c"],
    "tiff": ["II*\x00", "MM\x00*", "\x00\x01", "\x01\x00", "\x03\x00", "\x04\x00", "\x11\x01", "\x17\x01",
             "\x12\x01", "\x03\x01", "\xff\xff\xff\xff"],
    "docx": ["PK\x03\x04", "PK\x01\x02", "PK\x05\x06", "[Content_Types].xml", "word/document.xml", "_rels/.rels",
             "<w:p>", "<w:r>", "<w:t>", "<w:tbl>", "<w:tr>", "<w:tc>", "<w:gridSpan", "<w:vMerge", "<!DOCTYPE"],
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("reader", choices=sorted(SUFFIX))
    parser.add_argument("--seconds", type=int, default=60, help="how long to fuzz (default 60)")
    parser.add_argument(
        "--corpus", type=Path, help="keep the growing corpus here (default: a temporary folder)"
    )
    parser.add_argument("libfuzzer", nargs="*", help="extra libFuzzer arguments, after --")
    args = parser.parse_args()

    with atheris.instrument_imports(include=["redactor", "pypdf", "docx", "PIL"]):
        from redactor.ingest import IngestError, InputFile, load_document

    from tests.hostile import cases, docx_package

    suffix = SUFFIX[args.reader]
    wrap = docx_package if args.reader == "docx-body" else bytes
    work = Path(tempfile.mkdtemp(prefix=f"fuzz-{args.reader}-"))
    corpus = args.corpus or work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for case in cases():
        if case.filename.endswith(suffix) and case.data:
            seed = _document_xml(case.data) if args.reader == "docx-body" else case.data
            if seed:
                (corpus / case.name).write_bytes(seed)
    tokens = work / "tokens.dict"
    tokens.write_text("".join(f'"{_escape(t)}"\n' for t in TOKENS[args.reader]))
    target = work / f"input{suffix}"
    source = InputFile(target, target.name)

    def test_one_input(data: bytes) -> None:
        target.write_bytes(wrap(data))
        try:
            load_document(source)
        except IngestError as exc:
            if not str(exc) or "\n" in str(exc):
                raise AssertionError("an IngestError message must be one line") from exc

    argv = [sys.argv[0], str(corpus), f"-max_total_time={args.seconds}", f"-dict={tokens}", "-timeout=20",
            "-rss_limit_mb=3072", "-max_len=200000", *args.libfuzzer]  # fmt: skip
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


def _document_xml(package: bytes) -> bytes | None:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(package)) as docx:
            return docx.read("word/document.xml")
    except Exception:  # a hostile seed that is not a sound package
        return None


def _escape(token: str) -> str:
    return "".join(
        c if 32 <= ord(c) < 127 and c not in '"\\' else f"\\x{b:02x}" for c in token for b in c.encode()
    )


if __name__ == "__main__":
    main()
