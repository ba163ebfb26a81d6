"""Year end: 公示 of a subtree's results, then finalize, which stores results and freezes the year."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.scope import has_perm_at
from ronghe.core.scoring import rules as scoring
from ronghe.core.scoring.models import Result, Scheme
from ronghe.orgs.models import Organization
from ronghe.points.choices import YearStatus
from ronghe.points.models import MemberYear, PointsEntry, YearClosing
from ronghe.points.services.resolve import (
    BATCH,
    PointsError,
    Resolver,
)
from ronghe.points.services.results import recompute_year


def _closing(organization: Organization, year: int) -> YearClosing:
    closing, _ = YearClosing.objects.get_or_create(organization=organization, year=year)
    return closing


def start_publicity(
    *,
    actor: User,
    organization: Organization,
    year: int,
    until: date | None = None,
    working_days: int | None = None,
) -> YearClosing:
    """Open the 公示 period of a year's results for a subtree (points.manage_scheme there).

    The period is either ``working_days`` working days counted from tomorrow (core.workdays:
    holidays and 调休 included; a year without a published arrangement falls back to
    Monday–Friday and the closing is flagged) or an explicit end date ``until``.
    """
    from ronghe.core import workdays

    if not has_perm_at(actor, "points.manage_scheme", organization.path):
        raise PermissionDenied("您没有年度定稿的权限")
    today = timezone.localdate()
    fallback = False
    if working_days:
        try:
            span = workdays.add_working_days(today, working_days, workdays.load_table())
        except ValueError as exc:
            raise PointsError(str(exc), field="working_days") from exc
        until, fallback = span.end, span.fallback
    if until is None:
        raise PointsError("请填写公示期（工作日）或公示截止日期", field="working_days")
    if until < today:
        raise PointsError("公示截止日期不能早于今天", field="until")
    with transaction.atomic():
        closing = _closing(organization, year)
        if closing.status == YearStatus.FINALIZED:
            raise PointsError(f"{year} 年度积分已定稿")
        recompute_year(year=year, organization=organization)
        closing.status = YearStatus.PUBLICITY
        closing.publicity_from = today
        closing.publicity_until = until
        closing.publicity_working_days = working_days or None
        closing.publicity_fallback = fallback
        closing.save()
        audit.record(
            "points.publicity_started",
            actor=actor,
            obj=closing,
            changes={
                "year": year,
                "until": str(until),
                "working_days": working_days,
                "weekday_fallback": fallback,
            },
        )
    return closing


def finalize_year(*, actor: User, organization: Organization, year: int) -> YearClosing:
    """Finalize after the 公示 period: store every member's result with its rules snapshot; freeze."""
    if not has_perm_at(actor, "points.manage_scheme", organization.path):
        raise PermissionDenied("您没有年度定稿的权限")
    with transaction.atomic():
        closing = _closing(organization, year)
        if closing.status != YearStatus.PUBLICITY:
            raise PointsError("须先公示，公示期满后才能定稿")
        if closing.publicity_until and timezone.localdate() < closing.publicity_until:
            raise PointsError(f"公示期至 {closing.publicity_until:%Y-%m-%d}，期满后才能定稿")
        count = recompute_year(year=year, organization=organization)
        _store_results(year=year, organization=organization)
        closing.status = YearStatus.FINALIZED
        closing.finalized_at = timezone.now()
        closing.finalized_by = actor
        closing.save()
        audit.record(
            "points.year_finalized", actor=actor, obj=closing, changes={"year": year, "members": count}
        )
    return closing


def _store_results(*, year: int, organization: Organization) -> None:
    """One scoring.Result per member: total, breakdown with evidence refs, and the rules snapshot."""
    resolver = Resolver()
    rows = list(
        MemberYear.objects.filter(year=year, organization__path__startswith=organization.path).values_list(
            "member_id", "organization_id", "scheme_id"
        )
    )
    schemes = {s.pk: s for s in Scheme.objects.filter(pk__in={r[2] for r in rows})}
    period = str(year)
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        ids = [r[0] for r in chunk]
        events: dict[int, list[scoring.Event]] = defaultdict(list)
        for member_id, code, on, points, st, sid in PointsEntry.objects.filter(
            member_id__in=ids, year=year
        ).values_list("member_id", "indicator__code", "occurred_on", "points", "source_type", "source_id"):
            events[member_id].append(scoring.Event(code, on, points, f"{st}:{sid}"))
        Result.objects.filter(
            subject_type="members.member", subject_id__in=[str(i) for i in ids], period=period
        ).delete()
        out = []
        for member_id, org_id, scheme_id in chunk:
            scheme = schemes[scheme_id]
            scheme_rules = resolver.rules(scheme)
            ev = scoring.evaluate(scheme_rules, events.get(member_id, []))
            out.append(
                Result(
                    scheme=scheme,
                    organization_id=org_id,
                    subject_type="members.member",
                    subject_id=str(member_id),
                    period=period,
                    total=ev.total,
                    grade=scoring.grade_label(ev.grades, [d.code for d in scheme_rules.dimensions]),
                    breakdown=ev.to_dict(),
                    snapshot=scheme_rules.to_snapshot(),
                )
            )
        Result.objects.bulk_create(out, batch_size=BATCH)
