"""佐证材料 (namespace "evidence"): the scoped download and the generic attach/remove endpoints."""

from django.urls import path

from ronghe.core.evidence import views

app_name = "evidence"
urlpatterns = [
    path("attach/", views.attach, name="attach"),
    path("<uuid:code>/download", views.download, name="download"),
    path("<uuid:code>/remove/", views.remove, name="remove"),
]
