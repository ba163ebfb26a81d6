"""The selection services' one refusal, shared by every step and by `selections.criteria`."""

from __future__ import annotations

from ronghe.core.errors import DomainError


class SelectionError(DomainError):
    """A refused selection step; the message is shown to the user."""
