"""Downloads: a meeting record (.docx) and a year ledger (.xlsx), audited."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.utils import timezone

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.downloads import DOCX, XLSX, generated
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404
from ronghe.orglife import exports
from ronghe.orglife.models import Meeting
from ronghe.orglife.views.compliance import _year
from ronghe.orgs.models import Organization


@require("orglife.view")
def meeting_docx(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    meeting = get_for_user_or_404(
        Meeting.objects.select_related("organization", "host", "recorder"),
        request.user,
        perm="orglife.view",
        code=code,
    )
    audit.record("orglife.meeting.export", obj=meeting, changes={"format": "docx"})
    return generated(exports.meeting_docx(meeting), DOCX, f"{meeting.title}.docx")


@require("orglife.view")
def ledger_xlsx(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    org = get_for_user_or_404(Organization, request.user, perm="orglife.view", code=code)
    year = _year(request)
    audit.record("orglife.ledger.export", obj=org, changes={"year": year})
    return generated(
        exports.ledger_xlsx(org, year, timezone.localdate()), XLSX, f"{org.name}{year}年组织生活台账.xlsx"
    )
