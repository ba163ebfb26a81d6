"""Logging filters named by settings.LOGGING (imported while settings load: standard library only)."""

from __future__ import annotations

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A refused request (4xx: 403 permission denied, 400 bad request, 404) is logged as its one
    line ("Forbidden (Permission denied): /audit/"), not with the traceback of the exception that
    produced it: a refusal is an expected outcome, and tracebacks would bury the real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
