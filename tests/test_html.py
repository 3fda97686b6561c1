"""The HTML report: self-contained, escaped, and checked in a real headless Chromium
(tests/test_html_browser.py drives the triage screen itself: filters, reasons, print)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
from html import escape

import pytest
from typer.testing import CliRunner

from redactor.cli import app
from redactor.decide.verdicts import why
from redactor.report.html_report import render_html
from redactor.vocabulary import CODES, LABELS, ORDER

from .producers.build import HEADLESS_CHROMIUM

EVIL = (
    "Name: Mr Daniel HARGREAVES\nDOB: 14-Feb-1988\n\n"
    "12-Mar-2024 10:32  Dr Anita PATEL (GP)  Face to face\n"
    "Mum (Karen Jones) rang <script>document.body.dataset.pwned='1'</script> worried.\n"
    'Note: "><img src=x onerror="document.body.dataset.pwned=2"> MARAC referral made.\n'
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def report(tmp_path, monkeypatch):
    monkeypatch.setenv("REDACTOR_KEY_FILE", str(tmp_path / "practice.key"))
    record = tmp_path / "record.txt"
    record.write_text(EVIL)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, ["scan", str(record), "--html", str(out), "--decisions", str(tmp_path / "d.json"), "-q"]
    )
    assert result.exit_code == 1, result.output
    return out


def test_report_is_self_contained_and_escaped(report):
    html = report.read_text()
    assert "Contains patient-identifiable data" in html
    assert "<script>document.body" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert not re.search(r"(?:src|href)=['\"]?(?:https?:)?//", html)  # no external assets
    assert "Content-Security-Policy" in html
    # Each highlight's reasons sit in a panel of their own (shown on focus or click), not a title tooltip.
    assert re.search(
        r"<span class='why' id='[\w-]+' role='tooltip' tabindex='-1'>.*?<strong>third-party name</strong> · \w+<br>[^<]+<br><small>rule people/",
        html,
    )
    assert "<mark tabindex='0'" in html and " title=" not in html


def test_only_the_reports_own_style_and_script_are_allowed(report):
    html = report.read_text()
    policy = re.search(r'http-equiv=\'Content-Security-Policy\' content="([^"]+)"', html).group(1)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    assert policy == (
        f"default-src 'none'; style-src {sha256(style)}; script-src {sha256(script)}; base-uri 'none'; form-action 'none'"
    )
    assert html.count("<style>") == html.count("<script>") == 1
    # Inline style attributes and event handlers would be refused by that policy: there are none.
    assert not re.search(r"<[^>]+\s(style|on\w+)=", html)


def test_every_entry_says_why_and_the_vocabulary_is_the_one_vocabulary(analyse):
    document = analyse(EVIL)
    html = render_html([document], [], "patient-access")
    assert len(document.entries) == 2
    for entry in document.entries:
        verdict, _, rest = why(document, entry).partition(": ")
        line = f"<span class='verdict'>{escape(verdict)}</span>" + (f": {escape(rest)}" if rest else "")
        assert f"<article class='entry v-{entry.verdict}' data-verdict='{entry.verdict}'" in html
        assert f"<p class='head'><span class='why-line'>{line}</span>" in html
    assert "<span class='meta'>2024-03-12 · Dr Anita PATEL</span>" in html
    # Categories are their codes in attributes and filters, code and label on the page.
    assert set(re.findall(r"data-cat='([^']*)'", html)) <= set(CODES.values())
    assert set(re.findall(r"name='cat' value='([^']*)'", html)) <= set(CODES.values())
    for category in ORDER:
        assert (
            f"<li><span class='code' data-cat='{CODES[category]}'>{CODES[category]}</span> {LABELS[category]}</li>"
            in html
        )
    names = (
        r"\b(THIRD_PARTY_NAME|SAFEGUARDING|CLINICIAN_OPINION)\b(?!/)"  # rule ids ("SAFEGUARDING/...") aside
    )
    assert not re.search(names, html)
    # Filters: every verdict shown to begin with, one click to only HIDE and REVIEW.
    for verdict in ("hide", "review", "show"):
        assert f"name='verdict' value='{verdict}' checked>" in html
    assert "<button type='button' data-only='hide review'>Only HIDE and REVIEW</button>" in html


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_report_renders_in_chromium_and_injected_script_does_not_run(report, tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium not installed on this machine")
    dom = subprocess.run(
        [
            CHROMIUM,
            *HEADLESS_CHROMIUM,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            report.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert 'data-ready="1"' in body  # our own script ran (tests/test_html_browser.py checks what it does)
    assert "pwned" not in body  # the record's script and onerror did not
    assert "&lt;script&gt;" in dom
