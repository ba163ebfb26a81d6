"""Crawl helpers: every page route and API GET operation with the standard samples, bodies as text
(zip-based downloads — .xlsx, .docx — are unpacked so their XML is scanned too)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from tests import routes
from tests.core.test_routes import _api_operations, _fill, _fill_api, _site_routes

# Not part of a longer number or a decimal fraction (0.37037037037037035 is a rate, not an ID).
ID_NUMBER = re.compile(r"(?<![\d.])\d{17}[\dXx](?![\d])")
FULL_PHONE = re.compile(r"(?<![\d.])1[3-9]\d{9}(?![\d])")
# Package parts of .docx/.xlsx that hold no user data (font PANOSE numbers, theme colours, settings).
_NO_DATA_PARTS = re.compile(r"(theme|fontTable|styles|settings|webSettings|numbering|docProps)", re.I)


# Random identifiers (UUIDs, hashes) can hold an 11-digit run that reads as a phone number by chance.
_HEX_IDS = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32,}"
)


def body_text(response) -> str:  # noqa: ANN001
    """The response's text (each data part of a .docx/.xlsx), with random hex identifiers blanked."""
    return _HEX_IDS.sub("<id>", _raw_text(response))


def _raw_text(response) -> str:  # noqa: ANN001
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if raw[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "\n".join(
                archive.read(n).decode("utf-8", "ignore")
                for n in archive.namelist()
                if not _NO_DATA_PARTS.search(n)
            )
    return raw.decode("utf-8", "ignore")


def page_urls(cast) -> Iterator[str]:  # noqa: ANN001
    for pattern, name, _ in _site_routes():
        if name in ("accounts:logout",):
            continue
        kwargs = routes.URL_SAMPLES[name](cast) if "<" in pattern else {}
        yield _fill(pattern, kwargs)


def api_get_urls(client, cast) -> Iterator[str]:  # noqa: ANN001
    for path, method in _api_operations(client):
        if method != "get" or path.endswith("openapi.json"):
            continue
        kwargs = routes.API_SAMPLES[path](cast) if "{" in path else {}
        yield _fill_api(path, kwargs)
