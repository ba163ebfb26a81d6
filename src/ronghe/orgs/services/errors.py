"""The organization services' refusal, shared by the tree, the posts and the unit register."""

from __future__ import annotations

from ronghe.core.errors import DomainError


class OrganizationError(DomainError):
    """A refused change, with a Chinese message naming the problem."""
