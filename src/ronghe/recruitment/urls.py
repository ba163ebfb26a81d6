from django.urls import path

from ronghe.recruitment.views import cases, files

app_name = "recruitment"
urlpatterns = [
    path("", cases.case_list, name="case-list"),
    path("county/", cases.county, name="county"),
    path("create/", cases.case_create, name="case-create"),
    path("import/", files.import_start, name="import"),
    path("import/template.xlsx", files.import_template, name="import-template"),
    path("import/<uuid:code>/", files.import_job, name="import-job"),
    path("import/<uuid:code>/commit/", files.import_commit, name="import-commit"),
    path("<uuid:code>/", cases.case_detail, name="case-detail"),
    path("<uuid:code>/steps/<str:action>/", cases.case_step, name="case-step"),
    path("<uuid:code>/observations/", cases.observation_create, name="observation-create"),
    path("<uuid:code>/dossier.docx", files.dossier, name="dossier"),
    path("<uuid:code>/dossier.pdf", files.dossier_pdf, name="dossier-pdf"),
]
