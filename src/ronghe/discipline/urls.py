from django.urls import path

from ronghe.discipline.views import cases, committees, risks

app_name = "discipline"
urlpatterns = [
    path("cases/", cases.case_list, name="case-list"),
    path("cases/create/", cases.case_create, name="case-create"),
    path("cases/<uuid:code>/", cases.case_detail, name="case-detail"),
    path("cases/<uuid:code>/steps/<str:action>/", cases.case_step, name="case-step"),
    path("cases/<uuid:code>/sanctions/<int:pk>/update/", cases.sanction_update, name="sanction-update"),
    path("cases/<uuid:code>/sanctions/<int:pk>/revoke/", cases.sanction_revoke, name="sanction-revoke"),
    path("risks/", risks.risk_list, name="risk-list"),
    path("risks/create/", risks.risk_create, name="risk-create"),
    path("risks/<uuid:code>/", risks.risk_detail, name="risk-detail"),
    path("risks/<uuid:code>/review/", risks.risk_review, name="risk-review"),
    path("committees/", committees.committee_list, name="committee-list"),
    path("committees/create/", committees.committee_create, name="committee-create"),
    path("committees/<uuid:code>/seats/", committees.seat_add, name="seat-add"),
]
