"""Requests as a page or an API operation sees them once the sign-in has been checked.

Django types `request.user` as an account or the anonymous visitor, and ninja's `request.auth` as
anything. A page behind `core.permissions.require` (every page not marked `public`) always has a
signed-in account, and so has an API operation (`ronghe.api` authenticates it by bearer token or
session and sets both `request.auth` and `request.user` to the account). Annotate such a view's or
operation's `request` with these classes and the account is a `User`; they are never instantiated.
"""

from __future__ import annotations

from django.http import HttpRequest

from ronghe.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A page request behind `require(...)`: `request.user` is the signed-in account."""

    user: User


class ApiRequest(AuthenticatedRequest):
    """An API operation's request: `request.auth` is the account the token or the session authenticated."""

    auth: User
