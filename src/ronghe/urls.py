from django.urls import include, path

from ronghe.api import api
from ronghe.core import views as core_views

urlpatterns = [
    path("", include("ronghe.home.urls")),
    path("accounts/", include("ronghe.accounts.urls")),
    path("audit/", include("ronghe.core.audit_urls")),
    path("members/io/", include("ronghe.members.io_urls")),
    path("orglife/", include("ronghe.orglife.urls")),
    path("points/", include("ronghe.points.urls")),
    path("orgs/", include("ronghe.orgs.urls")),
    path("members/", include("ronghe.members.urls")),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

handler400 = "ronghe.core.views.bad_request"
handler403 = "ronghe.core.views.permission_denied"
handler404 = "ronghe.core.views.page_not_found"
handler500 = "ronghe.core.views.server_error"
