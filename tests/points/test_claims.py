"""Claims: submit → approve/reject → ledger; every bad input refused in Chinese with nothing written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from ronghe.core.errors import Conflict, DomainError, TransitionNotAllowed
from ronghe.core.models import AuditEntry
from ronghe.core.scoring.services import clone_scheme
from ronghe.core.workflow.models import History
from ronghe.points import services
from ronghe.points.models import Claim, MemberYear, PointsEntry
from tests.factories import grant
from tests.points.conftest import YEAR

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def submit(cast, ind, **over):
    data = {
        "actor": cast.member_a,
        "member": cast.member_a_record,
        "indicator": ind("article"),
        "occurred_on": date(YEAR, 3, 1),
        "points": "3",
        "description": "撰写学习心得一篇",
    }
    data.update(over)
    return services.submit_claim(**data)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(YEAR, 11, 24))


def test_claim_approved_reaches_the_ledger_and_total(cast, scheme, ind):
    claim = submit(cast, ind, photo=SimpleUploadedFile("a.png", PNG, content_type="image/png"))
    assert claim.state == "submitted" and claim.photo_type == "image/png"
    services.transition_claim(claim=claim, action="approve", actor=cast.secretary_a)
    claim.refresh_from_db()
    assert claim.state == "approved"
    entry = PointsEntry.objects.get(source_type="claim", source_id=str(claim.pk))
    assert entry.points == D("3")
    assert MemberYear.objects.get(member=cast.member_a_record, year=YEAR).total == D("63")
    rows = History.objects.filter(process="points.claim", object_id=claim.pk)
    assert list(rows.values_list("from_state", "to_state", "action", "actor")) == [
        ("", "submitted", "", cast.member_a.pk),
        ("submitted", "approved", "approve", cast.secretary_a.pk),
    ]
    assert AuditEntry.objects.filter(event="points.claim_approve").count() == 1


def test_rejection_needs_a_reason_and_writes_nothing_to_the_ledger(cast, scheme, ind):
    claim = submit(cast, ind)
    with pytest.raises(DomainError, match="退回申报时请填写理由") as err:
        services.transition_claim(claim=claim, action="reject", actor=cast.secretary_a, comment="")
    assert err.value.field == "comment"
    services.transition_claim(claim=claim, action="reject", actor=cast.secretary_a, comment="材料不全")
    claim.refresh_from_db()
    assert (claim.state, claim.decision_reason) == ("rejected", "材料不全")
    assert not PointsEntry.objects.exists()
    with pytest.raises(TransitionNotAllowed, match="“未通过”状态的申报不能通过"):
        services.transition_claim(claim=claim, action="approve", actor=cast.secretary_a)


@pytest.mark.parametrize(
    ("_case", "over", "message"),
    [
        ("negative", {"points": "-3"}, "申报分值必须大于 0"),
        ("zero", {"points": "0"}, "申报分值必须大于 0"),
        ("non_numeric", {"points": "三分"}, "分值必须是数字"),
        ("future", {"occurred_on": date(YEAR, 12, 30)}, "活动日期不能晚于今天"),
        ("no_text", {"description": "  "}, "请填写活动说明"),
        (
            "non_image",
            {"photo": SimpleUploadedFile("a.png", b"%PDF-1.4 not an image")},
            "照片必须是 JPG、PNG、GIF 或 WebP 格式的图片",
        ),
        (
            "oversized",
            {"photo": SimpleUploadedFile("a.png", PNG + b"\x00" * (5 * 1024 * 1024))},
            "照片不能超过 5 MB",
        ),
    ],
)
def test_bad_claims_are_refused_with_nothing_written(cast, scheme, ind, _case, over, message):
    with pytest.raises(services.PointsError) as err:
        submit(cast, ind, **over)
    assert err.value.message == message
    assert Claim.objects.count() == 0
    assert not AuditEntry.objects.filter(event="points.claim_submitted").exists()


def test_indicator_from_another_scheme_is_refused(cast, scheme, ind):
    other = clone_scheme(scheme=scheme, year=YEAR - 1)
    with pytest.raises(services.PointsError, match="所选指标不属于该党员适用的积分方案"):
        submit(cast, ind, indicator=other.indicators.get(code="article"))
    assert Claim.objects.count() == 0


def test_auto_collected_indicator_cannot_be_claimed(cast, scheme, ind):
    with pytest.raises(services.PointsError, match="自动采集"):
        submit(cast, ind, indicator=ind("theme_day"))


def test_claim_in_a_finalized_year_is_refused(cast, scheme, ind):
    services.start_publicity(
        actor=cast.committee_admin, organization=cast.committee, year=YEAR, until=date(YEAR, 11, 24)
    )
    services.finalize_year(actor=cast.committee_admin, organization=cast.committee, year=YEAR)
    with pytest.raises(services.PointsError, match="2026 年度积分已定稿"):
        submit(cast, ind)
    assert Claim.objects.count() == 0


def test_approving_ones_own_claim_is_refused(cast, scheme, ind):
    # given a secretary who is also a member in A and filed a claim
    claim = submit(cast, ind)
    secretary_member = cast.member_a
    grant(secretary_member, "branch_secretary", cast.branch_a)
    with pytest.raises(TransitionNotAllowed, match="不能审核本人的申报"):
        services.transition_claim(claim=claim, action="approve", actor=secretary_member)
    claim.refresh_from_db()
    assert claim.state == "submitted"
    assert not PointsEntry.objects.exists()


def test_outsider_and_member_cannot_decide(cast, scheme, ind):
    claim = submit(cast, ind)
    for user in (cast.outsider_b, cast.member_a):
        with pytest.raises(PermissionDenied):
            services.transition_claim(claim=claim, action="approve", actor=user)
    claim.refresh_from_db()
    assert claim.state == "submitted"


def test_member_withdraws_own_claim(cast, scheme, ind):
    claim = submit(cast, ind)
    services.transition_claim(claim=claim, action="withdraw", actor=cast.member_a)
    claim.refresh_from_db()
    assert claim.state == "withdrawn"


def test_a_claim_decided_twice_is_refused(cast, scheme, ind):
    claim = submit(cast, ind)
    stale = Claim.objects.get(pk=claim.pk)
    services.transition_claim(claim=claim, action="approve", actor=cast.secretary_a)
    with pytest.raises(Conflict, match="该申报已被他人处理，请刷新后查看"):
        services.transition_claim(claim=stale, action="approve", actor=cast.committee_admin)
    assert PointsEntry.objects.count() == 1
    assert History.objects.filter(process="points.claim", object_id=claim.pk, action="approve").count() == 1
    assert AuditEntry.objects.filter(event="points.claim_approve").count() == 1
