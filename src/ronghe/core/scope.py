"""The one scoping module: every user-facing queryset and object lookup goes through here.

A user holds roles at organization nodes (accounts.RoleAssignment) and sees exactly the
subtrees of those nodes, for the permissions the role grants (accounts.policy). A member sees
their own records. Outside the visible set → 404; visible but without the right → 403.

core imports no domain app: the role → permissions function is named by the setting
``RONGHE_PERMISSION_POLICY`` (as ``AUTH_USER_MODEL`` names the user model), and the user object
is read by its attributes: ``is_active``, ``member_id`` and ``role_assignments`` (rows with
``role`` and ``organization__path``).

Models declare where their organization is: ``scope_org_field = "organization"`` (a path of
lookups to an Organization, "" for Organization itself), and optionally
``scope_member_field = "member"`` ("" for Member itself) for members' own records.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.module_loading import import_string

from ronghe.core.types import Account, Actor

if TYPE_CHECKING:
    from ronghe.core.models import AuditEntry

M = TypeVar("M", bound=Model)


@cache
def permission_policy() -> Callable[[str], frozenset[str]]:
    """The function giving a role's permissions: ``settings.RONGHE_PERMISSION_POLICY``, imported once."""
    policy: Callable[[str], frozenset[str]] = import_string(settings.RONGHE_PERMISSION_POLICY)
    return policy


class OutOfScope(Http404):
    pass


_GRANTS = "_ronghe_grants"  # the attribute caching an account's grants (reset by tests that grant roles)


def grants(user: Actor | None) -> list[tuple[str, str]]:
    """(role, organization path) pairs held by the user, cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached: list[tuple[str, str]] | None = getattr(user, _GRANTS, None)
    if cached is None:
        cached = list(user.role_assignments.values_list("role", "organization__path"))
        setattr(user, _GRANTS, cached)
    return cached


def set_grants(user: Actor, pairs: list[tuple[str, str]]) -> None:
    """Give `grants()` the user's (role, organization path) pairs, read together with the user row by
    whoever loaded it (`accounts.backends`), so the request's first permission check runs no query."""
    setattr(user, _GRANTS, pairs)


def _member_id(user: Actor | None) -> int | None:
    """The member a signed-in account belongs to (members see their own records)."""
    return user.member_id if user is not None and user.is_authenticated else None


def roles(user: Actor | None) -> set[str]:
    return {role for role, _ in grants(user)}


def paths_with(user: Actor | None, perm: str) -> list[str]:
    """The minimal set of subtree roots at which the user holds `perm`."""
    permissions_for = permission_policy()
    paths = sorted({path for role, path in grants(user) if perm in permissions_for(role)})
    minimal: list[str] = []
    for p in paths:
        if not any(p.startswith(m) for m in minimal):
            minimal.append(p)
    return minimal


def has_perm_anywhere(user: Actor | None, perm: str) -> bool:
    if perm == "self.view":
        return bool(_member_id(user)) or bool(paths_with(user, perm))
    return bool(paths_with(user, perm))


def has_perm_at(user: Actor | None, perm: str, org_path: str) -> bool:
    return any(org_path.startswith(p) for p in paths_with(user, perm))


def _org_lookup(model: type[Model]) -> str:
    field = getattr(model, "scope_org_field", None)
    if field is None:
        raise ImproperlyConfigured(f"{model.__name__} declares no scope_org_field")
    return "path" if field == "" else f"{field}__path"


def _self_q(model: type[Model], user: Actor | None, perm: str) -> Q | None:
    member_field = getattr(model, "scope_member_field", None)
    member_id = _member_id(user)
    if member_field is None or not member_id or not perm.endswith(".view"):
        return None
    return Q(pk=member_id) if member_field == "" else Q(**{f"{member_field}_id": member_id})


def scope_q(model: type[Model], user: Actor | None, perm: str) -> Q:
    lookup = _org_lookup(model)
    q = Q(pk__in=[])
    for path in paths_with(user, perm):
        q |= Q(**{f"{lookup}__startswith": path})
    own = _self_q(model, user, perm)
    if own is not None:
        q |= own
    return q


def scoped(qs: QuerySet[M], user: Actor | None, perm: str) -> QuerySet[M]:
    """Restrict a queryset to what `user` may access with `perm`."""
    if user is None or not user.is_authenticated:
        return qs.none()
    return qs.filter(scope_q(qs.model, user, perm))


def org_path_of(obj: Model) -> str:
    field = getattr(type(obj), "scope_org_field", None)
    if field is None:
        raise ImproperlyConfigured(f"{type(obj).__name__} declares no scope_org_field")
    target: Any = obj  # followed through the lookups the model declares
    for part in [p for p in field.split("__") if p]:
        target = getattr(target, part)
    path: str = target.path
    return path


def is_own(obj: Model, user: Actor | None) -> bool:
    member_field = getattr(type(obj), "scope_member_field", None)
    member_id = _member_id(user)
    if member_field is None or not member_id:
        return False
    own_id: object = obj.pk if member_field == "" else getattr(obj, f"{member_field}_id", None)
    return own_id == member_id


def can(user: Actor | None, perm: str, obj: Model) -> bool:
    if has_perm_at(user, perm, org_path_of(obj)):
        return True
    return perm.endswith(".view") and is_own(obj, user)


def get_for_user_or_404(qs: QuerySet[M] | type[M], user: Actor | None, *, perm: str, **lookup: Any) -> M:
    """Fetch one object: 404 unless the user can see it, 403 if seen but `perm` is not held there."""
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    view_perm = perm.split(".", 1)[0] + ".view"
    try:
        obj = scoped(qs, user, view_perm).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise OutOfScope("未找到或无权访问") from exc
    if perm != view_perm and not can(user, perm, obj):
        raise PermissionDenied("您没有执行此操作的权限")
    return obj


def within_requested(qs: QuerySet[M], code: str, user: Actor | None, perm: str) -> tuple[QuerySet[M], Any]:
    """`qs` narrowed to the subtree of the organization `code` names (a link's ?org=, e.g. from the
    annual report), with that organization; unchanged with None when `code` is empty. A code the user
    cannot see, or a malformed one, is a 404 like any object outside the scope."""
    if not code:
        return qs, None
    organization = _organization_model(qs.model)
    try:
        org = get_for_user_or_404(organization, user, perm=perm, code=code)
    except (ValueError, ValidationError) as exc:
        raise Http404("未找到或无权访问") from exc
    return qs.filter(**{f"{_org_lookup(qs.model)}__startswith": org.path}), org  # type: ignore[attr-defined]


def _organization_model(model: type[Model]) -> type[Model]:
    """The organization model a scoped model's `scope_org_field` leads to (core imports no domain app)."""
    field = getattr(model, "scope_org_field", None)
    if field is None:
        raise ImproperlyConfigured(f"{model.__name__} declares no scope_org_field")
    for name in filter(None, field.split("__")):
        related = model._meta.get_field(name).related_model
        if related is None or isinstance(related, str):
            raise ImproperlyConfigured(f"{model.__name__}.scope_org_field does not lead to a model")
        model = related
    return model


def require_at(user: Actor | None, perm: str, org_path: str) -> None:
    """Raise 403 unless the user holds `perm` at the node with `org_path`."""
    if not has_perm_at(user, perm, org_path):
        raise PermissionDenied("您没有执行此操作的权限")


def _is_root_path(path: str) -> bool:
    """A root organization's path is one segment ("00000.")."""
    return path.count(".") == 1


def scoped_users(qs: QuerySet[M], user: Actor | None, perm: str) -> QuerySet[M]:
    """Accounts an administrator may see: those holding a role, or linked to a member, inside a
    subtree where `user` holds `perm`. Accounts attached to no organization yet (new, no role, no
    member) are seen only by holders of `perm` at a root."""
    paths = paths_with(user, perm)
    if user is None or not user.is_authenticated or not paths:
        return qs.none()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(role_assignments__organization__path__startswith=path)
        q |= Q(member__organization__path__startswith=path)
    if any(_is_root_path(p) for p in paths):
        q |= Q(role_assignments__isnull=True, member__isnull=True)
    return qs.filter(pk__in=qs.model._default_manager.filter(q).values("pk"))


def user_paths(account: Account) -> list[str]:
    """Organization paths an account is attached to: its roles' nodes and its member's organization."""
    paths = list(account.role_assignments.values_list("organization__path", flat=True))
    member = account.member
    if member is not None:
        paths.append(member.organization.path)
    return paths


def can_manage_user(user: Actor | None, perm: str, account: Account) -> bool:
    """True when every organization the account is attached to lies inside `user`'s `perm` subtrees
    (an account reaching outside them is managed from higher up). Unattached accounts need `perm` at a root."""
    paths = user_paths(account)
    if not paths:
        return any(_is_root_path(p) for p in paths_with(user, perm))
    return all(has_perm_at(user, perm, p) for p in paths)


def audit_entries_for_user(user: Actor | None) -> QuerySet[AuditEntry]:
    """Audit rows an audit administrator may read: all of them at a root; below a root only rows
    tagged with an organization inside the subtree (logins and other untagged rows stay with the root)."""
    from ronghe.core.models import AuditEntry

    paths = paths_with(user, "audit.view")
    qs = AuditEntry.objects.all()
    if any(_is_root_path(p) for p in paths):
        return qs
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(org_path__startswith=path)
    return qs.filter(q)
