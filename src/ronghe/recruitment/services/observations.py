"""The 培养考察 records and 思想汇报 kept while a person is observed."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.scope import require_at
from ronghe.recruitment import rules
from ronghe.recruitment.choices import ObservationKind, Stage
from ronghe.recruitment.models import Observation, RecruitmentCase
from ronghe.recruitment.services.errors import RecruitmentError

OBSERVED_STAGES = frozenset({Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY})


@transaction.atomic
def add_observation(
    *, actor: User | None, case: RecruitmentCase, kind: str, on: date, content: str, today: date | None = None
) -> Observation:
    """A 培养考察 record (every 6 months) or a 思想汇报 (every quarter) of an activist or 预备党员."""
    if actor is not None:
        require_at(actor, rules.EDIT, case.organization.path)
    if case.stage not in OBSERVED_STAGES:
        raise RecruitmentError(f"“{case.get_stage_display()}”阶段不记录培养考察和思想汇报")
    if kind not in ObservationKind.values:
        raise RecruitmentError("类型：请选择培养考察或思想汇报", "kind")
    if not content.strip():
        raise RecruitmentError("内容：请填写考察意见或汇报内容", "content")
    today = today or timezone.localdate()
    if on > today:
        raise RecruitmentError("日期：不能晚于今天", "on")
    if case.activist_on and on < case.activist_on:
        raise RecruitmentError(f"日期：不能早于确定为入党积极分子的 {case.activist_on:%Y-%m-%d}", "on")
    row = Observation.objects.create(case=case, kind=kind, on=on, content=content.strip(), recorded_by=actor)
    audit.record(
        "recruitment.observation_create", actor=actor, obj=case, changes={"kind": kind, "on": str(on)}
    )
    return row
