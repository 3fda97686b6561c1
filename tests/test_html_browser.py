"""The HTML report as a practice uses it, checked in a real headless Chromium.

Chromium is driven over its DevTools protocol on a pipe (`--remote-debugging-pipe`:
JSON messages ending in a NUL byte on file descriptors 3 and 4), so no websocket or
browser-automation package is needed. Keys and clicks are real input events, styles
are what the browser computed, and print is both the emulated print medium and a PDF
read back with pypdfium2. Reports come from a real fixture through the normal scan
path, and from a small synthetic record where a test needs exact control.
"""

from __future__ import annotations

import base64
import io
import json
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from PIL import Image

from redactor.decide.verdicts import set_verdicts, why
from redactor.ingest import InputFile
from redactor.model import Action, Category, Document, Entry, Finding, Verdict
from redactor.report.html_report import PALETTE, write_html_report
from redactor.report.json_report import NOTICE
from redactor.scan import scan
from redactor.vocabulary import CODES, LABELS, ORDER, parse_category

from .conftest import FIXTURES
from .producers.build import HEADLESS_CHROMIUM

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TIMEOUT = 30.0  # seconds for any one answer from the browser
MARK = "pre.rec mark"


# Copies first, so neither end is overwritten when one of them already is fd 3 or 4;
# a copy may itself land on 3 or 4, so the close-on-exec flag is cleared last.
WIRE = (
    "import os, sys; reads, writes = os.dup(int(sys.argv[1])), os.dup(int(sys.argv[2])); "
    "os.dup2(reads, 3); os.dup2(writes, 4); os.set_inheritable(3, True); os.set_inheritable(4, True); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)


class Chromium:
    """One headless Chromium, and the DevTools protocol spoken to it over a pipe."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_browser, self._out = os.pipe()
        self._in, from_browser = os.pipe()
        self.log = profile.with_suffix(".log")
        with self.log.open("wb") as log:
            # A small Python launcher puts the pipe ends on fds 3 and 4 and then becomes
            # the browser (no preexec_fn, which is unsafe once any thread is running).
            self.process = subprocess.Popen(
                [
                    *(
                        sys.executable,
                        "-c",
                        WIRE,
                        str(to_browser),
                        str(from_browser),
                        binary,
                        *HEADLESS_CHROMIUM,
                    ),
                    *("--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"),
                ],
                pass_fds=(to_browser, from_browser),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        answer = self._read(lambda m: m.get("id") == self._next)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        """The first event `method` from `session`, already received or still to come."""
        for event in self.events:
            if event.get("method") == method and event.get("sessionId") == session:
                self.events.remove(event)
                return event
        return self._read(lambda m: m.get("method") == method and m.get("sessionId") == session)

    def _read(self, wanted: Any) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return message
                if "method" in message:
                    self.events.append(message)
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise TimeoutError(f"no answer from chromium; its log ends: {self._tail()}")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise EOFError(f"chromium closed the pipe; its log ends: {self._tail()}")
            self._buffer += chunk

    def _tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]

    def close(self) -> None:
        try:
            self.call("Browser.close")
            self.process.wait(timeout=10)
        except (OSError, RuntimeError, TimeoutError, EOFError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        os.close(self._out)
        os.close(self._in)


# Set before any of the page's own script runs: every Content-Security-Policy
# violation the page causes is written down (DevTools' own evaluations bypass CSP).
WATCH = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"""


class Page:
    """A tab showing one report, 1,366 px wide unless told otherwise."""

    def __init__(self, browser: Chromium, path: Path, width: int = 1366, height: int = 800) -> None:
        self.browser = browser
        self.target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = browser.call("Target.attachToTarget", targetId=self.target, flatten=True)["sessionId"]
        for method, params in (
            ("Page.enable", {}),
            ("Network.enable", {}),
            (
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            ),
            ("Emulation.setFocusEmulationEnabled", {"enabled": True}),
            ("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH}),
            ("Page.navigate", {"url": path.as_uri()}),
        ):
            self.call(method, **params)
        browser.wait_for("Page.loadEventFired", self.session)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.call(method, self.session, **params)

    def js(self, expression: str) -> Any:
        answer = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression[:80]}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def key(self, key: str, code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=code)

    def click_at(self, x: float, y: float) -> None:
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the first box of the element `selector`."""
        x, y = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        self.click_at(x, y)

    def style(self, selector: str, prop: str, pseudo: str | None = None) -> str:
        pseudo_arg = json.dumps(pseudo) if pseudo else "null"
        return self.js(
            f"getComputedStyle(document.querySelector({json.dumps(selector)}), {pseudo_arg})"
            f".getPropertyValue({json.dumps(prop)})"
        )

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.browser.events
            if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == self.session
        ]

    def close(self) -> None:
        self.browser.call("Target.closeTarget", targetId=self.target)


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Chromium]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("no Chromium binary (chromium or chromium-browser) on PATH: the browser checks need one")
    chromium = Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium") / "profile")
    yield chromium
    chromium.close()


@pytest.fixture
def open_page(browser) -> Iterator[Any]:
    pages: list[Page] = []

    def open_(path: Path, width: int = 1366) -> Page:
        pages.append(Page(browser, path, width))
        return pages[-1]

    yield open_
    for page in pages:
        page.close()


# ---------------------------------------------------------------- the reports

HEADER = "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988\n"
ONE = (
    "12-Mar-2024 10:32  Dr Anita PATEL (GP)  Face to face\n"
    "Mum Karen Jones rang <script>document.body.dataset.pwned='1'</script> worried.\n"
    "Disclosed that her partner hits her. FH: father diabetes. Seen by Daniel today.\n"
)
TWO = "13-Mar-2024 09:00  Dr Anita PATEL (GP)  Telephone\nI suspect he exaggerates his pain.\n"
THREE = "14-Mar-2024 09:00  Nurse Claire DOWNING  Face to face\nFH: mother asthma. BP 120/80.\n"
FOUR = "15-Mar-2024 09:00  Dr Anita PATEL (GP)  Letter\nLink: " + "x" * 3000 + "\nEnd of letter.\n"
FIVE = "16-Mar-2024 09:00  Dr Anita PATEL (GP)  Telephone\nReviewed: police letter on file.\n"
FINDINGS = (  # entry, words, "category action rule", reason
    ("e1", "Karen Jones", "TPN redact people/third-party-name", "a relative named by the caller"),
    (
        "e1",
        "Disclosed that her partner hits her.",
        "SAF review passages/safeguarding",
        "a disclosure of abuse",
    ),
    ("e1", "hits her", "SAF redact passages/abuse-words", "words of violence"),
    ("e1", "FH: father diabetes.", "TPI note passages/family-history", "family history the patient gave"),
    ("e1", "Daniel", "PAT keep people/patient-name", "the patient's own name"),
    ("e2", "I suspect he exaggerates his pain.", "OPN review passages/opinion", "a clinician's opinion"),
    ("e3", "FH: mother asthma.", "TPI note passages/family-history", "family history the patient gave"),
    ("e5", "police letter", "LEG review passages/legal", "a police matter"),
)


def synthetic() -> Document:
    """Five entries with known findings: one of each action, a note-only entry, a line
    3,000 characters long with no space in it, and a reviewer's decision."""
    text = HEADER
    entries = [Entry("e0", 0, len(HEADER))]
    for number, body in enumerate((ONE, TWO, THREE, FOUR, FIVE), 1):
        date, author = body[:11], body[19:].split("  ")[0]
        entries.append(Entry(f"e{number}", len(text), len(text) + len(body), date=date, author=author))
        text += body
    entries[5] = Entry(
        "e5", entries[5].start, entries[5].end, entries[5].date, entries[5].author, decision="hide"
    )
    findings = []
    for entry_id, words, how, reason in FINDINGS:
        code, action, rule = how.split()
        start = text.index(words, next(e for e in entries if e.id == entry_id).start)
        category = parse_category(code)
        findings.append(
            Finding(
                start, start + len(words), words, category, 0.9, rule, reason, Action(action), entry=entry_id
            )
        )
    document = Document(path="records/" + "long-folder-name-" * 12 + "synthetic.txt", sha256="0", text=text)
    document.entries, document.findings = entries, findings
    set_verdicts(document)
    return document


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("made")
    write_html_report(folder / "made.html", [synthetic()], [], "patient-access")
    return folder / "made.html"


@pytest.fixture(scope="module")
def emis(tmp_path_factory, detector, policy) -> tuple[Path, Document]:
    """emis_01.txt (domestic abuse, MARAC) through the normal scan path."""
    result = scan([InputFile(FIXTURES / "records" / "emis_01.txt", "emis_01.txt")], detector, policy)
    assert not result.errors
    out = tmp_path_factory.mktemp("emis") / "emis.html"
    write_html_report(out, result.documents, [], "patient-access")
    return out, result.documents[0]


def visible(page: Page, selector: str) -> bool:
    return page.js(
        f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
        " return getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0; })()"
    )


def text(page: Page, selector: str) -> str:
    return page.js(f"document.querySelector({json.dumps(selector)}).textContent")


def displays(page: Page) -> dict[str, str]:
    return page.js(
        "Object.fromEntries([...document.querySelectorAll('.entry')].map((e, i) => [i, getComputedStyle(e).display]))"
    )


# ---------------------------------------------------------------- the checks


def test_redact_review_and_note_differ_in_shape_not_only_colour(open_page, made):
    page = open_page(made)
    # One category (safeguarding) in all three actions: the same colour, so only the shape tells them apart.
    redact, review = f"{MARK}.a-redact[data-cat=SAF]", f"{MARK}.a-review[data-cat=SAF]"
    note, keep = f"{MARK}.a-note", f"{MARK}.a-keep"
    looks = {
        s: {p: page.style(s, p) for p in ("background-color", "border-top-style", "text-decoration-line")}
        for s in (redact, review, note, keep)
    }
    assert looks[redact]["background-color"] == "rgb(204, 121, 167)"  # solid Okabe-Ito reddish purple
    assert looks[redact]["border-top-style"] == "solid"
    assert looks[review]["border-top-style"] == "dashed"
    assert looks[review]["background-color"].startswith("rgba(204, 121, 167, 0.2")  # a faint tint, not a fill
    assert looks[note]["text-decoration-line"] == "underline"
    assert looks[note]["background-color"] == looks[keep]["background-color"] == "rgba(0, 0, 0, 0)"
    assert looks[keep]["border-top-style"] == "none" and looks[keep]["text-decoration-line"] == "none"
    assert len({tuple(v.values()) for v in looks.values()}) == 4
    # The category is printed beside the highlight as its code, in every action but keep.
    assert page.style(redact, "content", "::before") == '"SAF"'
    assert page.style(note, "content", "::before") == '"TPI"'
    assert page.style(keep, "content", "::before") == "none"


def test_category_colours_are_told_apart_with_colour_blindness_and_the_key_names_them(open_page, made):
    page = open_page(made)
    chips = page.js(
        "[...document.querySelectorAll('.legend li')].map(li => [li.textContent,"
        " li.querySelector('.code') && getComputedStyle(li.querySelector('.code')).backgroundColor])"
    )
    categories, styles = chips[: len(ORDER)], chips[len(ORDER) :]
    for (text, colour), category in zip(categories, ORDER, strict=True):
        assert text == f"{CODES[category]} {LABELS[category]}"
        fill = PALETTE[category][0]
        assert colour == "rgb({}, {}, {})".format(*(int(fill[i : i + 2], 16) for i in (1, 3, 5)))
    assert [t.split(":")[0].split()[-1] for t, _ in styles] == ["redact", "review", "note", "keep"]
    # What a colour-blind reader sees: Chromium paints the chips through its own
    # simulation of red-green deficiency (Okabe and Ito's palette is made for it, and
    # for a tenth of men), and the nine categories that hold entries stay apart.
    held = ORDER[:9]
    for deficiency, apart in (("none", 60), ("protanopia", 45), ("deuteranopia", 45)):
        page.call("Emulation.setEmulatedVisionDeficiency", type=deficiency)
        seen = {c: _pixel(page, f".legend .code[data-cat={CODES[c]}]") for c in held}
        nearest = min(
            sum((x - y) ** 2 for x, y in zip(seen[a], seen[b], strict=True)) ** 0.5
            for i, a in enumerate(held)
            for b in held[i + 1 :]
        )
        assert nearest > apart, (deficiency, seen)
    page.call("Emulation.setEmulatedVisionDeficiency", type="none")


def _pixel(page: Page, selector: str) -> tuple[int, ...]:
    """The colour painted at the left edge inside an element (inside its border, clear of its text)."""
    x, y = page.js(
        f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
        " return [r.left + 2, r.top + r.height / 2]; })()"
    )
    shot = page.call(
        "Page.captureScreenshot", format="png", clip={"x": x, "y": y, "width": 1, "height": 1, "scale": 1}
    )
    return Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB").getpixel((0, 0))


def test_each_entry_says_why_with_date_author_and_verdict_on_top(open_page, emis):
    path, document = emis
    page = open_page(path)
    shown = page.js(
        "[...document.querySelectorAll('.entry')].map(e => { const h = e.querySelector('.head');"
        " const why = h.querySelector('.why-line'), meta = h.querySelector('.meta');"
        " return [e.dataset.verdict, why.textContent, meta ? meta.textContent : '', h.getBoundingClientRect().height,"
        " h.getBoundingClientRect().bottom <= e.querySelector('pre').getBoundingClientRect().top,"
        " e.firstElementChild === h]; })"
    )
    assert len(shown) == len(document.entries)
    for (verdict, line, meta, height, above, first), entry in zip(shown, document.entries, strict=True):
        assert verdict == entry.verdict and line == why(document, entry)
        assert line.startswith(str(entry.verdict).upper())
        assert all(part in meta for part in (entry.date, entry.author) if part)
        assert height > 0 and above and first
    assert any(line.startswith("HIDE: serious harm") for _, line, *_ in shown)


def test_filters_hide_whole_entries_by_verdict_and_category(open_page, emis):
    path, document = emis
    page = open_page(path)
    every = len(document.entries)
    assert list(displays(page).values()) == ["block"] * every  # all shown to begin with
    page.click(".controls button[data-only]")  # "Only HIDE and REVIEW": one click
    held = [e.verdict in (Verdict.HIDE, Verdict.REVIEW) for e in document.entries]
    assert [d != "none" for d in displays(page).values()] == held
    assert page.js("document.getElementById('showing').textContent") == (
        f"Showing {sum(held)} of {every} entries; the filters hide the rest."
    )
    page.click(".controls button:not([data-only])")  # Show all
    page.click(".controls input[name=cat][value=HRM]")  # only entries flagged for serious harm
    harm = [
        any(
            f.entry == e.id and f.category is Category.SERIOUS_HARM and f.action is not Action.KEEP
            for f in document.findings
        )
        for e in document.entries
    ]
    assert 0 < sum(harm) < every
    assert [d != "none" for d in displays(page).values()] == harm
    page.click(".controls input[name=verdict][value=hide]")  # ... and not the HIDE ones: none left
    assert set(displays(page).values()) == {"none"}
    assert visible(page, "section.doc .empty")
    page.click(".controls button:not([data-only])")
    assert set(displays(page).values()) == {"block"}
    assert not visible(page, "section.doc .empty")


def test_highlight_toggles_plain_one_action_and_keep_the_entries(open_page, made):
    page = open_page(made)
    page.click(".controls input[name=act][value=note]")
    assert page.style(f"{MARK}.a-note", "text-decoration-line") == "none"
    assert page.style(f"{MARK}.a-note", "display", "::before") == "none"
    assert page.style(f"{MARK}.a-redact", "background-color") != "rgba(0, 0, 0, 0)"
    assert set(displays(page).values()) == {"block"}


def _reason_shown(page: Page, mark: str) -> bool:
    return visible(page, f"{mark} + .why")


def test_a_highlights_reason_shows_on_focus_and_on_click_and_escape_or_elsewhere_closes_it(open_page, made):
    page = open_page(made)
    assert page.js(f"document.querySelectorAll('{MARK}[title]').length") == 0  # not a hover tooltip
    # Keyboard: Tab from the page's last control reaches the first highlight.
    page.js("document.querySelector('.controls input[name=act][value=keep]').focus()")
    page.key("Tab", 9)
    assert page.js(f"document.activeElement.matches('{MARK}')")
    panel = page.js("document.activeElement.getAttribute('aria-describedby')")
    first = f"{MARK}[aria-describedby='{panel}']"
    assert _reason_shown(page, first)
    reason = text(page, f"{first} + .why")
    assert "TPN third-party name · redact" in reason and "a relative named by the caller" in reason
    assert "rule people/third-party-name" in reason
    page.key("Escape", 27)
    assert not _reason_shown(page, first) and page.js(f"document.activeElement.matches('{MARK}')")
    page.key("Enter", 13)  # opens it again without leaving the highlight
    assert _reason_shown(page, first)
    page.key("Tab", 9)  # the next highlight: the first closes, the next opens
    assert not _reason_shown(page, first)
    assert page.js("getComputedStyle(document.activeElement.nextElementSibling).display") == "block"
    page.key("Escape", 27)
    # Mouse (or tap): a click opens the reasons, a second click closes them.
    opinion = f"{MARK}.a-review[data-cat=OPN]"
    page.click(opinion)
    assert _reason_shown(page, opinion)
    assert "OPN clinician opinion · review" in text(page, f"{opinion} + .why")
    page.click(opinion)
    assert not _reason_shown(page, opinion)
    page.click(opinion)
    assert _reason_shown(page, opinion)
    page.click("h1")  # a click elsewhere closes it
    assert not _reason_shown(page, opinion)
    # Where findings overlap, the highlight lists every one of them.
    page.click(f"{MARK}.a-redact[data-cat=SAF]")
    both = text(page, f"{MARK}.a-redact[data-cat=SAF] + .why")
    assert "words of violence" in both and "a disclosure of abuse" in both


def test_the_page_fits_1366_pixels_and_long_lines_wrap(open_page, made, emis):
    fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    for path in (emis[0], made):
        page = open_page(path)
        assert page.js("innerWidth") == 1366 and page.js(fits)
        assert page.js("[...document.querySelectorAll('pre.rec')].every(p => p.scrollWidth <= p.clientWidth)")
        # The reasons of the highlight furthest right open inside the page too.
        shown = page.js(
            f"(() => {{ const right = m => m.getBoundingClientRect().right;"
            f" const m = [...document.querySelectorAll('{MARK}')].reduce((a, b) => right(b) > right(a) ? b : a);"
            " m.focus(); return getComputedStyle(m.nextElementSibling).display; })()"
        )
        assert shown == "block" and page.js(fits)
    # The synthetic record's 3,000 characters with no space wrap onto many lines of the page.
    lines = page.js(
        "(() => { const p = [...document.querySelectorAll('pre.rec')].find(p => p.textContent.includes('xxxx'));"
        " return p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight); })()"
    )
    assert lines > 20


def test_a_tap_opens_and_closes_a_highlights_reason(open_page, made):
    page = open_page(made)
    page.call("Emulation.setTouchEmulationEnabled", enabled=True, maxTouchPoints=1)
    opinion = f"{MARK}.a-review[data-cat=OPN]"

    def tap(selector: str) -> None:
        x, y = page.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        page.call("Input.dispatchTouchEvent", type="touchStart", touchPoints=[{"x": x, "y": y}])
        page.call("Input.dispatchTouchEvent", type="touchEnd", touchPoints=[])

    tap(opinion)
    assert _reason_shown(page, opinion)
    tap(opinion)
    assert not _reason_shown(page, opinion)
    tap(opinion)
    tap("h1")
    assert not _reason_shown(page, opinion)


def test_print_keeps_the_banner_hides_the_controls_and_highlights_stay_apart_in_black_and_white(
    open_page, made
):
    page = open_page(made)
    page.call("Emulation.setEmulatedMedia", media="print")
    assert visible(page, ".banner") and page.js("document.querySelector('.banner').textContent") == NOTICE
    assert not visible(page, ".controls")
    redact, review, note = f"{MARK}.a-redact", f"{MARK}.a-review", f"{MARK}.a-note"
    assert [page.style(redact, p) for p in ("border-top-style", "border-top-color")] == [
        "solid",
        "rgb(0, 0, 0)",
    ]
    assert [page.style(review, p) for p in ("border-top-style", "border-top-color")] == [
        "dashed",
        "rgb(0, 0, 0)",
    ]
    assert [page.style(note, p) for p in ("text-decoration-line", "text-decoration-color")] == [
        "underline",
        "rgb(0, 0, 0)",
    ]
    assert page.style(f"{redact}[data-code]", "background-color", "::before") == "rgb(255, 255, 255)"
    page.call("Emulation.setEmulatedMedia", media="")
    pdf = base64.b64decode(page.call("Page.printToPDF", printBackground=True)["data"])
    document = pypdfium2.PdfDocument(pdf)
    pages = [" ".join(p.get_textpage().get_text_range().split()) for p in document]
    document.close()
    assert len(pages) > 1 and all(NOTICE in text for text in pages)  # the notice on every page
    everything = " ".join(pages)
    assert "Only HIDE and REVIEW" not in everything and "Filters" not in everything
    for printed in ("TPN Karen Jones", "SAF Disclosed", "SAF hits her", "TPI FH: father", "OPN I suspect"):
        assert printed in everything  # each highlight's code is printed beside it
    synthetic_document = synthetic()
    for entry in synthetic_document.entries:  # and each entry's why ("HIDE : ..." as the PDF spaces it)
        assert why(synthetic_document, entry) in everything.replace(" : ", ": ")


def test_record_text_never_runs_and_nothing_loads_from_outside(open_page, made):
    page = open_page(made)
    assert page.js("document.body.dataset.ready") == "1"  # the report's own script ran
    assert page.js("document.body.dataset.pwned") is None  # the record's did not
    record = page.js("[...document.querySelectorAll('pre.rec')].map(p => p.textContent).join('')")
    assert "<script>document.body.dataset.pwned='1'</script>" in record  # shown as text
    assert page.js("window.__violations") == []  # the page's own style and script are allowed by hash
    page.js(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.append(s)"
    )
    page.js(
        "const d = document.createElement('div'); d.setAttribute('style', 'color: red'); document.body.append(d)"
    )
    assert page.js("window.__ran") is None
    assert sorted(page.js("window.__violations")) == ["script-src-elem inline", "style-src-attr inline"]
    assert all(url.startswith("file:") for url in page.requests())
