"""The recruitment services' refusal, shared by every use-case."""

from __future__ import annotations

from ronghe.core.errors import DomainError


class RecruitmentError(DomainError):
    """A refused 发展党员 change, with a Chinese message naming the rule or the field."""
