"""The shapes core reads from the objects of the apps above it, without importing those apps.

core names no domain model (`tests/core/test_layering.py`): the account that acts is the project's
user model (named by ``AUTH_USER_MODEL``), an organization node is ``orgs.Organization``, a member
``members.Member``. Here they are protocols of exactly the attributes core reads; the concrete models
satisfy them, and mypy checks that they do wherever an app hands one to core.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias, overload

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class OrgNode(Protocol):
    """An organization node: its `path` ("00001.00003.") places it in the tree."""

    @property
    def pk(self) -> int: ...
    @property
    def path(self) -> str: ...


class MemberOf(Protocol):
    """A party member, as far as core reads one: the organization it belongs to."""

    @property
    def organization(self) -> OrgNode: ...


class RoleGrants(Protocol):
    """`account.role_assignments`: the account's roles, read as rows of role and organization path."""

    @overload
    def values_list(self, *fields: str, flat: Literal[True]) -> Iterable[str]: ...
    @overload
    def values_list(self, *fields: str) -> Iterable[tuple[str, str]]: ...


class Account(Protocol):
    """A signed-in account (``AUTH_USER_MODEL``), as core reads it in scoping, audit and workflow."""

    @property
    def pk(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def is_authenticated(self) -> Literal[True]: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def member_id(self) -> int | None: ...
    @property
    def member(self) -> MemberOf | None: ...
    @property
    def role_assignments(self) -> RoleGrants: ...


# Whoever makes a request: a signed-in account or the anonymous visitor (`request.user`).
Actor: TypeAlias = "Account | AnonymousUser"
