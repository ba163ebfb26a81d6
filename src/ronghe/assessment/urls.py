from django.urls import path

from ronghe.assessment import debrief_views as dv
from ronghe.assessment import kpi_views as kv
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
    path("kpis/", kv.kpi_list, name="kpi-list"),
    path("kpis/new/", kv.kpi_create, name="kpi-create"),
    path("kpis/import/", kv.kpi_import, name="kpi-import"),
    path("kpis/<int:pk>/", kv.kpi_detail, name="kpi-detail"),
    path("debriefs/", dv.round_list, name="round-list"),
    path("debriefs/new/", dv.round_create, name="round-create"),
    path("debriefs/<uuid:code>/", dv.round_detail, name="round-detail"),
    path("debriefs/<uuid:code>/<str:action>/", dv.round_action, name="round-action"),
    path("debrief/<uuid:code>/", dv.debrief_materials, name="debrief-materials"),
    path("debrief/<uuid:code>/grade/", dv.debrief_grade, name="debrief-grade"),
    path("vanguards/", vv.vanguard_list, name="vanguard-list"),
    path("vanguards/new/", vv.vanguard_create, name="vanguard-create"),
    path("vanguards/<uuid:code>/", vv.vanguard_detail, name="vanguard-detail"),
    path("vanguards/<uuid:code>/milestones/", vv.vanguard_milestone, name="vanguard-milestone"),
    path("vanguards/<uuid:code>/milestones/<int:pk>/done/", vv.milestone_done, name="milestone-done"),
    path("vanguards/<uuid:code>/close/", vv.vanguard_close, name="vanguard-close"),
]
