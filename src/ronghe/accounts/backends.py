"""The account with its roles in one statement, for the session login and the API token.

Every signed-in request needs the account and, for its first permission check, the account's grants
(role, organization path) — `core.scope.grants` would read them with a second statement. Here one
statement reads the account LEFT JOINed to its role assignments and their organizations (one row per
role, a single row with NULLs for an account without roles) and hands the pairs to `core.scope`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.backends import ModelBackend
from django.db.models import F, Model, QuerySet

from ronghe.accounts.models import RoleAssignment, User
from ronghe.core.scope import set_grants

_ROLE, _PATH = "grant_role", "grant_path"
M = TypeVar("M", bound=Model)


def with_grants(qs: QuerySet[M], to_user: str = "") -> QuerySet[M]:
    """`qs` with the grants of the account at `to_user` (a lookup path, "" for User itself) annotated,
    one row per role, in `RoleAssignment`'s order."""
    prefix = f"{to_user}__" if to_user else ""
    fields = [f for f in RoleAssignment._meta.ordering or () if isinstance(f, str)]
    ordering = [f"{prefix}role_assignments__{f}" for f in fields]
    annotated: QuerySet[M] = qs.annotate(
        **{
            _ROLE: F(f"{prefix}role_assignments__role"),
            _PATH: F(f"{prefix}role_assignments__organization__path"),
        }
    ).order_by(*ordering)
    return annotated


def take_grants(rows: list[M], user_of: Any = None) -> M | None:
    """The first row of a `with_grants` query, its account given the grants of all rows."""
    if not rows:
        return None
    first = rows[0]
    user: Any = user_of(first) if user_of is not None else first
    set_grants(user, [(getattr(r, _ROLE), getattr(r, _PATH)) for r in rows if getattr(r, _ROLE) is not None])
    for row in rows:
        for name in (_ROLE, _PATH):
            row.__dict__.pop(name, None)
    return first


class Backend(ModelBackend):
    """Django's model backend (password login, `is_active`), loading a session's account with its grants
    and its member record (with the member's organization), in one statement."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            # with the member record and its organization: a member's own pages start from them
            rows = list(
                with_grants(User._default_manager.select_related("member__organization").filter(pk=user_id))
            )
        except (ValueError, TypeError):
            return None
        user = take_grants(rows)
        return user if user is not None and self.user_can_authenticate(user) else None
