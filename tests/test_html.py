"""The HTML report: self-contained, escaped, and checked in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from redactor.cli import app

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
    assert re.search(r"title='[^']*THIRD_PARTY_NAME: [^']*people/", html)  # reason and rule on hover


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
    assert 'data-ready="1"' in body  # our own script ran
    colour = re.search(r'data-highlight="([^"]+)"', body).group(1)
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # a highlight is painted
    assert "pwned" not in body  # the record's script and onerror did not
    assert "&lt;script&gt;" in dom
