"""Downloads: a named branch's certificate, the campaign's 公示/命名 list."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpResponse

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.downloads import DOCX, XLSX, generated
from ronghe.core.permissions import require
from ronghe.ratings import exports, queries
from ronghe.ratings.choices import CampaignState, EntryState
from ronghe.ratings.views.campaigns import campaign_for
from ronghe.ratings.views.entries import entry_for


@require("ratings.view")
def certificate(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    entry = entry_for(request, code)
    if entry.state != EntryState.NAMED:
        raise Http404("该支部尚未命名")
    if entry.current_level is None:  # named without a level: vetoed, nothing to certify
        raise Http404("该支部本年度未评定星级")
    audit.record("ratings.certificate_export", actor=request.user, obj=entry)
    return generated(
        exports.certificate_docx(entry),
        DOCX,
        f"{entry.organization.name}{entry.campaign.year}年度星级证书.docx",
    )


def result_list(request: AuthenticatedRequest, code: UUID, fmt: str) -> HttpResponse:
    campaign = campaign_for(request, code)
    if campaign.state not in (CampaignState.PUBLICITY, CampaignState.NAMED):
        raise Http404("公示开始后才有结果名单")
    states = [EntryState.NAMED] if campaign.state == CampaignState.NAMED else [EntryState.EVALUATED]
    entries = (
        queries.visible_entries(request.user, campaign)
        .filter(state__in=states)
        .order_by("-level", "organization__path")
    )
    audit.record("ratings.list_export", actor=request.user, obj=campaign, changes={"format": fmt})
    name = f"{campaign.name}{'命名' if campaign.state == CampaignState.NAMED else '公示'}名单"
    if fmt == "xlsx":
        return generated(exports.list_xlsx(campaign, entries), XLSX, f"{name}.xlsx")
    return generated(exports.list_docx(campaign, entries), DOCX, f"{name}.docx")


@require("ratings.view")
def result_list_xlsx(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return result_list(request, code, "xlsx")


@require("ratings.view")
def result_list_docx(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    return result_list(request, code, "docx")
