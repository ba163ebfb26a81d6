"""The read side of 纪检's own pages and API: scoped to `discipline.view`, every case read audited."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import UUID

from django.db.models import QuerySet

from ronghe.core import audit
from ronghe.core.scope import get_for_user_or_404, scoped
from ronghe.core.types import Actor
from ronghe.core.workflow import services as workflow
from ronghe.core.workflow.models import History
from ronghe.discipline import rules
from ronghe.discipline.choices import OPEN_STATES
from ronghe.discipline.models import Case, Committee, Risk

VIEW = "discipline.view"


def cases_for_user(user: Actor | None) -> QuerySet[Case]:
    """The cases of the user's 纪检 scope, with their member and organization."""
    return scoped(Case.objects.select_related("member", "organization"), user, VIEW)


def case_for_user_or_404(user: Actor | None, code: UUID | str, perm: str = VIEW) -> Case:
    """One case, or 404 outside the user's 纪检 scope. The read is audited (who looked at which case)."""
    case = get_for_user_or_404(
        Case.objects.select_related("member", "organization", "created_by"), user, perm=perm, code=code
    )
    audit.record("discipline.case_view", actor=user, obj=case, org_path=case.organization.path)
    return case


def audit_list(user: Actor | None, where: str, shown: Iterable[Case]) -> None:
    """A list of cases is a read of each case on it: one audit row naming the cases shown."""
    codes = [str(c.code) for c in shown]
    audit.record(
        "discipline.case_list",
        actor=user,
        object_type="discipline.case",
        changes={"where": where, "cases": codes},
    )


def history(case: Case) -> list[History]:
    return workflow.history_for(rules.CASE_PROCESS, case)


def risks_for_user(user: Actor | None) -> QuerySet[Risk]:
    return scoped(Risk.objects.select_related("organization").filter(is_active=True), user, VIEW)


def overdue_risks(qs: QuerySet[Risk], today: date) -> QuerySet[Risk]:
    """Risks whose periodic review is past due (the due day itself is not late)."""
    return qs.filter(next_review_on__lt=today)


def committees_for_user(user: Actor | None) -> QuerySet[Committee]:
    return scoped(Committee.objects.select_related("organization"), user, VIEW).prefetch_related(
        "seats__member"
    )


def summary_for_user(user: Actor | None, today: date) -> dict[str, int]:
    """The 纪检 to-do counts: open cases and overdue risk reviews in the user's scope. Two queries."""
    return {
        "open_cases": cases_for_user(user).filter(state__in=OPEN_STATES).count(),
        "overdue_risks": overdue_risks(risks_for_user(user), today).count(),
    }
