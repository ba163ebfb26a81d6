from django.urls import path

from ronghe.assessment import vanguard_views as vv
from ronghe.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("<uuid:code>/", views.campaign_detail, name="campaign-detail"),
    path("<uuid:code>/evaluate/", views.campaign_evaluate, name="campaign-evaluate"),
    path("<uuid:code>/finalize/", views.campaign_finalize, name="campaign-finalize"),
    path("<uuid:code>/settings/", views.campaign_settings, name="campaign-settings"),
    path("<uuid:code>/quadrant/", views.quadrant, name="quadrant"),
    path("<uuid:code>/export.<str:fmt>", views.campaign_export, name="campaign-export"),
    path("units/<uuid:code>/", views.entry_detail, name="entry-detail"),
    path("kpis/", views.kpi_list, name="kpi-list"),
    path("kpis/new/", views.kpi_create, name="kpi-create"),
    path("kpis/import/", views.kpi_import, name="kpi-import"),
    path("kpis/<int:pk>/", views.kpi_detail, name="kpi-detail"),
    path("debriefs/", views.round_list, name="round-list"),
    path("debriefs/new/", views.round_create, name="round-create"),
    path("debriefs/<uuid:code>/", views.round_detail, name="round-detail"),
    path("debriefs/<uuid:code>/<str:action>/", views.round_action, name="round-action"),
    path("debrief/<uuid:code>/", views.debrief_materials, name="debrief-materials"),
    path("debrief/<uuid:code>/grade/", views.debrief_grade, name="debrief-grade"),
    path("vanguards/", vv.vanguard_list, name="vanguard-list"),
    path("vanguards/new/", vv.vanguard_create, name="vanguard-create"),
    path("vanguards/<uuid:code>/", vv.vanguard_detail, name="vanguard-detail"),
    path("vanguards/<uuid:code>/milestones/", vv.vanguard_milestone, name="vanguard-milestone"),
    path("vanguards/<uuid:code>/milestones/<int:pk>/done/", vv.milestone_done, name="milestone-done"),
    path("vanguards/<uuid:code>/close/", vv.vanguard_close, name="vanguard-close"),
]
