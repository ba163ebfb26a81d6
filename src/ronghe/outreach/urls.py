from django.urls import path

from ronghe.outreach.views import pairing as pv
from ronghe.outreach.views import surveys as sv
from ronghe.outreach.views import volunteering as vv

app_name = "outreach"

urlpatterns = [
    path("surveys/", sv.survey_list, name="survey-list"),
    path("surveys/new/", sv.survey_create, name="survey-create"),
    path("surveys/mine/", sv.my_surveys, name="my-surveys"),
    path("surveys/<uuid:code>/", sv.survey_detail, name="survey-detail"),
    path("surveys/<uuid:code>/state/", sv.survey_publish, name="survey-state"),
    path("surveys/<uuid:code>/results.xlsx", sv.survey_export, name="survey-export"),
    path("surveys/<uuid:code>/answer/", sv.survey_answer, name="survey-answer"),
    path("volunteering/", vv.activity_list, name="activity-list"),
    path("volunteering/new/", vv.activity_create, name="activity-create"),
    path("volunteering/mine/", vv.my_volunteering, name="my-volunteering"),
    path("volunteering/<uuid:code>/", vv.activity_detail, name="activity-detail"),
    path("volunteering/<uuid:code>/checkin/", vv.activity_checkin_open, name="activity-checkin-open"),
    path("volunteering/<uuid:code>/sign-up/", vv.activity_sign_up, name="activity-sign-up"),
    path("teams/", vv.team_list, name="team-list"),
    path("teams/<uuid:code>/", vv.team_detail, name="team-detail"),
    path("v/<str:code>/", vv.checkin_page, name="checkin"),
    path("pairings/", pv.pairing_list, name="pairing-list"),
    path("pairings/<uuid:code>/", pv.pairing_detail, name="pairing-detail"),
    path("pairings/<uuid:code>/visits/<int:pk>/close/", pv.visit_close, name="visit-close"),
]
