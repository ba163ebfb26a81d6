"""A judge's pages: the panels they sit on, the subjects to score, one sheet per subject."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ronghe.core.errors import DomainError, add_each_to_form
from ronghe.core.judging import registry, services
from ronghe.core.judging.forms import SheetForm
from ronghe.core.judging.models import Panel, PanelState, PanelSubject, Sheet
from ronghe.core.permissions import require
from ronghe.core.scoring import levels


def _panel(request: HttpRequest, code: UUID) -> Panel:
    """A panel the signed-in judge sits on (404 for anyone else)."""
    panel = services.panels_for_judge(request.user).filter(code=code).first()
    if panel is None:
        raise Http404
    return panel


@require("judging.score")
def panel_list(request: HttpRequest) -> HttpResponse:
    panels = list(services.panels_for_judge(request.user).order_by("-created_at"))
    return render(
        request,
        "judging/panel_list.html",
        {
            "panels": panels,
            "pending": services.pending_count(request.user),
            "breadcrumbs": [("评委评分", None)],
        },
    )


@require("judging.score")
def panel_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    panel = _panel(request, code)
    judge = services.judge_row(panel, request.user)
    rows = [
        {"subject": s, "status": status, "url": registry.subject_url(panel.kind, s.key)}
        for s, status in services.subjects_with_status(panel, judge)
    ]
    return render(
        request,
        "judging/panel_detail.html",
        {
            "panel": panel,
            "rows": rows,
            "method": levels.AGGREGATIONS.get(panel.method, panel.method),
            "breadcrumbs": [("评委评分", "judging:panel-list"), (panel.title, None)],
        },
    )


@require("judging.score")
def sheet(request: HttpRequest, code: UUID, key: str) -> HttpResponse:
    panel = _panel(request, code)
    subject = PanelSubject.objects.filter(panel=panel, key=key).select_related("organization").first()
    if subject is None:
        raise Http404
    judge = services.judge_row(panel, request.user)
    mine = Sheet.objects.filter(panel=panel, subject=subject, judge_id=request.user.pk).first()
    initial = {f"score_{k}": v for k, v in (mine.scores if mine else {}).items()} | {
        "comment": mine.comment if mine else ""
    }
    form = SheetForm(request.POST or None, indicators=panel.indicators, initial=initial)
    recused = judge is not None and services.recused(judge, subject)
    status = 200
    if request.method == "POST" and form.is_valid():
        scores = {ind["code"]: form.cleaned_data.get(f"score_{ind['code']}") for ind in panel.indicators}
        try:
            services.submit_sheet(
                actor=request.user,
                panel=panel,
                subject=subject,
                scores=scores,
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            add_each_to_form(form, exc)
            status = 422
        else:
            messages.success(request, f"已保存对“{subject.label}”的评分")
            return redirect("judging:panel-detail", panel.code)
    return render(
        request,
        "judging/sheet.html",
        {
            "panel": panel,
            "subject": subject,
            "form": form,
            "recused": recused,
            "closed": panel.state == PanelState.CLOSED,
            "subject_url": registry.subject_url(panel.kind, subject.key),
            "breadcrumbs": [
                ("评委评分", "judging:panel-list"),
                (panel.title, None),
                (subject.label, None),
            ],
        },
        status=status,
    )
