"""Use-cases of 同步部署 (`plans`: work points, plans, tasks, progress) and 同步点评 (`reviews`)."""

from ronghe.core.errors import DomainError


class IntegrationError(DomainError):
    """A refused step of planning or reviewing, with a Chinese message naming the field."""
