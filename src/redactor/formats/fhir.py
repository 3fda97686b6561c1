"""GP Connect Access Record: Structured (FHIR STU3) and UK Core (FHIR R4) bundles.

Who is who comes from the resources: the subject `Patient` is the patient, every
`Practitioner` a professional, every `RelatedPerson` (and any other `Patient`) a
known third party, whose name is then flagged wherever the free text mentions it.
Text comes from every free-text field of the clinical resources; an `Encounter`
(consultation) is an entry holding every resource that points to it, directly or
through its consultation `List`; any other resource is an entry of its own.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import math
import re
from collections.abc import Iterator
from typing import Any

from ..ingest.errors import IngestError
from ..ingest.structured import TextBuilder, place_unreadable
from ..model import Document, Patient
from . import Field, Parsed, Replacement, splice

SNOMED = "http://snomed.info/sct"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
# Free-text keys of clinical resources (Annotation.text, CodeableConcept.text and
# dosage text are all "text").
TEXT_KEYS = frozenset({"text", "comment", "description", "valueString", "title", "patientInstruction"})
# Resources that say who someone is, or what a drug is, rather than what happened.
IDENTITY_TYPES = frozenset(
    {
        "Patient",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "Location",
        "Device",
        "Medication",
        "Binary",
    }
)
PERSON_TYPES = frozenset({"RelatedPerson", "Person"})
DATE_KEYS = (
    "effectiveDateTime", "issued", "assertedDate", "recordedDate", "onsetDateTime", "authoredOn",
    "dateAsserted", "date", "created", "indexed", "occurrenceDateTime",
)  # fmt: skip
AUTHOR_KEYS = ("performer", "recorder", "asserter", "requester", "author", "participant", "informationSource")
TEXT_CONTENT_TYPES = re.compile(r"^text/|^application/(?:xml|json|rtf)\b", re.I)
CONFIDENTIAL = frozenset({"NOPAT", "R", "V"})
URI = re.compile(r"^(?:[a-z][a-z0-9+.\-]*://|urn:)\S*$", re.I)


# Real bundles nest about 15 levels; far deeper is a hostile file, and the reader walks by recursion.
MAX_DEPTH = 100
# Decoded attachment data read for text; beyond it the attachment is left for a person to check.
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
RESOURCE_TYPE = re.compile(r"[A-Z][A-Za-z]{0,63}")
MIME_TYPE = re.compile(r"[\w.+-]{1,60}/[\w.+-]{1,60}")


def read(data: bytes, options: object = None) -> Parsed:
    """Any bytes give the record or an IngestError naming the problem (a field, an
    entry, a line), never quoting a value."""
    root = _load(data)
    if not isinstance(root, dict) or "resourceType" not in root:
        raise IngestError("not a FHIR resource (no resourceType at the top level)")
    if not isinstance(root["resourceType"], str) or not RESOURCE_TYPE.fullmatch(root["resourceType"]):
        raise IngestError("not a FHIR resource (its resourceType is not a resource type name)")
    resources, places = _resources(root)
    version = fhir_version(root, resources)
    reader = _Reader(resources, version, places)
    document = reader.read()
    indent = 1 if b"\n" in data[:200] else None
    return Parsed(document, reader.fields, lambda: _dump(root, indent))


def _load(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"not valid UTF-8 (undecodable byte at offset {exc.start})") from None
    try:
        root = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise IngestError(f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise IngestError(f"not valid FHIR: JSON nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:  # an integer past Python's 4,300-digit limit
        raise IngestError("not valid FHIR: a number too long to read") from None
    _check_tree(root)
    return root


def _not_json(name: str) -> Any:
    raise IngestError("not valid JSON: NaN and Infinity are not JSON numbers")


def _finite(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        raise IngestError("not valid FHIR: a number too large to read")
    return value


def _check_tree(root: Any) -> None:
    """Refuse nesting the reader cannot walk and strings that cannot be written back:
    JSON's \\ud800 escape gives a lone surrogate, which no UTF-8 output can hold."""
    stack = [(root, 1)] if isinstance(root, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise IngestError(f"not valid FHIR: JSON nested more than {MAX_DEPTH} levels deep")
        for item in (*node.keys(), *node.values()) if isinstance(node, dict) else node:
            if isinstance(item, dict | list):
                stack.append((item, depth + 1))
            elif isinstance(item, str) and not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    raise IngestError(
                        "not valid FHIR: a string holds an unpaired surrogate (a \\ud800-\\udfff escape)"
                    ) from None


def _dump(root: Any, indent: int | None) -> bytes:
    return (json.dumps(root, indent=indent, ensure_ascii=False) + "\n").encode("utf-8")


def _resources(root: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The bundle's resources, each with where it is for messages ("entry[3]")."""
    if root["resourceType"] != "Bundle":
        return [root], ["the resource"]
    entries = root.get("entry")
    if entries is None:
        return [], []
    if not isinstance(entries, list):
        raise IngestError("not valid FHIR: the Bundle's 'entry' is not a list")
    out = []
    for index, item in enumerate(entries):
        resource = item.get("resource") if isinstance(item, dict) else None
        if resource is None and isinstance(item, dict) and "resourceType" in item:
            resource = item  # a published example puts one resource straight in the entry
        if not isinstance(resource, dict) or "resourceType" not in resource:
            raise IngestError(f"Bundle entry[{index}] has no resource with a resourceType")
        kind = resource["resourceType"]
        if not isinstance(kind, str) or not RESOURCE_TYPE.fullmatch(kind):
            raise IngestError(
                f"not valid FHIR: Bundle entry[{index}] resourceType is not a resource type name"
            )
        out.append(resource)
    return out, [f"entry[{index}]" for index in range(len(out))]


def fhir_version(root: dict[str, Any], resources: list[dict[str, Any]]) -> str:
    """ "stu3" or "r4", from the profiles the resources declare, else from their shape."""
    declared = root.get("fhirVersion") or _obj(root.get("meta")).get("fhirVersion")
    if declared:
        if isinstance(declared, str) and declared.startswith("3.0"):
            return "stu3"
        if isinstance(declared, str) and declared.startswith("4.0"):
            return "r4"
        raise IngestError("unknown FHIR version in fhirVersion (redactor reads STU3 3.0.x and R4 4.0.x)")
    profiles = " ".join(
        p for r in [root, *resources] for p in _list(_obj(r.get("meta")).get("profile")) if isinstance(p, str)
    )
    if re.search(r"/STU3/|CareConnect", profiles):
        return "stu3"
    if re.search(r"UKCore|/R4/", profiles):
        return "r4"
    if re.search(r"DSTU2|/R4B/|/R5/|/R6/", profiles):
        raise IngestError("unknown FHIR version in meta.profile (redactor reads STU3 and R4)")
    types = {r["resourceType"] for r in resources}
    if types & {"ReferralRequest", "ProcedureRequest"} or any(
        "context" in r or "assertedDate" in r
        for r in resources
        if r["resourceType"] in ("Observation", "Condition")
    ):
        return "stu3"
    if types & {"ServiceRequest"} or any(
        "encounter" in r or "recordedDate" in r
        for r in resources
        if r["resourceType"] in ("Observation", "Condition")
    ):
        return "r4"
    if types <= {"Binary", "Bundle"}:
        return "r4"  # a Binary reads the same in both
    raise IngestError(
        "unknown FHIR version: no STU3 or R4 profile, fhirVersion or version-specific field found"
    )


def _obj(value: Any) -> dict[str, Any]:
    """An object the reader only takes details from (dates, references, labels): of any
    other type it holds nothing to read."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check_person(resource: dict[str, Any], at: str) -> None:
    """Refuse a person whose name, telecom or address is not shaped as FHIR says: the
    reader could not find that text, and a relative's name would pass unseen."""

    def need(value: Any, kind: type, where: str) -> Any:
        if value is not None and not isinstance(value, kind):
            article = {dict: "an object", list: "a list", str: "a string"}[kind]
            raise IngestError(f"not valid FHIR: {at} {where} is not {article}")
        return value

    def strings(holder: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
        for key in keys:
            need(holder.get(key), str, f"{where}.{key}")

    def items(holder: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        out = need(holder.get(key), list, f"{where}{key}") or []
        for n, item in enumerate(out):
            if not isinstance(item, dict):
                raise IngestError(f"not valid FHIR: {at} {where}{key}[{n}] is not an object")
        return out

    def string_list(holder: dict[str, Any], key: str, where: str) -> None:
        for n, item in enumerate(need(holder.get(key), list, f"{where}.{key}") or []):
            need(item, str, f"{where}.{key}[{n}]")  # null is allowed: FHIR pairs it with an extension

    def names(holder: dict[str, Any], where: str) -> None:
        for n, name in enumerate(items(holder, "name", where)):
            strings(name, ("text", "family"), f"{where}name[{n}]")
            for key in ("given", "prefix", "suffix"):
                string_list(name, key, f"{where}name[{n}]")
        for n, telecom in enumerate(items(holder, "telecom", where)):
            strings(telecom, ("value",), f"{where}telecom[{n}]")
        for n, address in enumerate(items(holder, "address", where)):
            strings(address, ("text", "city", "district", "state", "postalCode"), f"{where}address[{n}]")
            string_list(address, "line", f"{where}address[{n}]")

    names(resource, "")
    if resource.get("resourceType") == "Patient":
        for n, contact in enumerate(items(resource, "contact", "")):
            name = need(contact.get("name"), dict, f"contact[{n}].name")
            address = need(contact.get("address"), dict, f"contact[{n}].address")
            holder = {
                "name": [name] if name else [],
                "telecom": contact.get("telecom"),
                "address": [address] if address else [],
            }
            names(holder, f"contact[{n}].")


class _Reader:
    def __init__(self, resources: list[dict[str, Any]], version: str, places: list[str]) -> None:
        self.resources = resources
        self.version = version
        self.place = {id(r): place for r, place in zip(resources, places, strict=True)}
        for resource in resources:
            if resource["resourceType"] in PERSON_TYPES | {"Patient", "Practitioner"}:
                _check_person(resource, self.place[id(resource)])
        self.by_ref = {f"{r['resourceType']}/{r.get('id')}": r for r in resources}
        self.builder = TextBuilder()
        self.fields: list[Field] = self.builder.fields
        self.people: set[str] = set()  # references to third parties' person resources
        self.subject: dict[str, Any] | None = None
        self.at = "the resource"  # where the resource being read is, for messages

    def read(self) -> Document:
        subject = self.subject = self._subject()
        document = Document(path="", sha256="", text="", format=f"fhir-{self.version}")
        if subject is not None:
            document.patient = _patient(subject)
        document.authors = sorted(
            {name for r in self.resources if r["resourceType"] == "Practitioner" if (name := _person_name(r))}
        )
        for resource in self.resources:
            kind = resource["resourceType"]
            if kind in PERSON_TYPES or (kind == "Patient" and resource is not subject):
                self.people.add(f"{kind}/{resource.get('id')}")
                if name := _person_name(resource):
                    document.third_parties.append(name)
            if kind == "Patient":  # next of kin and emergency contacts
                document.third_parties.extend(
                    name for contact in _contacts(resource) if (name := _person_name(contact))
                )
        unreadable: list[tuple[str | None, str]] = []
        for key, group in self._entries(subject):
            self.builder.begin_entry(key, _date(group), self._author(group))
            for resource in group:
                self._resource(resource, unreadable)
            if any(_confidential(r) for r in group):
                document.withheld_entries.append(key)
        self.builder.fill(document)
        document.unreadable_spans = place_unreadable(document, unreadable)
        return document

    # --- who is who -------------------------------------------------------

    def _subject(self) -> dict[str, Any] | None:
        patients = [r for r in self.resources if r["resourceType"] == "Patient"]
        if len(patients) <= 1:
            return patients[0] if patients else None
        counts = {f"Patient/{p.get('id')}": 0 for p in patients}
        for resource in self.resources:
            for key in ("subject", "patient"):
                ref = _obj(resource.get(key)).get("reference")
                if isinstance(ref, str) and ref in counts:
                    counts[ref] += 1
        best = max(counts, key=counts.__getitem__)
        return self.by_ref[best]

    def _author(self, group: list[dict[str, Any]]) -> str | None:
        for resource in group:
            for key in AUTHOR_KEYS:
                for ref in _refs(resource.get(key)):
                    target = self.by_ref.get(ref)
                    if target and target["resourceType"] == "PractitionerRole":
                        ref = _obj(target.get("practitioner")).get("reference")
                        target = self.by_ref.get(ref) if isinstance(ref, str) else None
                    if target and target["resourceType"] == "Practitioner":
                        return _person_name(target)
        return None

    # --- entries ----------------------------------------------------------

    def _entries(self, subject: dict[str, Any] | None) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        encounter_of: dict[int, str] = {}
        for resource in self.resources:
            ref = _encounter_ref(resource)
            if ref in self.by_ref:
                encounter_of[id(resource)] = ref
                if resource["resourceType"] == "List":
                    self._claim(resource, ref, encounter_of, depth=0)
        groups: dict[str, list[dict[str, Any]]] = {}
        standalone = len(self.resources) == 1  # a Binary fetched on its own is the record
        for resource in self.resources:
            kind = resource["resourceType"]
            if (
                kind in IDENTITY_TYPES
                and not (kind == "Patient" and (resource is not subject or _contacts(resource)))
                and not standalone
            ):
                continue  # (the patient's own resource is read only for its next of kin)
            own = f"{kind}/{resource.get('id')}"
            key = encounter_of.get(id(resource), own)
            group = groups.setdefault(key, [])
            if own == key:  # the Encounter leads its consultation
                group.insert(0, resource)
            else:
                group.append(resource)
        yield from groups.items()

    def _claim(
        self, listing: dict[str, Any], encounter: str, encounter_of: dict[int, str], depth: int
    ) -> None:
        """Everything a consultation's List reaches (topics, headings, items) is in it."""
        if depth > 5:
            return
        for item in _list(listing.get("entry")):
            ref = _obj(_obj(item).get("item")).get("reference")
            target = self.by_ref.get(ref) if isinstance(ref, str) else None
            if target is not None and id(target) not in encounter_of:
                encounter_of[id(target)] = encounter
                if target["resourceType"] == "List":
                    self._claim(target, encounter, encounter_of, depth + 1)

    # --- text -------------------------------------------------------------

    def _resource(self, resource: dict[str, Any], unreadable: list[tuple[str | None, str]]) -> None:
        label = f"{resource['resourceType']}/{resource.get('id')}"
        self.at = self.place[id(resource)]
        if resource is self.subject:  # the patient's next of kin and emergency contacts
            for n, contact in enumerate(_contacts(resource)):
                self._person(contact, f"{label} contact[{n}]")
            return
        if resource["resourceType"] in PERSON_TYPES or resource["resourceType"] == "Patient":
            self._person(resource, label)
            return
        if resource["resourceType"] == "Binary":
            self._attachment(resource, label, "", unreadable)
        else:
            self._walk(resource, label, "", unreadable)

    def _person(self, resource: dict[str, Any], label: str) -> None:
        name_kind, contact_kind = "person-name", "person-contact"
        for n, name in enumerate(resource.get("name") or []):
            self._leaf(name, "text", f"{label} name[{n}].text", kind=name_kind)
            for g in range(len(name.get("given") or [])):
                self._leaf(name["given"], g, f"{label} name[{n}].given[{g}]", kind=name_kind)
            self._leaf(name, "family", f"{label} name[{n}].family", kind=name_kind)
        for n, telecom in enumerate(resource.get("telecom") or []):
            self._leaf(telecom, "value", f"{label} telecom[{n}].value", kind=contact_kind)
        for n, address in enumerate(resource.get("address") or []):
            for i in range(len(address.get("line") or [])):
                self._leaf(address["line"], i, f"{label} address[{n}].line[{i}]", kind=contact_kind)
            self._leaf(address, "postalCode", f"{label} address[{n}].postalCode", kind=contact_kind)
        for n, contact in enumerate(_contacts(resource)):  # Patient.contact: a next of kin is a third party
            self._person(contact, f"{label} contact[{n}]")

    def _walk(self, node: Any, label: str, path: str, unreadable: list[tuple[str | None, str]]) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                self._walk(item, label, f"{path}[{index}]", unreadable)
            return
        if not isinstance(node, dict):
            return
        if "reference" in node:
            # A reference's display repeats the resource it points to: a practitioner's
            # name is not record text, but a relative's is theirs to hide.
            if isinstance(node["reference"], str) and node["reference"] in self.people:
                self._text(node, "display")
                self._leaf(node, "display", f"{label} {path}.display", kind="person-name")
            return
        attachment = "contentType" in node and bool({"data", "url", "content"} & node.keys())
        if attachment:
            self._attachment(node, label, path, unreadable)
        shown = None
        for key, value in node.items():
            where = f"{label} {path}.{key}".replace(" .", " ")
            if attachment and key in ("data", "content") and isinstance(value, str):
                continue  # read as the attachment; its title and the rest are walked
            if key == "text" and isinstance(value, dict):
                self._narrative(value, f"{where}.div")
            elif isinstance(value, str):
                in_coding = ".coding[" in f".{path}" or path.startswith("coding")
                if key in TEXT_KEYS:
                    self._leaf(node, key, where, kind="term" if in_coding else "text")
                elif key == "display" and ("code" in node or "system" in node):
                    code = node.get("code") if node.get("system") == SNOMED else None
                    shown = self._leaf(node, key, where, code if isinstance(code, str) else None, kind="term")
            elif key in TEXT_KEYS or key == "display":
                self._text(node, key)
            elif key not in ("meta", "identifier"):
                self._walk(value, label, f"{path}.{key}" if path else key, unreadable)
        if node.get("system") == SNOMED and isinstance(node.get("code"), str):
            self.builder.add_code(node["code"], f"{label} {path}".strip(), shown)

    def _text(self, node: dict[str, Any], key: str) -> None:
        """Refuse free text held in a list or an object: read as it stands it would
        pass the scan unseen and be released as it was."""
        if isinstance(node.get(key), list | dict):
            raise IngestError(f"not valid FHIR: {self.at} has a {key!r} that is not a string")

    def _leaf(self, parent: Any, key: Any, where: str, code: str | None = None, kind: str = "text") -> Any:
        value = parent.get(key) if isinstance(parent, dict) else parent[key] if key < len(parent) else None
        if not isinstance(value, str):
            return None

        def write(replacements: list[Replacement]) -> None:
            parent[key] = splice(parent[key], replacements)

        return self.builder.add(value, where, write, code, kind)

    def _narrative(self, narrative: dict[str, Any], where: str) -> None:
        div = narrative.get("div")
        if isinstance(div, list | dict):
            raise IngestError(f"not valid FHIR: {self.at} has a 'text.div' that is not a string")
        if not isinstance(div, str):
            return
        text = xhtml_text(div)

        def write(replacements: list[Replacement]) -> None:
            new = splice(text, replacements)
            lines = "<br/>".join(html.escape(line, quote=False) for line in new.split("\n"))
            narrative["div"] = f'<div xmlns="http://www.w3.org/1999/xhtml">{lines}</div>'

        self.builder.add(text, where, write)

    def _attachment(
        self, node: dict[str, Any], label: str, path: str, unreadable: list[tuple[str | None, str]]
    ) -> None:
        """An attachment's text is read; one that cannot be (not text, not decodable,
        too large, stored elsewhere) is an unreadable finding on its entry, never dropped."""
        where = f"{label} {path}".strip()
        content_type = node.get("contentType")
        shown_type = (
            content_type if isinstance(content_type, str) and MIME_TYPE.fullmatch(content_type) else None
        )

        def check_by_hand(problem: str, then: str = "check it by hand") -> None:
            unreadable.append((self.builder.current_entry, f"{problem}: {then}"))

        if not isinstance(content_type, str):
            check_by_hand("an attachment has no readable content type")
            return
        holder, key = node, "data" if "data" in node else "content"
        if key not in node:  # a url: look for the Binary inside this bundle
            url = node.get("url")
            binary = (
                self.by_ref.get("Binary/" + url.rsplit("/", 1)[-1])
                if isinstance(url, str) and "/" in url
                else None
            )
            if binary is None:
                check_by_hand(
                    f"an attachment ({shown_type or 'no type'}) is stored outside this file",
                    "fetch it and check it by hand",
                )
                return
            holder, key = binary, "data" if "data" in binary else "content"
            where = f"Binary/{binary.get('id')} {key}"
        encoded = holder.get(key)
        if not isinstance(encoded, str):
            check_by_hand("an attachment's data is not base64 text")
            return
        if len(encoded) // 4 * 3 > MAX_ATTACHMENT_BYTES:
            check_by_hand(f"an attachment is too large to read (over {MAX_ATTACHMENT_BYTES // 1_048_576} MB)")
            return
        try:
            raw = _b64decode(encoded)
        except (binascii.Error, ValueError):
            check_by_hand("an attachment's data is not valid base64")
            return
        if content_type.lower().startswith("application/pdf"):
            try:
                self._pdf_attachment(raw, holder, key, where)
            except IngestError as exc:
                check_by_hand(f"a PDF attachment cannot be read ({exc})")
        elif TEXT_CONTENT_TYPES.match(content_type):
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                check_by_hand(f"a {shown_type or 'text'} attachment is not valid UTF-8")
                return

            def write(replacements: list[Replacement]) -> None:
                holder[key] = base64.b64encode(splice(text, replacements).encode("utf-8")).decode("ascii")

            self.builder.add(text, where, write)
        else:
            check_by_hand(f"an attachment of type {shown_type or 'unknown'} cannot be read as text")

    def _pdf_attachment(self, raw: bytes, holder: dict[str, Any], key: str, where: str) -> None:
        from ..ingest.pdf import extract_pdf

        pdf = extract_pdf(raw)

        def write_bytes(data: bytes) -> None:
            holder[key] = base64.b64encode(data).decode("ascii")

        def refuse(replacements: list[Replacement]) -> None:
            raise AssertionError("a PDF attachment is redacted as a PDF")

        if self.builder.add(pdf.text, where, refuse) is not None:
            self.fields[-1] = Field(refuse, raw, pdf.page_starts, write_bytes, pdf.layout)
        if pdf.unreadable_pages or pdf.doubtful:  # read, but not all of it with confidence
            raise IngestError(f"{len(pdf.unreadable_pages)} page(s) and {len(pdf.doubtful)} passage(s) not read with confidence")


def xhtml_text(div: str) -> str:
    """Narrative XHTML as plain text, one line per block or <br/>."""
    from lxml import html as lxml_html

    marked = re.sub(r"(?i)<br\s*/?>|</(?:p|div|li|tr|h\d)>", "\n", div)
    try:
        text = lxml_html.fromstring(f"<div>{marked}</div>").text_content()
    except Exception:  # lxml raises several types for broken markup
        text = re.sub(r"<[^>]+>", " ", marked)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _b64decode(encoded: str) -> bytes:
    """Attachment data; MIME-style line breaks are allowed, nothing else."""
    return base64.b64decode(re.sub(r"\s+", "", encoded), validate=True)


def _refs(value: Any) -> Iterator[str]:
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            for candidate in (item, item.get("individual"), item.get("agent"), item.get("actor")):
                if isinstance(candidate, dict) and isinstance(candidate.get("reference"), str):
                    yield candidate["reference"]


def _encounter_ref(resource: dict[str, Any]) -> str | None:
    for key in ("context", "encounter"):
        value = resource.get(key)
        if isinstance(value, dict):
            ref = value.get("reference") or _obj(value.get("encounter")).get("reference")
            if isinstance(ref, str):
                return ref
    return None


def _date(group: list[dict[str, Any]]) -> str | None:
    for resource in group:
        for key in DATE_KEYS:
            if isinstance(resource.get(key), str):
                return resource[key][:10]
        for key in ("period", "effectivePeriod"):
            start = _obj(resource.get(key)).get("start")
            if isinstance(start, str):
                return start[:10]
    return None


def _confidential(resource: dict[str, Any]) -> bool:
    return any(
        isinstance(label, dict) and label.get("code") in CONFIDENTIAL
        for label in _list(_obj(resource.get("meta")).get("security"))
    )


def _contacts(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """A Patient's `contact` entries (next of kin, emergency contacts) shaped like a
    person resource: their single `name` and `address` as one-item lists."""
    if resource.get("resourceType") != "Patient":
        return []
    out = []
    for contact in resource.get("contact") or []:
        if isinstance(contact, dict):
            name, address = contact.get("name"), contact.get("address")
            out.append(
                {
                    "name": [name] if isinstance(name, dict) else [],
                    "telecom": [t for t in contact.get("telecom") or [] if isinstance(t, dict)],
                    "address": [address] if isinstance(address, dict) else [],
                }
            )
    return out


def _person_name(resource: dict[str, Any]) -> str | None:
    names = [n for n in resource.get("name") or [] if isinstance(n, dict)]
    if not names:
        return None
    name = next((n for n in names if n.get("use") in ("official", "usual")), names[0])
    if isinstance(name.get("text"), str) and name["text"].strip():
        return name["text"].strip()
    parts = [*(name.get("prefix") or []), *(name.get("given") or []), name.get("family") or ""]
    return " ".join(p for p in parts if isinstance(p, str) and p).strip() or None


def _patient(resource: dict[str, Any]) -> Patient:
    """Who the patient is; `_check_person` has vouched for the name, telecom and address."""
    names = [n for n in resource.get("name") or [] if isinstance(n, dict)]
    forenames: list[str] = []
    surname = title = None
    for name in names:  # every name the record holds for the patient is theirs
        forenames += [g for g in name.get("given") or [] if isinstance(g, str) and g not in forenames]
        surname = surname or name.get("family")
        title = title or next((p for p in name.get("prefix") or [] if p), None)
    nhs = next(
        (
            i["value"]
            for i in _list(resource.get("identifier"))
            if isinstance(i, dict)
            and i.get("system") == NHS_NUMBER_SYSTEM
            and isinstance(i.get("value"), str)
        ),
        None,
    )
    address = next((a for a in resource.get("address") or [] if a), {})
    telecom = [t for t in resource.get("telecom") or [] if t and t.get("value")]
    birth_date = resource.get("birthDate")
    return Patient(
        forenames=tuple(forenames),
        surname=surname,
        dob=birth_date if isinstance(birth_date, str) else None,
        nhs_number=re.sub(r"\D", "", nhs) if nhs else None,
        address=", ".join(
            [*(line for line in address.get("line") or [] if line), address.get("city") or ""]
        ).strip(", ")
        or None,
        postcode=address.get("postalCode"),
        title=title,
        phones=tuple(re.sub(r"\D", "", t["value"]) for t in telecom if t.get("system") == "phone"),
        emails=tuple(t["value"].lower() for t in telecom if t.get("system") == "email"),
    )


def texts(data: bytes) -> str:
    """Every string in an output, attachments decoded, for the leak check. Only
    URIs (code systems, profiles, server addresses) are left out: "info" in
    http://snomed.info/sct is not a redacted word surviving."""
    from ..apply.leaks import pdf_places

    out: list[str] = []
    stack: list[Any] = [json.loads(data.decode("utf-8"))]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            if not URI.match(node):
                out.append(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
            content_type = str(node.get("contentType") or "")
            for key in ("data", "content"):
                if isinstance(node.get(key), str) and content_type:
                    try:
                        raw = _b64decode(node[key])
                    except (binascii.Error, ValueError):
                        continue
                    if content_type.lower().startswith("application/pdf"):
                        out.extend(pdf_places(raw).values())
                    else:
                        out.append(raw.decode("utf-8", "replace"))
    return "\n".join(out)
