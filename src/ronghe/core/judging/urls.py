from django.urls import path

from ronghe.core.judging import views

app_name = "judging"
urlpatterns = [
    path("", views.panel_list, name="panel-list"),
    path("<uuid:code>/", views.panel_detail, name="panel-detail"),
    path("<uuid:code>/sheets/<str:key>/", views.sheet, name="sheet"),
]
