"""Secret-vote services: open a ballot, cast one vote per account, close, read the counts.

A module opens a ballot for its object and reads `counts()` once it is closed; the vote page
(`voting:vote`) is the same for every module.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import require_at
from ronghe.core.types import Actor, OrgNode
from ronghe.core.voting.models import Ballot, BallotState, Tally, Voter

MAX_MINUTES = 24 * 60


def _pairs(rows: list[dict[str, str]], what: str) -> list[dict[str, str]]:
    cleaned = [{"key": str(r["key"]), "label": str(r["label"])} for r in rows]
    keys = [r["key"] for r in cleaned]
    if not cleaned or len(set(keys)) != len(keys):
        raise DomainError(f"{what}不能为空，且不能重复")
    return cleaned


def open_ballot(
    *,
    actor: Actor,
    kind: str,
    object_id: int,
    organization: OrgNode,
    title: str,
    subjects: list[dict[str, str]],
    options: list[dict[str, str]],
    minutes: int,
    manage_permission: str,
    now: datetime | None = None,
) -> Ballot:
    """Open a ballot now for `minutes` minutes, with a zero count for every subject × option."""
    require_at(actor, manage_permission, organization.path)
    if not 1 <= minutes <= MAX_MINUTES:
        raise DomainError(f"投票时长应在 1–{MAX_MINUTES} 分钟之间", field="minutes")
    subjects = _pairs(subjects, "测评对象")
    options = _pairs(options, "选项")
    now = now or timezone.now()
    with transaction.atomic():
        ballot = Ballot.objects.create(
            kind=kind,
            object_id=object_id,
            organization_id=organization.pk,
            title=title,
            subjects=subjects,
            options=options,
            token=secrets.token_urlsafe(24),
            opens_at=now,
            closes_at=now + timedelta(minutes=minutes),
            manage_permission=manage_permission,
            created_by_id=actor.pk,
        )
        Tally.objects.bulk_create(
            Tally(ballot=ballot, subject_key=s["key"], option_key=o["key"]) for s in subjects for o in options
        )
        audit.record(
            "voting.open", actor=actor, obj=ballot, changes={"subjects": len(subjects), "minutes": minutes}
        )
    return ballot


def is_open(ballot: Ballot, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return ballot.state == BallotState.OPEN and ballot.opens_at <= now < ballot.closes_at


def has_voted(ballot: Ballot, user: Actor) -> bool:
    return user.pk is not None and Voter.objects.filter(ballot=ballot, user_id=user.pk).exists()


def cast(*, user: Actor, ballot: Ballot, choices: Mapping[str, str], now: datetime | None = None) -> None:
    """Record one account's vote: one option for every subject, once; counts only, no identity."""
    if not user.is_authenticated:
        raise DomainError("请先登录后再投票")
    now = now or timezone.now()
    if ballot.state != BallotState.OPEN or now >= ballot.closes_at:
        raise DomainError("投票已结束，不能再投票", code="closed")
    if now < ballot.opens_at:
        raise DomainError("投票尚未开始", code="not_started")
    options = {o["key"] for o in ballot.options}
    missing = [s["label"] for s in ballot.subjects if choices.get(s["key"]) not in options]
    if missing:
        raise DomainError(f"请为每位测评对象选择一项：{'、'.join(missing)}", code="incomplete")
    subjects = {s["key"] for s in ballot.subjects}
    try:
        with transaction.atomic():
            Voter.objects.create(ballot=ballot, user_id=user.pk)
            for subject, option in choices.items():
                if subject in subjects:
                    Tally.objects.filter(ballot=ballot, subject_key=subject, option_key=option).update(
                        count=F("count") + 1
                    )
            # The audit names the ballot only: what was chosen is never recorded.
            audit.record("voting.cast", actor=user, obj=ballot)
    except IntegrityError:
        raise DomainError("您已投过票，每人只能投一次", code="already_voted") from None


def close(*, actor: Actor, ballot: Ballot, now: datetime | None = None) -> Ballot:
    require_at(actor, ballot.manage_permission, ballot.organization.path)
    if ballot.state == BallotState.CLOSED:
        raise DomainError("投票已经结束", code="closed")
    now = now or timezone.now()
    with transaction.atomic():
        updated = Ballot.objects.filter(pk=ballot.pk, state=BallotState.OPEN).update(
            state=BallotState.CLOSED, closed_at=now
        )
        if updated != 1:
            raise DomainError("投票已经结束", code="closed")
        ballot.state, ballot.closed_at = BallotState.CLOSED, now
        audit.record("voting.close", actor=actor, obj=ballot, changes={"voters": voter_count(ballot)})
    return ballot


def voter_count(ballot: Ballot) -> int:
    return Voter.objects.filter(ballot=ballot).count()


def counts(ballot: Ballot) -> dict[str, dict[str, int]]:
    """{subject key: {option key: count}} — for the module once the ballot is closed."""
    out: dict[str, dict[str, int]] = {
        s["key"]: {o["key"]: 0 for o in ballot.options} for s in ballot.subjects
    }
    for subject, option, n in Tally.objects.filter(ballot=ballot).values_list(
        "subject_key", "option_key", "count"
    ):
        out.setdefault(subject, {})[option] = n
    return out


def for_object(kind: str, object_id: int) -> Ballot | None:
    """The latest ballot of one module's object."""
    return Ballot.objects.filter(kind=kind, object_id=object_id).order_by("-created_at", "-id").first()
