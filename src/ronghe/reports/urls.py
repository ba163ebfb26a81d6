from django.urls import path

from ronghe.reports.views import annual, statistics

app_name = "reports"
urlpatterns = [
    path("statistics/", statistics.party_statistics, name="party-statistics"),
    path("annual/", annual.annual_list, name="annual-list"),
    path("annual/<uuid:code>/<int:year>/", annual.annual_detail, name="annual-detail"),
    path("annual/<uuid:code>/<int:year>/generate/", annual.annual_generate, name="annual-generate"),
    path("annual/<uuid:code>/<int:year>/sections/<str:key>/", annual.annual_section, name="annual-section"),
    path("annual/<uuid:code>/<int:year>/report.docx", annual.annual_docx_download, name="annual-docx"),
]
