"""core's own pages: the audit-log search (namespace "audit"), 我的导出 ("exports") and the health check."""

from django.urls import include, path

from ronghe.core.views import audit, exports, health

audit_patterns = [
    path("", audit.entry_list, name="entry-list"),
]

export_patterns = [
    path("", exports.job_list, name="job-list"),
    path("<uuid:code>/", exports.job_detail, name="job-detail"),
    path("<uuid:code>/download/", exports.download, name="job-download"),
]

urlpatterns = [
    path("audit/", include((audit_patterns, "audit"))),
    path("exports/", include((export_patterns, "exports"))),
    path("healthz", health.healthz, name="healthz"),
]
