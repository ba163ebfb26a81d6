from django.urls import path

from ronghe.core import audit_views

app_name = "audit"
urlpatterns = [
    path("", audit_views.entry_list, name="entry-list"),
]
