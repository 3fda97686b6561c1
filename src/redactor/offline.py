"""Keep every library off the network.

Presidio's email and URL recognisers validate domains with tldextract, whose
default extractor downloads the public-suffix list on first use. Swapping in an
extractor with no URLs and no disk cache makes it use the snapshot bundled in the
tldextract package, so a scan never reaches out, whatever the machine allows.
"""

from __future__ import annotations

import tldextract.tldextract as _tld

_done = False


def use_bundled_suffix_list() -> None:
    global _done
    if not _done:
        _tld.TLD_EXTRACTOR = _tld.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
        _done = True
