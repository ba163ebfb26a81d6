"""core's own pages: the audit-log search (namespace "audit") and the health check."""

from django.urls import include, path

from ronghe.core.views import audit, health

audit_patterns = [
    path("", audit.entry_list, name="entry-list"),
]

urlpatterns = [
    path("audit/", include((audit_patterns, "audit"))),
    path("healthz", health.healthz, name="healthz"),
]
