"""更正 and 撤销 of a recorded 处分 by 纪检 only, with a reason (kept from the audit log), audited: a
revoked sanction stops gating — selections' eligibility, points' veto — and nothing is written on a
refusal."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ronghe.core.audit import AuditEntry
from ronghe.core.errors import DomainError
from ronghe.discipline import facts, services
from ronghe.discipline.choices import SanctionKind
from ronghe.discipline.models import Sanction
from ronghe.points import services as points
from ronghe.points.models import MemberYear
from tests.discipline.conftest import make_sanction

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 1)
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def _kinds(member):
    return [f.kind for f in facts.sanctions_in_force([member.pk], *YEAR).get(member.pk, [])]


def test_a_revoked_sanction_stops_gating(cast, jijian_a):
    # given a 警告 in force, vetoing the member's points of 2026
    points.seed_default_scheme(organization=cast.committee, year=2026)
    member = cast.member_a_record
    sanction = make_sanction(member, SanctionKind.WARNING, date(2026, 2, 2))
    points.sync_sanction_vetoes(year=2026)
    assert MemberYear.objects.get(member=member, year=2026).vetoed is True
    assert _kinds(member) == ["warning"]
    # when 纪检 revokes it on appeal
    services.revoke_sanction(
        actor=jijian_a, sanction=sanction, reason="申诉复查：事实不清", on=date(2026, 4, 30), today=TODAY
    )
    # then it is no fact any more, the veto is gone, and the audit row holds no 纪检 text
    assert _kinds(member) == []
    assert facts.sanctioned_members(*YEAR) == set()
    assert MemberYear.objects.get(member=member, year=2026).vetoed is False
    row = Sanction.objects.get(pk=sanction.pk)
    assert (row.revoked_on, row.revoke_reason, row.revoked_by) == (
        date(2026, 4, 30),
        "申诉复查：事实不清",
        jijian_a,
    )
    entry = AuditEntry.objects.get(event="discipline.sanction_revoke")
    assert "事实不清" not in str(entry.changes)
    # and a second revocation or a correction afterwards is refused
    with pytest.raises(DomainError, match="该处分已于 2026-04-30 撤销"):
        services.revoke_sanction(actor=jijian_a, sanction=row, reason="再撤销", today=TODAY)


def test_a_revoked_sanction_no_longer_blocks_a_nomination(cast, jijian_a):
    from ronghe.selections import rules
    from ronghe.selections import services as selections
    from tests.selections.flow import open_campaign

    member = cast.member_a_record
    sanction = make_sanction(member, SanctionKind.WARNING, date(2025, 3, 1))
    campaign = open_campaign(cast, eligibility=rules.Eligibility(no_sanction=True))
    assert [
        f.rule
        for f in selections.check_eligibility(campaign, member=member, organization=member.organization)
    ] == ["no_sanction"]
    services.revoke_sanction(actor=jijian_a, sanction=sanction, reason="复查撤销", today=TODAY)
    assert selections.check_eligibility(campaign, member=member, organization=member.organization) == []


def test_a_correction_moves_the_period_and_the_veto_follows(cast, jijian_a):
    points.seed_default_scheme(organization=cast.committee, year=2026)
    member = cast.member_a_record
    sanction = make_sanction(member, SanctionKind.WARNING, date(2026, 2, 2))
    points.sync_sanction_vetoes(year=2026)
    services.update_sanction(
        actor=jijian_a,
        sanction=sanction,
        starts_on=date(2026, 2, 2),
        ends_on=date(2026, 8, 1),
        document_number="纪字〔2026〕3号",
        reason="文号补录，影响期更正",
        today=TODAY,
    )
    row = Sanction.objects.get(pk=sanction.pk)
    assert (row.ends_on, row.document_number) == (date(2026, 8, 1), "纪字〔2026〕3号")
    entry = AuditEntry.objects.get(event="discipline.sanction_update")
    assert entry.changes["document_number"] == ["", "纪字〔2026〕3号"]
    assert "影响期更正" not in str(entry.changes)
    assert MemberYear.objects.get(member=member, year=2026).vetoed is True


def test_refusals_write_nothing(cast, jijian_a, jijian_b):
    sanction = make_sanction(cast.member_a_record, SanctionKind.WARNING, date(2026, 2, 2))
    with pytest.raises(DomainError, match="理由：请填写"):
        services.revoke_sanction(actor=jijian_a, sanction=sanction, reason=" ", today=TODAY)
    with pytest.raises(DomainError, match="撤销日期：不能晚于今天"):
        services.revoke_sanction(
            actor=jijian_a, sanction=sanction, reason="r", on=date(2026, 5, 2), today=TODAY
        )
    with pytest.raises(DomainError, match="影响期满日期不能早于生效日期"):
        services.update_sanction(
            actor=jijian_a,
            sanction=sanction,
            starts_on=date(2026, 2, 2),
            ends_on=date(2026, 1, 1),
            document_number="",
            reason="r",
            today=TODAY,
        )
    with pytest.raises(Exception, match="权限|无权"):
        services.revoke_sanction(actor=jijian_b, sanction=sanction, reason="越权", today=TODAY)
    row = Sanction.objects.get(pk=sanction.pk)
    assert (row.revoked_on, row.ends_on) == (None, sanction.ends_on)
    assert not AuditEntry.objects.filter(event__startswith="discipline.sanction_").exists()


def test_the_revoke_page_is_for_discipline_only(cast, jijian_a, jijian_b, client_for, time_machine):
    time_machine.move_to(TODAY)
    sanction = make_sanction(cast.member_a_record, SanctionKind.WARNING, date(2026, 2, 2))
    url = reverse("discipline:sanction-revoke", args=[sanction.case.code, sanction.pk])
    # not 纪检, or 纪检 of another subtree: nothing there
    assert client_for(cast.committee_admin).post(url, {"on": "2026-04-30", "reason": "r"}).status_code == 404
    assert client_for(jijian_b).post(url, {"on": "2026-04-30", "reason": "r"}).status_code == 404
    client = client_for(jijian_a)
    response = client.post(url, {"on": "2026-04-30", "reason": ""})
    assert response.status_code == 422 and "理由：请填写" in response.content.decode()
    assert Sanction.objects.get(pk=sanction.pk).revoked_on is None
    response = client.post(url, {"on": "2026-04-30", "reason": "申诉复查撤销"}, follow=True)
    body = response.content.decode()
    assert "已撤销处分“警告”" in body
    assert "已于 2026-04-30 撤销：申诉复查撤销" in body
