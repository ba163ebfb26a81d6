from django.urls import path

from ronghe.reports.views import statistics

app_name = "reports"
urlpatterns = [
    path("statistics/", statistics.party_statistics, name="party-statistics"),
]
