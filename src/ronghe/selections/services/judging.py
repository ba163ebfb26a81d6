"""Judging and ranking: the nominees go on the panel; standings combine the judges' sheets."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core.judging import services as judging
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import SchemeStatus
from ronghe.core.scoring.models import Campaign, Scheme
from ronghe.core.workflow import services as workflow
from ronghe.selections.models import Nomination
from ronghe.selections.rules import CAMPAIGN_PROCESS
from ronghe.selections.services.errors import SelectionError
from ronghe.selections.services.nominations import nominees
from ronghe.selections.services.opening import panel_of


def start_judging(*, actor: User, campaign: Campaign) -> Campaign:
    """截止推荐: every nominee goes on the judges' panel (with its unit, for 回避)."""
    workflow.check(CAMPAIGN_PROCESS, campaign, "judge", by=actor)
    rows = list(nominees(campaign).select_related("organization"))
    if not rows:
        raise SelectionError("还没有推荐对象，不能开始评审")
    panel = panel_of(campaign)
    if not panel.judges.exists():
        raise SelectionError("请先添加评委，再开始评审")
    with transaction.atomic():
        for n in rows:
            judging.add_subject(
                panel=panel, key=str(n.pk), label=n.title, organization=n.organization, unit_id=n.unit_id
            )
        # the criteria are fixed from here on (the scheme leaves draft; no other version to archive)
        Scheme.objects.filter(pk=campaign.scheme_id, status=SchemeStatus.DRAFT).update(
            status=SchemeStatus.ACTIVE, updated_at=timezone.now()
        )
        workflow.transition(CAMPAIGN_PROCESS, campaign, "judge", by=actor, data={"nominees": len(rows)})
    return campaign


def standings(
    campaign: Campaign,
) -> list[tuple[Nomination, levels.Placing, Decimal, dict[str, Decimal | None]]]:
    """Every nominee's combined scores, total and place under the campaign's rules, from the
    sheets submitted so far (nothing written). A nominee without a sheet does not compete."""
    scheme_rules = campaign.scheme.to_rules()
    level_rules = campaign.scheme.to_level_rules()
    judged = judging.results(panel_of(campaign))
    rows = list(nominees(campaign).select_related("organization", "unit"))
    candidates: list[levels.Candidate] = []
    by_key: dict[str, tuple[Nomination, Decimal, dict[str, Decimal | None]]] = {}
    for n in rows:
        values = judged.get(str(n.pk))
        evaluation = levels.evaluate_values(scheme_rules, values or {})
        ties = tuple((values or {}).get(code) or Decimal("0") for code in level_rules.tie_breakers)
        candidates.append(levels.Candidate(str(n.pk), 0 if values else None, evaluation.total, ties))
        by_key[str(n.pk)] = (n, evaluation.total, dict(values or {}))
    placings = levels.select_winners(candidates, campaign.selection.places, level_rules.tie_rule)
    return [(by_key[p.key][0], p, by_key[p.key][1], by_key[p.key][2]) for p in placings]
