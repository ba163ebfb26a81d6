"""Generated files sent as downloads: one helper, the Chinese name encoded per RFC 6266.

`Cache-Control: no-store` comes from `core.middleware.NoStoreMiddleware`, as on every response.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def generated(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file built in memory (a Word certificate, an xlsx list) as an attachment named `filename`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
