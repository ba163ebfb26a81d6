"""The real URLs plus the bench-only floor views under /__bench__/ (selected by bench.settings)."""

from django.urls import include, path

from bench import floors
from ronghe.accounts import policy

# The measuring clients sign in with the password only: 16 concurrent sessions of one 工委 account
# cannot each present a fresh TOTP code (a code is accepted once). Bench-only; the pages measured
# still run the second-factor middleware, which finds the session verified.
policy.MFA_ALWAYS = frozenset()

urlpatterns = [
    path("__bench__/", include((floors.urlpatterns, "bench"))),
    path("", include("ronghe.urls")),
]
handler400 = "ronghe.core.views.errors.bad_request"
handler403 = "ronghe.core.views.errors.permission_denied"
handler404 = "ronghe.core.views.errors.page_not_found"
handler500 = "ronghe.core.views.errors.server_error"
