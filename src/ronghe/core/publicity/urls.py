"""公示 pages (namespace "publicity"), included from the project's urls under /publicity/."""

from django.urls import path

from ronghe.core.publicity import views

app_name = "publicity"
urlpatterns = [
    path("", views.publication_list, name="publication-list"),
    path("<uuid:code>/", views.publication_detail, name="publication-detail"),
    path("<uuid:code>/objections/", views.objection_create, name="objection-create"),
    path("<uuid:code>/objections/<int:pk>/handle/", views.objection_handle, name="objection-handle"),
    path("<uuid:code>/close/", views.publication_close, name="publication-close"),
]
