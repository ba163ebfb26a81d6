from django.urls import path

from ronghe.orgs.views import organizations as views
from ronghe.orgs.views import unit_io, units

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list, name="organization-list"),
    path("create/", views.organization_create, name="organization-create"),
    path("warnings/", views.warning_list, name="warning-list"),
    path("units/", units.unit_list, name="unit-list"),
    path("units/create/", units.unit_create, name="unit-create"),
    path("units/export/", unit_io.unit_export, name="unit-export"),
    path("units/import/", unit_io.unit_import, name="unit-import"),
    path("units/import/template/", unit_io.unit_import_template, name="unit-import-template"),
    path("units/import/<uuid:code>/", unit_io.unit_import_job, name="unit-import-job"),
    path("units/import/<uuid:code>/commit/", unit_io.unit_import_commit, name="unit-import-commit"),
    path("units/import/<uuid:code>/cancel/", unit_io.unit_import_cancel, name="unit-import-cancel"),
    path("units/<uuid:code>/", units.unit_detail, name="unit-detail"),
    path("units/<uuid:code>/update/", units.unit_update, name="unit-update"),
    path("units/<uuid:code>/leaders/", units.leader_create, name="leader-create"),
    path("units/<uuid:code>/departments/", units.department_create, name="department-create"),
    path("leaders/<uuid:code>/update/", units.leader_update, name="leader-update"),
    path("leaders/<uuid:code>/remove/", units.leader_remove, name="leader-remove"),
    path("departments/<uuid:code>/update/", units.department_update, name="department-update"),
    path("departments/<uuid:code>/remove/", units.department_remove, name="department-remove"),
    path("<uuid:code>/", views.organization_detail, name="organization-detail"),
    path("<uuid:code>/update/", views.organization_update, name="organization-update"),
    path("<uuid:code>/move/", views.organization_move, name="organization-move"),
    path("<uuid:code>/dissolve/", views.organization_dissolve, name="organization-dissolve"),
    path("<uuid:code>/officers/", views.officer_create, name="officer-create"),
    path("<uuid:code>/workers/", views.worker_create, name="worker-create"),
    path("officers/<uuid:code>/end/", views.officer_end, name="officer-end"),
    path("workers/<uuid:code>/end/", views.worker_end, name="worker-end"),
]
