"""Points use-cases called by other modules (placeholder in the orglife branch)."""

from __future__ import annotations

from typing import Any


def sync_meeting_points(*, meeting: Any) -> None:
    """Points ledger sync; implemented by the points module."""


def remove_meeting_points(*, meeting: Any) -> None:
    """Points ledger sync; implemented by the points module."""
