"""Case use-cases: the whole path, refusals with Chinese messages and nothing written, the audit rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.core.errors import DomainError, TransitionNotAllowed
from ronghe.core.models import AuditEntry
from ronghe.core.workflow.models import History
from ronghe.discipline import services
from ronghe.discipline.choices import CaseAction, CaseSource, CaseState, RiskLevel, SanctionKind
from ronghe.discipline.models import Case, Risk, RiskReview, Sanction
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 4)


def _clue(cast, actor, member=None):
    return services.receive_clue(
        actor=actor,
        member=member or cast.member_a_record,
        source=CaseSource.LETTER,
        received_on=date(2026, 3, 2),
        summary="反映其违规收受礼金",
        today=TODAY,
    )


def _step(case, actor, action, **kw):
    kw.setdefault("on", date(2026, 4, 1))
    return services.advance_case(actor=actor, case=case, action=action, today=TODAY, **kw)


def test_clue_to_sanction_to_closed(cast, jijian_a):
    # given a clue received
    case = _clue(cast, jijian_a)
    assert (case.state, case.organization) == (CaseState.RECEIVED, cast.branch_a)
    # when it is checked, filed, decided and closed
    _step(case, jijian_a, CaseAction.VERIFY, on=date(2026, 3, 5))
    _step(case, jijian_a, CaseAction.FILE, comment="初核属实，予以立案", on=date(2026, 3, 20))
    _step(
        case,
        jijian_a,
        CaseAction.SANCTION,
        comment="审查属实",
        on=date(2026, 4, 20),
        kind=SanctionKind.PROBATION,
        starts_on=date(2026, 4, 20),
        probation_years=2,
        document_number="纪字〔2026〕3号",
    )
    _step(case, jijian_a, CaseAction.CLOSE, on=date(2026, 4, 30))
    # then
    case.refresh_from_db()
    assert (case.state, case.filed_on, case.finished_on, case.findings) == (
        CaseState.CLOSED,
        date(2026, 3, 20),
        date(2026, 4, 30),
        "审查属实",
    )
    sanction = Sanction.objects.get(case=case)
    assert (
        sanction.kind,
        sanction.category,
        sanction.starts_on,
        sanction.ends_on,
        sanction.document_number,
    ) == ("probation", "party", date(2026, 4, 20), date(2028, 4, 19), "纪字〔2026〕3号")
    assert list(
        History.objects.filter(process="discipline.case", object_id=case.pk).values_list(
            "to_state", flat=True
        )
    ) == ["received", "verifying", "filed", "decided", "closed"]


def test_the_audit_log_keeps_no_case_text(cast, jijian_a):
    case = _clue(cast, jijian_a)
    _step(case, jijian_a, CaseAction.VERIFY)
    _step(case, jijian_a, CaseAction.CONCLUDE, comment="反映问题查无实据")
    rows = list(
        AuditEntry.objects.filter(event__startswith="discipline.")
        .order_by("id")
        .values_list("event", "changes")
    )
    assert [e for e, _ in rows] == [
        "discipline.case_create",
        "discipline.case_verify",
        "discipline.case_conclude",
    ]
    text = str(rows)
    assert "礼金" not in text and "查无实据" not in text
    assert rows[-1][1]["comment"] == "已填写（内容仅纪检可见）"


def test_a_sanction_before_filing_is_refused_and_nothing_written(cast, jijian_a):
    case = _clue(cast, jijian_a)
    _step(case, jijian_a, CaseAction.VERIFY)
    with pytest.raises(TransitionNotAllowed, match="“初核”状态的案件不能给予处分"):
        _step(
            case,
            jijian_a,
            CaseAction.SANCTION,
            comment="x",
            kind=SanctionKind.WARNING,
            starts_on=date(2026, 4, 1),
        )
    case.refresh_from_db()
    assert case.state == CaseState.VERIFYING
    assert not Sanction.objects.exists()


def test_a_wrong_kind_is_refused_and_nothing_written(cast, jijian_a):
    case = _clue(cast, jijian_a)
    _step(case, jijian_a, CaseAction.VERIFY)
    _step(case, jijian_a, CaseAction.FILE, comment="立案")
    with pytest.raises(DomainError) as exc:
        _step(
            case,
            jijian_a,
            CaseAction.SANCTION,
            comment="审查",
            kind=SanctionKind.ADMONITION,
            starts_on=date(2026, 4, 1),
        )
    assert (exc.value.field, exc.value.message) == ("kind", "给予处分时请选择党纪处分或政务处分的种类")
    case.refresh_from_db()
    assert case.state == CaseState.FILED
    assert not Sanction.objects.exists()
    assert History.objects.filter(process="discipline.case", object_id=case.pk).count() == 3


def test_filing_needs_a_reason(cast, jijian_a):
    case = _clue(cast, jijian_a)
    _step(case, jijian_a, CaseAction.VERIFY)
    with pytest.raises(DomainError, match="立案时请填写立案依据"):
        _step(case, jijian_a, CaseAction.FILE)
    case.refresh_from_db()
    assert case.state == CaseState.VERIFYING


def test_a_future_date_is_refused(cast, jijian_a):
    with pytest.raises(DomainError) as exc:
        services.receive_clue(
            actor=jijian_a,
            member=cast.member_a_record,
            source=CaseSource.LETTER,
            received_on=date(2026, 5, 5),
            summary="x",
            today=TODAY,
        )
    assert (exc.value.field, exc.value.message) == ("received_on", "受理日期：不能晚于今天")
    assert not Case.objects.exists()


def test_another_subtrees_discipline_cannot_act(cast, jijian_a, jijian_b):
    case = _clue(cast, jijian_a)
    with pytest.raises(PermissionDenied):
        _step(case, jijian_b, CaseAction.VERIFY)
    with pytest.raises(PermissionDenied):
        _clue(cast, jijian_b)  # B's 纪检 cannot receive a clue about A's member
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


def test_nobody_handles_a_clue_about_themselves(cast):
    from ronghe.accounts.choices import Role
    from tests.factories import grant

    record = MemberFactory(name="钱纪检", organization=cast.branch_a)
    own = UserFactory(username="jijian_self", member=record)
    grant(own, Role.DISCIPLINE_REVIEWER, cast.org_a)
    with pytest.raises(PermissionDenied, match="不能办理反映本人的问题线索"):
        _clue(cast, own, member=record)
    assert not Case.objects.exists()


def test_a_risk_review_moves_the_next_review(cast, jijian_a):
    risk = services.create_risk(
        actor=jijian_a,
        organization=cast.branch_a,
        post="财务审核岗",
        description="报销把关不严",
        level=RiskLevel.HIGH,
        measures="双人复核",
        owner="张甲",
        review_months=6,
        today=date(2026, 1, 10),
    )
    assert risk.next_review_on == date(2026, 7, 10)
    services.review_risk(
        actor=jijian_a,
        risk=risk,
        reviewed_on=date(2026, 5, 1),
        level=RiskLevel.MEDIUM,
        note="措施落实",
        today=TODAY,
    )
    risk.refresh_from_db()
    assert (risk.level, risk.last_reviewed_on, risk.next_review_on) == (
        "medium",
        date(2026, 5, 1),
        date(2026, 11, 1),
    )
    with pytest.raises(DomainError, match="复核情况：请填写"):
        services.review_risk(
            actor=jijian_a, risk=risk, reviewed_on=date(2026, 5, 2), level="low", note=" ", today=TODAY
        )
    assert RiskReview.objects.count() == 1
    assert Risk.objects.get().level == "medium"
