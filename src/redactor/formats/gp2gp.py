"""GP2GP HL7 v3 EHR extracts (RCMR_IN030000UK06 and UK07).

Each `ehrComposition` is an entry, dated by its availability time and authored by
the agent its `author` (else its responsible `Participant2`) points to in the
folder's agent directory. Its text is every `text` and `originalText` element and
every code's `displayName`. The patient is known by the NHS number in
`recordTarget`; GP2GP carries no patient name, so that comes from the command line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from ..ingest.errors import IngestError
from ..ingest.structured import TextBuilder, place_unreadable
from ..model import Document, Patient
from . import Parsed, Replacement, splice

INTERACTIONS = ("RCMR_IN030000UK06", "RCMR_IN030000UK07", "EhrExtract")
SNOMED_OID = "2.16.840.1.113883.2.1.3.2.4.15"
READ_V2_OIDS = frozenset({"2.16.840.1.113883.2.1.6.2", "2.16.840.1.113883.2.1.3.2.4.14"})
TEXT_ELEMENTS = frozenset({"text", "originalText"})
CONFIDENTIAL = frozenset({"NOPAT", "NOSCRUB"})
NOT_TEXT = frozenset({"author", "Participant2", "location", "participant", "confidentialityCode"})


def parser() -> etree.XMLParser:
    # Records come from outside: no entity expansion, no network, no huge trees.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=False)


DTD_REFUSED = "XML with a document type declaration (DTD) is refused: entities could hide text from the scan"
# libxml2's error names (ERR_TAG_NAME_MISMATCH), never its messages, which quote the input.
XML_ERRORS = {
    getattr(etree.ErrorTypes, name): name.removeprefix("ERR_").lower().replace("_", " ")
    for name in dir(etree.ErrorTypes)
    if name.isupper()
}


def parse_xml(data: bytes) -> etree._ElementTree:
    """A record's XML, or an IngestError that gives only where and what kind of problem.

    A DTD is refused whatever it declares: an entity could carry a third party's name
    past the scan (it is not in the text the scan reads) and every XML reader would
    expand it back into the released copy.
    """
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser()))
    except etree.XMLSyntaxError as exc:
        if declares_dtd(data):
            raise IngestError(DTD_REFUSED) from None
        line, column = exc.position if exc.position else (0, 0)
        reason = XML_ERRORS.get(exc.code, "syntax error")
        raise IngestError(f"not well-formed XML at line {line} column {column} ({reason})") from None
    except (ValueError, LookupError) as exc:  # lxml's own checks, e.g. an unknown encoding
        raise IngestError(f"not readable XML ({type(exc).__name__})") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None or tree.docinfo.system_url:
        raise IngestError(DTD_REFUSED)
    return tree


def declares_dtd(data: bytes) -> bool:
    return any("<!DOCTYPE".encode(encoding) in data for encoding in ("utf-8", "utf-16-le", "utf-16-be"))


def _local(element: Any) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def read(data: bytes, options: object = None) -> Parsed:
    tree = parse_xml(data)
    root = tree.getroot()
    if _local(root) not in INTERACTIONS:
        raise IngestError(
            "not a GP2GP EHR extract (the root element is not RCMR_IN030000UK06, UK07 or EhrExtract)"
        )
    extract = root if _local(root) == "EhrExtract" else _first(root, "EhrExtract")
    if extract is None:
        raise IngestError("no EhrExtract element in the message")
    builder = TextBuilder()
    document = Document(path="", sha256="", text="", format="gp2gp")
    nhs = _first(extract, "recordTarget")
    patient_id = _first(nhs, "id") if nhs is not None else None
    nhs_number = patient_id.get("extension", "") if patient_id is not None else ""
    if re.fullmatch(r"\d{10}", nhs_number):
        document.patient = Patient(nhs_number=nhs_number)
    agents = _agents(extract)
    document.authors = sorted({name for name in agents.values() if name})
    unreadable: list[tuple[str | None, str]] = []
    path = _path_finder()
    for number, composition in enumerate(_all(extract, "ehrComposition"), start=1):
        comp_id = _first(composition, "id")
        entry_id = f"ehrComposition/{comp_id.get('root') if comp_id is not None else number}"
        builder.begin_entry(entry_id, _date(composition), _author(composition, agents))
        _composition(composition, builder, unreadable, path)
        if any(c.get("code") in CONFIDENTIAL for c in _all(composition, "confidentialityCode")):
            document.withheld_entries.append(entry_id)
    builder.fill(document)
    document.unreadable_spans = place_unreadable(document, unreadable)
    return Parsed(document, builder.fields, lambda: _dump(tree, data))


def _dump(tree: etree._ElementTree, original: bytes) -> bytes:
    declaration = original.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<?xml")
    return etree.tostring(tree, xml_declaration=declaration, encoding="UTF-8")


def _composition(
    composition: Any,
    builder: TextBuilder,
    unreadable: list[tuple[str | None, str]],
    path: Callable[[Any], str],
) -> None:
    # Who wrote it and where it happened are not the record's text ("Healthcare related organisation").
    # (The set holds the elements themselves: lxml proxies can reuse a freed id().)
    skip = {e for holder in composition.iter() if _local(holder) in NOT_TEXT for e in holder.iter()}
    for element in composition.iter():
        if element in skip:
            continue
        name = _local(element)
        if name == "code" or (name == "value" and element.get("displayName")):
            where = path(element)
            code = element.get("code")
            system = element.get("codeSystem")
            coded = code if system == SNOMED_OID or system in READ_V2_OIDS else None
            shown = None
            if element.get("displayName"):
                shown = builder.add(
                    element.get("displayName"),
                    f"{where}/@displayName",
                    _attribute(element, "displayName"),
                    coded,
                    kind="term",
                )
            if coded:
                builder.add_code(coded, where, shown)
        elif name in TEXT_ELEMENTS or (name == "value" and len(element) == 0):
            if any((c.text or "").strip() or (c.tail or "").strip() for c in element.iterdescendants()):
                # Text inside or after a child element, comment or instruction is not the
                # element's text: the scan would not read it, and the released copy keeps it.
                raise IngestError(
                    f"a {name} element holds markup or a comment with text (line {element.sourceline}): "
                    "its text cannot be read whole"
                )
            parent = element.getparent()
            code = parent.get("code") if parent is not None and _local(parent) == "code" else None
            if element.text:
                builder.add(element.text, path(element), _text(element), code)
        elif name == "referredToExternalDocument":
            unreadable.append(
                (builder.current_entry, "the entry refers to an attachment stored outside this extract: "
                 "fetch it and check it by hand")
            )  # fmt: skip


def _text(element: Any) -> Any:
    def write(replacements: list[Replacement]) -> None:
        element.text = splice(element.text, replacements)

    return write


def _attribute(element: Any, name: str) -> Any:
    def write(replacements: list[Replacement]) -> None:
        element.set(name, splice(element.get(name), replacements))

    return write


def _agents(extract: Any) -> dict[str, str]:
    """Agent id -> "Dr Given Family" from the folder's agent directory."""
    agents: dict[str, str] = {}
    for agent in _all(extract, "Agent"):
        person = _first(agent, "agentPerson")
        name = _first(person, "name") if person is not None else None
        if name is None:
            continue
        words = [
            (child.text or "").strip() for child in name if _local(child) in ("prefix", "given", "family")
        ]
        full = " ".join(w for w in words if w)
        for identifier in _all(agent, "id"):
            if identifier.get("root"):
                agents[identifier.get("root")] = full
    return agents


def _author(composition: Any, agents: dict[str, str]) -> str | None:
    for role in ("author", "Participant2"):
        for holder in composition:
            if _local(holder) != role:
                continue
            ref = next((e for e in holder.iter() if _local(e) == "id" and e.get("root") in agents), None)
            if ref is not None:
                return agents[ref.get("root")]
    return None


def _date(composition: Any) -> str | None:
    for name in ("availabilityTime", "time"):
        for element in composition.iter():
            if _local(element) == name and (value := element.get("value")) and len(value) >= 8:
                return f"{value[:4]}-{value[4:6]}-{value[6:8]}"
    return None


def _first(element: Any, name: str) -> Any:
    return next((e for e in element.iter() if _local(e) == name), None)


def _all(element: Any, name: str) -> list[Any]:
    return [e for e in element.iter() if _local(e) == name]


def _path_finder() -> Callable[[Any], str]:
    """path(element): /RCMR_IN030000UK06/.../ehrComposition[3]/component[2]/NarrativeStatement/text,
    without namespaces. Each parent's children are numbered once, so an extract with
    thousands of siblings is not read in quadratic time."""
    steps: dict[Any, dict[Any, str]] = {}  # parent -> child -> its step

    def step(node: Any) -> str:
        parent = node.getparent()
        if parent is None:
            return _local(node)
        if parent not in steps:
            counts: dict[str, int] = {}
            for child in parent:
                counts[_local(child)] = counts.get(_local(child), 0) + 1
            seen: dict[str, int] = {}
            numbered = {}
            for child in parent:
                name = _local(child)
                seen[name] = seen.get(name, 0) + 1
                numbered[child] = f"{name}[{seen[name]}]" if counts[name] > 1 else name
            steps[parent] = numbered
        return steps[parent][node]

    def path(element: Any) -> str:
        names = []
        node = element
        while node is not None:
            names.append(step(node))
            node = node.getparent()
        return "/" + "/".join(reversed(names))

    return path


def texts(data: bytes) -> str:
    """Every text node and attribute value of an output, for the leak check."""
    root = parse_xml(data).getroot()
    out = []
    for element in root.iter():
        out.extend(v for v in element.attrib.values())
        out.extend(t for t in (element.text, element.tail) if t and t.strip())
    return "\n".join(out)
