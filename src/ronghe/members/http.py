"""Requests as the pages and API operations of members, orglife and points see them.

A stand-in for `ronghe.accounts.http` (being written on the `typesA` branch, same classes): once that
lands, import these from there and delete this module.

Django types `request.user` as an account or the anonymous visitor, and ninja's `request.auth` as
unknown. Every page here is behind `core.permissions.require`, so it has a signed-in account, and
so has every API operation (`ronghe.api` authenticates by bearer token or session and sets both
`request.auth` and `request.user` to the account). Views and operations annotate `request` with
these classes; they are never instantiated.
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
