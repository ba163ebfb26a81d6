"""What the evidence mechanism knows about the apps using it, registered in their AppConfig.ready().

* Link kinds: platform records that may be cited as evidence ("orglife.meeting"): their label, their
  page and the records an actor may pick for an organization.
* Owner kinds: the objects evidence is attached to ("ratings.entry", "rectification.item"): the
  permission needed to add or remove evidence, the object's organization, and whether it may still
  change. The generic attach/remove endpoints read the permission here, never from the form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ronghe.core.types import Actor, OrgNode


@dataclass(frozen=True)
class LinkKind:
    kind: str
    label: str
    url: Callable[[int], str]
    choices: Callable[[Actor, OrgNode], Iterable[tuple[int, str]]]


@dataclass(frozen=True)
class OwnerKind:
    """`permission` (and `view_permission`, default the permission's area + ".view") is a permission
    name or a function of the object id, for objects carrying their own (rectification items)."""

    kind: str
    permission: str | Callable[[int], str]
    organization_of: Callable[[int], OrgNode | None]
    editable: Callable[[int], bool]
    view_permission: str | Callable[[int], str] | None = None

    def permission_for(self, object_id: int) -> str:
        return self.permission(object_id) if callable(self.permission) else self.permission

    def view_permission_for(self, object_id: int) -> str:
        if self.view_permission is None:
            return view_permission_of(self.permission_for(object_id))
        return self.view_permission(object_id) if callable(self.view_permission) else self.view_permission


LINK_KINDS: dict[str, LinkKind] = {}
OWNER_KINDS: dict[str, OwnerKind] = {}


def view_permission_of(permission: str) -> str:
    """The area's read permission ("ratings.apply" → "ratings.view"), as `scope.get_for_user_or_404`."""
    return permission.split(".", 1)[0] + ".view"


def register_link_kind(
    kind: str,
    *,
    label: str,
    url: Callable[[int], str],
    choices: Callable[[Actor, OrgNode], Iterable[tuple[int, str]]],
) -> None:
    """Declare a platform record type that may be cited as evidence.

    `url(link_id)` is the record's page; `choices(actor, organization)` yields (id, label) of the
    records the actor may cite for that organization (the only ids `attach_link` accepts)."""
    LINK_KINDS[kind] = LinkKind(kind, label, url, choices)


def register_owner_kind(
    kind: str,
    *,
    permission: str | Callable[[int], str],
    organization_of: Callable[[int], OrgNode | None],
    editable: Callable[[int], bool],
    view_permission: str | Callable[[int], str] | None = None,
) -> None:
    """Declare an object type evidence is attached to through the generic endpoints.

    `organization_of(object_id)` returns None for a missing object."""
    OWNER_KINDS[kind] = OwnerKind(kind, permission, organization_of, editable, view_permission)


def link_kind(kind: str) -> LinkKind | None:
    return LINK_KINDS.get(kind)


def owner_kind(kind: str) -> OwnerKind | None:
    return OWNER_KINDS.get(kind)
