from django.urls import include, path

from ronghe.api import api
from ronghe.members.urls import io_urlpatterns as member_io_urlpatterns

urlpatterns = [
    path("", include("ronghe.home.urls")),
    path("", include("ronghe.core.urls")),
    path("accounts/", include("ronghe.accounts.urls")),
    path("members/io/", include((member_io_urlpatterns, "member_io"))),
    path("orglife/", include("ronghe.orglife.urls")),
    path("points/", include("ronghe.points.urls")),
    path("ratings/", include("ronghe.ratings.urls")),
    path("selections/", include("ronghe.selections.urls")),
    path("assessment/", include("ronghe.assessment.urls")),
    path("v/", include("ronghe.core.voting.urls")),
    path("integration/", include("ronghe.integration.urls")),
    path("dues/", include("ronghe.dues.urls")),
    path("education/", include("ronghe.education.urls")),
    path("outreach/", include("ronghe.outreach.urls")),
    path("notices/", include("ronghe.notices.urls")),
    path("reports/", include("ronghe.reports.urls")),
    path("recruitment/", include("ronghe.recruitment.urls")),
    path("discipline/", include("ronghe.discipline.urls")),
    path("judging/", include("ronghe.core.judging.urls")),
    path("evidence/", include("ronghe.core.evidence.urls")),
    path("rectification/", include("ronghe.core.rectification.urls")),
    path("publicity/", include("ronghe.core.publicity.urls")),
    path("jointreview/", include("ronghe.core.jointreview.urls")),
    path("orgs/", include("ronghe.orgs.urls")),
    path("members/", include("ronghe.members.urls")),
    path("api/v1/", api.urls),
]

handler400 = "ronghe.core.views.errors.bad_request"
handler403 = "ronghe.core.views.errors.permission_denied"
handler404 = "ronghe.core.views.errors.page_not_found"
handler500 = "ronghe.core.views.errors.server_error"
