"""Open a panel, name its judges and subjects, take each judge's sheet, combine, close."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from ronghe.core import audit
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.judging.models import Panel, PanelJudge, PanelState, PanelSubject, Sheet
from ronghe.core.scope import has_perm_at, require_at
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import IndicatorKind
from ronghe.core.scoring.rules import SchemeRules
from ronghe.core.types import Actor, OrgNode
from ronghe.core.workflow import services as workflow
from ronghe.core.workflow.process import Process, Step

PANEL_PROCESS = Process(
    name="judging.panel",
    noun="评审组",
    state_field="state",
    steps={(PanelState.OPEN, "close"): Step(PanelState.CLOSED, permission_from="manage_permission")},
    state_labels=dict(PanelState.choices),
    action_labels={"close": "结束评分"},
    audit_event="judging.panel_{action}",
)

NOT_A_JUDGE = "您不是本评审组的评委"
RECUSED = "回避：评委不为本单位的评审对象评分"


def open_panel(
    *,
    actor: Actor | None,
    kind: str,
    object_id: int,
    organization: OrgNode,
    title: str,
    indicators: Sequence[Mapping[str, Any]],
    method: str,
    manage_permission: str,
) -> Panel:
    """A panel over the entered indicators ({code, name, min, max}) of one campaign or selection."""
    require_at(actor, manage_permission, organization.path)
    if method not in levels.AGGREGATIONS:
        raise DomainError("汇总方法无效", field="method")
    if not indicators:
        raise DomainError("方案中没有需要评委评分的指标", field="indicators")
    with transaction.atomic():
        panel = Panel.objects.create(
            kind=kind,
            object_id=object_id,
            organization_id=organization.pk,
            title=title,
            indicators=[dict(i) for i in indicators],
            method=method,
            manage_permission=manage_permission,
        )
        workflow.start(PANEL_PROCESS, panel, by=actor)
        audit.record("judging.panel_opened", actor=actor, obj=panel)
    return panel


def _manage(actor: Actor | None, panel: Panel) -> None:
    require_at(actor, panel.manage_permission, panel.organization.path)


def replace_indicators(
    *, actor: Actor | None, panel: Panel, indicators: Sequence[Mapping[str, Any]]
) -> Panel:
    """The campaign's criteria changed before scoring began: the panel scores the new set. Refused once
    a sheet exists (a judge's scores are never re-read against other criteria)."""
    _manage(actor, panel)
    if not indicators:
        raise DomainError("方案中没有需要评委评分的指标", field="indicators")
    if panel.state != PanelState.OPEN or Sheet.objects.filter(panel=panel).exists():
        raise DomainError("评委已开始评分，评分指标不能再修改")
    with transaction.atomic():
        before = [i["code"] for i in panel.indicators]
        panel.indicators = [dict(i) for i in indicators]
        panel.save(update_fields=["indicators"])
        audit.record(
            "judging.panel_indicators_replaced",
            actor=actor,
            obj=panel,
            changes={"before": before, "after": [i["code"] for i in panel.indicators]},
        )
    return panel


def judged_indicators(rules: SchemeRules) -> list[dict[str, Any]]:
    """The entered (non-veto) indicators of a scheme that judges score, with their ranges: a panel's
    indicators."""
    return [
        {
            "code": i.code,
            "name": i.name,
            "min": format(i.floor if i.floor is not None else Decimal("0"), "f"),
            "max": None if i.ceiling is None else format(i.ceiling, "f"),
        }
        for i in rules.indicators
        if i.kind == IndicatorKind.ENTERED
    ]


def add_judge(*, actor: Actor | None, panel: Panel, judge: Any, unit_id: int | None) -> PanelJudge:
    """Name a judge (an account holding `judging.score` at the panel's node) with their own unit."""
    _manage(actor, panel)
    if not has_perm_at(judge, "judging.score", panel.organization.path):
        raise DomainError(f"“{judge.get_full_name() or judge.username}”没有评委角色", field="judge")
    with transaction.atomic():
        row, created = PanelJudge.objects.update_or_create(
            panel=panel, judge=judge, defaults={"unit_id": unit_id}
        )
        if created:
            audit.record("judging.judge_added", actor=actor, obj=panel, changes={"judge": judge.username})
    return row


def add_subject(
    *, panel: Panel, key: str, label: str, organization: OrgNode, unit_id: int | None
) -> PanelSubject:
    """Put a subject on the panel's list (the calling module decides when: 初审 passed…)."""
    row, _ = PanelSubject.objects.update_or_create(
        panel=panel,
        key=key,
        defaults={"label": label, "organization_id": organization.pk, "unit_id": unit_id},
    )
    return row


def judge_row(panel: Panel, actor: Actor | None) -> PanelJudge | None:
    if actor is None or not actor.pk:
        return None
    return PanelJudge.objects.filter(panel=panel, judge_id=actor.pk).first()


def recused(judge: PanelJudge, subject: PanelSubject) -> bool:
    return judge.unit_id is not None and judge.unit_id == subject.unit_id


def parse_scores(panel: Panel, raw: Mapping[str, Any]) -> dict[str, Decimal]:
    """Every indicator scored, each a number within its range; errors keyed `score_<code>`."""
    errors: dict[str, list[str]] = {}
    scores: dict[str, Decimal] = {}
    for ind in panel.indicators:
        code, name = ind["code"], ind["name"]
        text = str(raw.get(code, "") if raw.get(code) is not None else "").strip()
        if not text:
            errors[f"score_{code}"] = [f"请为“{name}”评分"]
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            errors[f"score_{code}"] = [f"“{name}”的分值应为数字"]
            continue
        low, high = Decimal(str(ind.get("min") or 0)), ind.get("max")
        if not value.is_finite() or value < low or (high is not None and value > Decimal(str(high))):
            span = (
                f"{levels.plain(low)}–{levels.plain(Decimal(str(high)))}" if high is not None else f"≥ {low}"
            )
            errors[f"score_{code}"] = [f"“{name}”的分值应在 {span} 之间"]
            continue
        if value.as_tuple().exponent < -2:  # type: ignore[operator]
            errors[f"score_{code}"] = [f"“{name}”的分值最多保留两位小数"]
            continue
        scores[code] = value
    if errors:
        raise InvalidInput(errors)
    return scores


def submit_sheet(
    *, actor: Actor | None, panel: Panel, subject: PanelSubject, scores: Mapping[str, Any], comment: str = ""
) -> Sheet:
    """A judge's sheet for one subject (re-submitting while open replaces it, audited)."""
    if panel.state != PanelState.OPEN:
        raise DomainError("评分已结束，不能再提交或修改评分表")
    judge = judge_row(panel, actor)
    if judge is None or actor is None:
        raise DomainError(NOT_A_JUDGE)
    if subject.panel_id != panel.pk:
        raise DomainError("评审名单中没有该对象")
    if recused(judge, subject):
        raise DomainError(RECUSED)
    values = parse_scores(panel, scores)
    stored = {code: format(v, "f") for code, v in values.items()}
    with transaction.atomic():
        sheet, created = Sheet.objects.update_or_create(
            panel=panel,
            subject=subject,
            judge_id=actor.pk,
            defaults={"scores": stored, "comment": comment.strip()},
        )
        audit.record(
            "judging.sheet_submitted" if created else "judging.sheet_changed",
            actor=actor,
            obj=sheet,
            changes={"subject": subject.label, "scores": stored},
        )
    return sheet


def close(*, actor: Actor | None, panel: Panel) -> Panel:
    workflow.transition(PANEL_PROCESS, panel, "close", by=actor)
    return panel


def results(panel: Panel) -> dict[str, dict[str, Decimal | None]]:
    """Per subject key, each indicator's combined score over the submitted sheets."""
    by_subject: dict[str, list[dict[str, Decimal]]] = defaultdict(list)
    for key, scores in Sheet.objects.filter(panel=panel).values_list("subject__key", "scores"):
        by_subject[key].append({c: Decimal(v) for c, v in scores.items()})
    codes = [i["code"] for i in panel.indicators]
    return {key: levels.aggregate_sheets(sheets, codes, panel.method) for key, sheets in by_subject.items()}


def sheet_counts(panel: Panel) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for key in Sheet.objects.filter(panel=panel).values_list("subject__key", flat=True):
        counts[key] += 1
    return dict(counts)


def visible_sheets(panel: Panel, actor: Actor | None) -> QuerySet[Sheet]:
    """A judge sees their own sheets; everyone else who may manage the panel sees all of them once
    it is closed (no judge sees another's scores while scoring is open)."""
    qs = Sheet.objects.filter(panel=panel).select_related("judge", "subject")
    if panel.state == PanelState.CLOSED and has_perm_at(
        actor, panel.manage_permission, panel.organization.path
    ):
        return qs
    return qs.filter(judge_id=actor.pk) if actor is not None and actor.pk else qs.none()


def closed_sheets(panel: Panel, subject_key: str) -> list[Sheet]:
    """One subject's sheets once scoring has closed (none while judges are still scoring); the
    calling module decides who may read them (ratings: the 工委, and the branch after publication)."""
    if panel.state != PanelState.CLOSED:
        return []
    return list(
        Sheet.objects.filter(panel=panel, subject__key=subject_key).select_related("judge").order_by("id")
    )


def panels_for_judge(actor: Actor | None) -> QuerySet[Panel]:
    if actor is None or not actor.pk:
        return Panel.objects.none()
    return Panel.objects.filter(judges__judge_id=actor.pk).select_related("organization")


def pending_count(actor: Actor | None) -> int:
    """Subjects the judge still has to score in open panels (recused ones excluded), for the to-do."""
    total = 0
    for judge in PanelJudge.objects.filter(judge_id=getattr(actor, "pk", None), panel__state=PanelState.OPEN):
        subjects = PanelSubject.objects.filter(panel_id=judge.panel_id).exclude(
            sheets__judge_id=judge.judge_id
        )
        if judge.unit_id is not None:
            subjects = subjects.exclude(unit_id=judge.unit_id)
        total += subjects.count()
    return total


def subjects_with_status(panel: Panel, judge: PanelJudge | None) -> Iterable[tuple[PanelSubject, str]]:
    """The panel's subjects for a judge's page: 已评 / 待评 / 回避."""
    done = (
        set(Sheet.objects.filter(panel=panel, judge_id=judge.judge_id).values_list("subject_id", flat=True))
        if judge
        else set()
    )
    for subject in panel.subjects.select_related("organization"):
        if judge is not None and recused(judge, subject):
            yield subject, "回避"
        else:
            yield subject, "已评" if subject.pk in done else "待评"
