"""AUD-1 / AUD-3: the catalogue of auditable changes. Each action leaves exactly one audit row of
its event; no audit row and no captured log line ever holds an ID number or a password."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ronghe.accounts import services as account_services
from ronghe.accounts import twofactor
from ronghe.accounts.choices import Role
from ronghe.core.models import AuditEntry
from ronghe.core.scoring.models import Indicator
from ronghe.members import exports as member_exports
from ronghe.members import imports as member_imports
from ronghe.members import services as member_services
from ronghe.orglife import services as orglife_services
from ronghe.orglife.models import Meeting
from ronghe.orgs import services as org_services
from ronghe.points import services as points_services
from tests.accounts.otp import code_for, enrol
from tests.factories import MemberFactory, UserFactory
from tests.imports.sheets import write_csv

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
SECRET_ID = "11010519491231002X"
SECRET_PASSWORD = "P@ss-Unique-123"  # noqa: S105


@dataclass
class Step:
    event: str
    act: Callable[..., object]


def _meeting(cast) -> Meeting:
    return orglife_services.record_meeting(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={"kind": "theme_day", "title": "三月主题党日", "held_at": datetime(2026, 3, 10, 9, tzinfo=TZ)},
        attendance=_everyone_present(cast),
        now=datetime(2026, 3, 10, 12, tzinfo=TZ),
    )


def _everyone_present(cast) -> dict[int, orglife_services.AttendanceEntry]:
    """A held meeting is saved with everyone expected marked (nobody is present by default)."""
    expected = orglife_services.members_for_attendance(cast.branch_a, kind="theme_day", on=date(2026, 3, 10))
    return {m.pk: orglife_services.AttendanceEntry("present") for m in expected}


def _indicator(claimable: bool = False) -> Indicator:
    qs = Indicator.objects.exclude(kind="veto")
    return (qs.filter(claimable=True) if claimable else qs).order_by("id").first()


def _import(cast, tmp_path):
    path = write_csv(
        tmp_path / "roster.csv",
        [["姓名", "性别", "身份证号", "入党时间", "所在党支部"], ["赵丙", "女", SECRET_ID, "2019-07-01", ""]],
    )
    return member_imports.commit(
        path=path,
        kind="csv",
        target=cast.branch_a,
        user=cast.secretary_a,
        valid_only=False,
        original_name="a.csv",
    )


def _claim(cast):
    return points_services.submit_claim(
        actor=cast.member_a,
        member=cast.member_a_record,
        indicator=_indicator(claimable=True),
        occurred_on=date(2026, 3, 2),
        points="1",
        description="志愿服务",
    )


CATALOGUE: dict[str, Step] = {
    "member create": Step(
        "member.create",
        lambda c, t: member_services.create_member(
            actor=c.secretary_a,
            organization=c.branch_a,
            id_number=SECRET_ID,
            phone="13912345678",
            name="赵丙",
            gender="女",
            birth_date=date(1949, 12, 31),
            joined_on=date(2019, 7, 1),
        ),
    ),
    "member update": Step(
        "member.update",
        lambda c, t: member_services.update_member(
            actor=c.secretary_a, member=c.member_a_record, id_number=SECRET_ID, remarks="改"
        ),
    ),
    "member status change": Step(
        "member.status_change",
        lambda c, t: member_services.change_status(
            actor=c.secretary_a,
            member=c.member_a_record,
            action="suspend",
            effective_on=date(2026, 3, 1),
            reason="长期失联",
            approval_ref="甲党字〔2026〕1号",
        ),
    ),
    "member transfer": Step(
        "member.transfer_internal",
        lambda c, t: member_services.transfer_internal(
            actor=c.committee_admin,
            member=c.member_a_record,
            to_organization=c.org_a,
            on_date=date(2026, 3, 1),
        ),
    ),
    "member unmask": Step(
        "member.unmask",
        lambda c, t: member_services.unmask(actor=c.committee_admin, member=c.member_a_record),
    ),
    "member import": Step("member.import", _import),
    "member export": Step(
        "member.export",
        lambda c, t: member_exports.export_roster(user=c.committee_admin, organization=None, full=True),
    ),
    "organization create": Step(
        "org.create",
        lambda c, t: org_services.create_organization(
            actor=c.secretary_a, parent=c.org_a, name="甲局第二党支部", kind="branch", unit=c.unit_a
        ),
    ),
    "organization update": Step(
        "org.update",
        lambda c, t: org_services.update_organization(actor=c.secretary_a, org=c.branch_a, name="甲一支"),
    ),
    "organization move": Step(
        "org.move",
        lambda c, t: org_services.move_subtree(actor=c.committee_admin, org=c.branch_a, new_parent=c.org_b),
    ),
    "meeting create": Step("orglife.meeting.create", lambda c, t: _meeting(c)),
    "meeting update": Step(
        "orglife.meeting.update",
        lambda c, t: orglife_services.update_meeting(
            actor=c.secretary_a,
            meeting=_meeting(c),
            data={"title": "改名"},
            attendance=_everyone_present(c),
        ),
    ),
    "meeting delete": Step(
        "orglife.meeting.delete",
        lambda c, t: orglife_services.delete_meeting(actor=c.secretary_a, meeting=_meeting(c)),
    ),
    "attendance correction": Step(
        "orglife.attendance.correct",
        lambda c, t: orglife_services.correct_attendance(
            actor=c.secretary_a,
            attendance=_meeting(c).attendances.get(member=c.member_a_record),
            status="excused",
            reason="出差",
            note="补记请假条",
        ),
    ),
    "points adjustment": Step(
        "points.adjusted",
        lambda c, t: points_services.adjust_points(
            actor=c.secretary_a,
            member=c.member_a_record,
            indicator=_indicator(),
            points="2",
            on=date(2026, 3, 1),
            reason="补记",
        ),
    ),
    "claim submitted": Step("points.claim_submitted", lambda c, t: _claim(c)),
    "claim approved": Step(
        "points.claim_",
        lambda c, t: points_services.transition_claim(claim=_claim(c), action="approve", actor=c.secretary_a),
    ),
    "role grant": Step(
        "role.grant",
        lambda c, t: account_services.grant_role(
            actor=c.committee_admin_sec, user=c.outsider_b, role=Role.JUDGE, organization=c.org_b
        ),
    ),
    "user create": Step(
        "user.create",
        lambda c, t: account_services.create_user(
            actor=c.sysadmin, username="clerk", display_name="文书", password=SECRET_PASSWORD
        ),
    ),
    "user deactivate": Step(
        "user.deactivate",
        lambda c, t: account_services.set_active(actor=c.sysadmin, user=c.member_a, active=False),
    ),
    "role revoke": Step(
        "role.revoke",
        lambda c, t: account_services.revoke_role(
            actor=c.committee_admin_sec, assignment=c.member_a.role_assignments.get()
        ),
    ),
    "token issue": Step("token.issue", lambda c, t: account_services.issue_token(user=c.member_a)),
    "token revoke": Step(
        "token.revoke",
        lambda c, t: account_services.revoke_token(
            actor=c.committee_admin_sec, token=account_services.issue_token(user=c.member_a).token
        ),
    ),
    "password change": Step(
        "auth.password_changed",
        lambda c, t: account_services.change_password(user=c.member_a, new_password=SECRET_PASSWORD),
    ),
    "second factor enrolment": Step("auth.otp_enrol", lambda c, t: enrol(c.committee_admin)),
    "second factor success": Step(
        "auth.otp_success",
        lambda c, t: (
            enrol(c.committee_admin),
            twofactor.verify(user=c.committee_admin, code=code_for(c.committee_admin, 1)),
        ),
    ),
    "second factor recovery code": Step(
        "auth.otp_recovery_used",
        lambda c, t: twofactor.verify(user=c.committee_admin, code=enrol(c.committee_admin)[0]),
    ),
    "second factor reset": Step(
        "auth.otp_reset",
        lambda c, t: (
            enrol(c.committee_admin),
            twofactor.reset(actor=c.committee_admin_sec, user=c.committee_admin),
        ),
    ),
}


@pytest.fixture
def scene(cast):
    points_services.seed_default_scheme(organization=cast.committee, year=2026)
    secadmin = UserFactory(username="secadmin")
    from tests.factories import grant

    grant(secadmin, Role.SECURITY_ADMIN, cast.committee)
    cast.committee_admin_sec = secadmin
    MemberFactory(organization=cast.branch_a, name="钱丁")
    return cast


def _rows_since(last_id: int, prefix: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=last_id, event__startswith=prefix))


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_each_catalogued_change_is_audited_once(scene, tmp_path, name, caplog):
    step = CATALOGUE[name]
    caplog.set_level(logging.DEBUG)
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    step.act(scene, tmp_path)
    rows = _rows_since(last, step.event)
    own = [r for r in rows if r.event != "points.claim_submitted"] if name == "claim approved" else rows
    assert len(own) == 1, [(r.event, r.outcome) for r in rows]
    assert own[0].outcome == "success"
    _assert_no_secrets(caplog)


def test_a_wrong_second_factor_code_is_audited_once_as_a_failure(scene, caplog):
    # given
    enrol(scene.committee_admin)
    wrong = "000000" if code_for(scene.committee_admin) != "000000" else "111111"
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # when
    with pytest.raises(twofactor.SecondFactorError):
        twofactor.verify(user=scene.committee_admin, code=wrong)
    # then
    rows = _rows_since(last, "auth.otp")
    assert [(r.event, r.outcome, r.actor_username) for r in rows] == [("auth.otp_failure", "failure", "gw")]
    _assert_no_secrets(caplog)


def _assert_no_secrets(caplog) -> None:
    dumped = json.dumps(
        list(AuditEntry.objects.values("changes", "object_repr", "object_id", "actor_username")),
        ensure_ascii=False,
    )
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (SECRET_ID, SECRET_ID.lower(), SECRET_PASSWORD):
        assert secret not in dumped
        assert secret not in logs


def test_web_scenario_keeps_id_and_password_out_of_audit_and_logs(client, cast, caplog):
    """Login failure with the password, member creation with the ID through the page, unmask."""
    caplog.set_level(logging.DEBUG)
    client.post(reverse("accounts:login"), {"username": "gw", "password": SECRET_PASSWORD})
    client.force_login(cast.committee_admin)
    response = client.post(
        reverse("members:member-create"),
        {
            "name": "赵丙",
            "gender": "女",
            "ethnicity": "汉族",
            "id_number": SECRET_ID,
            "organization": cast.branch_a.code,
            "status": "full",
            "joined_on": "2019-07-01",
            "full_on": "2020-07-01",
            "phone": "13912345678",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    # a duplicate is refused with a message; the ID must not be logged either
    client.post(reverse("members:member-create"), {"name": "重复", "id_number": SECRET_ID, "gender": "男"})
    member = member_services.find_by_id_number(SECRET_ID)
    client.post(reverse("members:member-unmask", kwargs={"code": member.code}))
    client.get(f"/api/v1/members/{member.code}", {"reveal": "true"})
    assert AuditEntry.objects.filter(event="member.unmask", outcome="success").count() == 2
    assert AuditEntry.objects.filter(event="auth.login_failed").count() == 1
    _assert_no_secrets(caplog)
