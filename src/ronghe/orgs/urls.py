from django.urls import path

from ronghe.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("create/", views.organization_create, name="organization-create"),
    path("warnings/", views.warning_list, name="warning-list"),
    path("<uuid:code>/", views.organization_detail, name="organization-detail"),
    path("<uuid:code>/update/", views.organization_update, name="organization-update"),
    path("<uuid:code>/move/", views.organization_move, name="organization-move"),
    path("<uuid:code>/officers/", views.officer_create, name="officer-create"),
    path("<uuid:code>/workers/", views.worker_create, name="worker-create"),
    path("officers/<uuid:code>/end/", views.officer_end, name="officer-end"),
    path("workers/<uuid:code>/end/", views.worker_end, name="worker-end"),
]
