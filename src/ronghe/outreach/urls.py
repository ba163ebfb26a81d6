from django.urls import path

from ronghe.outreach.views import surveys as sv

app_name = "outreach"

urlpatterns = [
    path("surveys/", sv.survey_list, name="survey-list"),
    path("surveys/new/", sv.survey_create, name="survey-create"),
    path("surveys/mine/", sv.my_surveys, name="my-surveys"),
    path("surveys/<uuid:code>/", sv.survey_detail, name="survey-detail"),
    path("surveys/<uuid:code>/state/", sv.survey_publish, name="survey-state"),
    path("surveys/<uuid:code>/results.xlsx", sv.survey_export, name="survey-export"),
    path("surveys/<uuid:code>/answer/", sv.survey_answer, name="survey-answer"),
]
