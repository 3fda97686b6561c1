#!/usr/bin/env bash
# Debian packages redactor needs, installed only where missing.
#   scripts/system-packages.sh          Tesseract (reads scanned pages and images)
#   scripts/system-packages.sh --test   also what the tests build PDFs with: Chromium,
#                                       LibreOffice Writer, Ghostscript, groff, wkhtmltopdf
# Without apt (macOS, Windows) it says how to install Tesseract and goes on: redactor
# still runs, and every page it cannot read stays an UNREADABLE finding, never released.
set -euo pipefail
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("${@:2}"); }
need tesseract tesseract-ocr tesseract-ocr-eng
if [ "${1:-}" = "--test" ]; then
    need chromium chromium
    need gs ghostscript
    need soffice libreoffice-writer-nogui
    need wkhtmltopdf wkhtmltopdf
    need groff groff
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
    [ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || command -v sudo >/dev/null 2>&1; }; then
    # A failed install (no network, no rights) is said, not fatal: redactor runs without
    # these, and the tests that need a missing tool skip it by name.
    if $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        exit 0
    fi
    echo "redactor: could not install ${missing[*]} with apt-get" >&2
else
    echo "redactor: please install ${missing[*]}" >&2
    echo "  macOS: brew install tesseract    Windows: the UB Mannheim Tesseract installer, then add it to PATH" >&2
fi
