"""The real URLs plus the bench-only floor views under /__bench__/ (selected by bench.settings)."""

from django.urls import include, path

from bench import floors

urlpatterns = [
    path("__bench__/", include((floors.urlpatterns, "bench"))),
    path("", include("ronghe.urls")),
]
handler400 = "ronghe.core.views.errors.bad_request"
handler403 = "ronghe.core.views.errors.permission_denied"
handler404 = "ronghe.core.views.errors.page_not_found"
handler500 = "ronghe.core.views.errors.server_error"
