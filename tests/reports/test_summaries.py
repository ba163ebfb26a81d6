"""月度工作小结 (issue 20 item 5): the figures, the PDF, the delivery (once per unit and month, a failing unit
does not stop the others), the daily task's first-working-day trigger, and who may open them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ronghe.accounts.choices import Role
from ronghe.core.audit import AuditEntry
from ronghe.core.evidence.models import Evidence
from ronghe.core.scoring.models import Indicator
from ronghe.education.models import TrainingClass, TrainingSession
from ronghe.integration.models import Task, WorkPlan
from ronghe.members.models import Member, Transfer
from ronghe.notices import queries as notice_queries
from ronghe.notices.models import Notice
from ronghe.orglife.models import Meeting
from ronghe.orglife.tasks import send_reminders
from ronghe.points import services as points_services
from ronghe.points.models import Claim
from ronghe.reports import summaries
from ronghe.reports.models import MonthlySummary
from tests.factories import MemberFactory, UserFactory, grant
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOV = date(2026, 11, 1)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def dec1(time_machine):  # noqa: ANN001, ANN201
    time_machine.move_to(at(2026, 12, 1, 7, 0), tick=False)
    return date(2026, 12, 1)


def meeting(org, kind: str, held: datetime, state: str = "held") -> Meeting:  # noqa: ANN001
    return Meeting.objects.create(organization=org, kind=kind, title="测试", held_at=held, state=state)


@pytest.fixture
def records(cast):  # noqa: ANN001, ANN201
    """Unit A's November and October, and unit B's November (which must not count for A)."""
    a, b = cast.branch_a, cast.branch_b
    meeting(a, "general_meeting", at(2026, 11, 3, 9))
    meeting(a, "general_meeting", at(2026, 11, 30, 23, 30))  # still November in Beijing
    meeting(a, "party_lecture", at(2026, 11, 12, 9))
    meeting(a, "theme_day", at(2026, 11, 20, 9), state="planned")  # not held: does not count
    meeting(a, "general_meeting", at(2026, 10, 9, 9))
    meeting(cast.org_a, "committee_meeting", at(2026, 10, 15, 9))
    meeting(b, "general_meeting", at(2026, 11, 4, 9))

    scheme = points_services.seed_default_scheme(organization=cast.org_a, year=2026)
    article = Indicator.objects.get(scheme=scheme, code="article")

    def claim(member: Member, state: str, points: int, decided: datetime | None) -> Claim:
        return Claim.objects.create(
            member=member,
            indicator=article,
            occurred_on=date(2026, 10, 1),
            points=points,
            description="心得",
            state=state,
            decided_at=decided,
        )

    claim(cast.member_a_record, "approved", 3, at(2026, 11, 5, 10))
    claim(cast.member_a_record, "approved", 2, at(2026, 11, 6, 10))
    claim(cast.member_a_record, "rejected", 4, at(2026, 11, 7, 10))
    claim(cast.member_a_record, "approved", 1, at(2026, 10, 7, 10))
    claim(cast.member_a_record, "submitted", 5, None)
    claim(cast.member_b_record, "approved", 9, at(2026, 11, 5, 10))

    MemberFactory(organization=a, joined_on=date(2026, 11, 11), name="新党员一")
    MemberFactory(organization=a, joined_on=date(2026, 10, 11), name="新党员二")
    MemberFactory(organization=a, joined_on=date(2026, 10, 12), name="新党员三")
    MemberFactory(organization=cast.branch_b, joined_on=date(2026, 11, 11), name="乙新党员")
    Transfer.objects.create(
        member=cast.member_a_record,
        kind="internal",
        status="completed",
        organization=cast.org_a,
        from_organization=a,
        to_organization=cast.org_a,
        issued_on=date(2026, 11, 10),
        completed_on=date(2026, 11, 18),
    )

    plan = WorkPlan.objects.create(unit=cast.unit_a, year=2026, organization=cast.org_a)
    for title, deadline, state in [
        ("落实三会一课", date(2026, 11, 20), "in_progress"),  # overdue at November's end
        ("业务培训", date(2026, 10, 20), "not_started"),  # overdue at both months' ends
        ("调研报告", date(2026, 10, 30), "done"),
        ("年终总结", date(2026, 12, 20), "not_started"),
    ]:
        Task.objects.create(
            plan=plan,
            kind="party",
            title=title,
            owner_kind="person",
            person="张书记",
            organization=cast.org_a,
            deadline=deadline,
            target="按期完成",
            state=state,
        )

    tc = TrainingClass.objects.create(
        organization=cast.org_a,
        title="党务培训",
        year=2026,
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 11, 30),
    )
    for day in (date(2026, 11, 2), date(2026, 11, 9), date(2026, 10, 26)):
        TrainingSession.objects.create(
            training_class=tc,
            title="课程",
            starts_at=at(day.year, day.month, day.day, 9),
            ends_at=at(day.year, day.month, day.day, 11),
            hours=Decimal("2"),
        )
    return cast


def figures(summary: summaries.Summary) -> dict[str, tuple[object, object]]:
    return {r.key: (r.current, r.previous) for r in summary.rows}


def test_figures_count_the_units_own_records_this_month_against_last(records, dec1):
    cast = records
    got = figures(summaries.compute(cast.unit_a, cast.org_a, NOV))
    assert got["meetings.general_meeting"] == (2, 1)
    assert got["meetings.party_lecture"] == (1, 0)
    assert got["meetings.committee_meeting"] == (0, 1)
    assert "meetings.theme_day" not in got  # planned, never held
    assert got["meetings"] == (3, 2)
    assert got["claims_reviewed"] == (3, 1)
    assert got["points_awarded"] == (Decimal("5"), Decimal("1"))
    assert got["transfers"] == (1, 0)
    assert got["new_members"] == (1, 2)
    assert got["tasks_overdue"] == (2, 1)
    assert got["tasks_done"] == (1, None)  # last month's figure is read from last month's summary
    assert got["training_sessions"] == (2, 1)


def test_figures_agree_with_independent_queries(records, dec1):
    cast = records
    summary = summaries.compute(cast.unit_a, cast.org_a, NOV)
    held = Meeting.objects.filter(
        organization__path__startswith=cast.org_a.path,
        state="held",
        held_at__gte=at(2026, 11, 1),
        held_at__lt=at(2026, 12, 1),
    )
    assert summary.row("meetings").current == held.count()
    new = Member.objects.filter(organization__unit=cast.unit_a, joined_on__year=2026, joined_on__month=11)
    assert summary.row("new_members").current == new.count()
    late = Task.objects.filter(plan__unit=cast.unit_a, deadline__lt=date(2026, 12, 1)).exclude(state="done")
    assert summary.row("tasks_overdue").current == late.count()
    assert any("落实三会一课" in item for item in summary.overdue_items)


def test_overdue_organizational_life_at_month_end_is_listed(cast, dec1):
    # Nothing held all year: branch A's monthly 党员大会? The default requirements make some period overdue.
    summary = summaries.compute(cast.unit_a, cast.org_a, NOV)
    overdue = summary.row("orglife_overdue")
    assert overdue.current > 0
    assert overdue.current >= overdue.previous  # type: ignore[operator]
    assert sum("甲局" in item for item in summary.overdue_items) == overdue.current


def test_pdf_has_the_title_month_table_and_overdue_items(records, dec1):
    cast = records
    summary = summaries.compute(cast.unit_a, cast.org_a, NOV)
    data = summaries.render_pdf(summary)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "2026年11月工作小结（甲局）" in text
    assert "本月" in text and "上月" in text and "变化" in text
    assert "召开会议合计（次）" in text
    assert "逾期事项" in text and "落实三会一课" in text


def deliver_all(month: date = NOV, **kw) -> summaries.RunResult:  # noqa: ANN003
    return summaries.run(month, **kw)


def test_delivery_publishes_a_notice_with_the_pdf_to_the_units_staff_once(records, dec1):
    cast = records
    result = deliver_all()
    assert sorted(result.delivered) == ["乙局", "甲局"]
    record = MonthlySummary.objects.get(unit=cast.unit_a, month=NOV)
    notice = record.notice
    assert notice is not None and notice.title == "2026年11月工作小结（甲局）"
    assert notice.organization == cast.org_a
    assert "召开会议合计（次）：3 / 2" in notice.body
    evidence = Evidence.objects.get(kind="notices.notice", object_id=notice.pk)
    assert evidence == record.evidence and evidence.original_name.endswith(".pdf")
    assert AuditEntry.objects.filter(event="reports.monthly_summary").count() == 2

    # the secretary of A sees it among the unread notices; a plain member of A and B's secretary do not
    assert notice in notice_queries.unread_for_user(cast.secretary_a)
    assert notice not in notice_queries.notices_for_user(cast.member_a)
    assert notice not in notice_queries.notices_for_user(cast.outsider_b)
    assert notice not in notice_queries.notices_for_user(cast.committee_admin)  # not 80 notices a month

    # a second run the same day delivers nothing more
    again = deliver_all()
    assert again.delivered == [] and sorted(again.skipped) == ["乙局", "甲局"]
    assert Notice.objects.filter(title__contains="工作小结").count() == 2
    assert MonthlySummary.objects.count() == 2


def test_force_replaces_the_record_and_sends_again(records, dec1):
    cast = records
    deliver_all(units=[cast.unit_a])
    deliver_all(units=[cast.unit_a], force=True)
    assert MonthlySummary.objects.filter(unit=cast.unit_a).count() == 1
    assert Notice.objects.filter(title="2026年11月工作小结（甲局）").count() == 2


def test_a_failing_unit_does_not_stop_the_others_and_leaves_nothing_half_written(
    records, dec1, monkeypatch, settings, tmp_path
):
    cast = records
    settings.MEDIA_ROOT = tmp_path  # its own folder: the other test workers write evidence too
    folder = tmp_path / "evidence"
    before = set(folder.iterdir()) if folder.exists() else set()
    real = summaries.audit.record

    def failing(event: str, **kw):  # noqa: ANN003, ANN202
        # the notice and the PDF are written, then the unit's last step fails
        if event == "reports.monthly_summary" and kw.get("org_path") == cast.org_a.path:
            raise RuntimeError("磁盘已满")
        return real(event, **kw)

    monkeypatch.setattr(summaries.audit, "record", failing)
    result = deliver_all()
    monkeypatch.undo()
    assert result.delivered == ["乙局"]
    assert result.failed == [("甲局", "磁盘已满")]
    assert not MonthlySummary.objects.filter(unit=cast.unit_a).exists()
    assert not Notice.objects.filter(title__contains="甲局").exists()
    assert list(Evidence.objects.values_list("organization", flat=True)) == [cast.org_b.pk]
    assert len(set(folder.iterdir()) - before) == 1  # A's PDF went with its transaction; B's stays

    assert deliver_all().delivered == ["甲局"]  # the rerun fills in only what is missing


def test_command_reports_and_validates(records, dec1, capsys):
    call_command("monthly_summaries", "--month", "2026-11", "--unit", "甲局")
    out = capsys.readouterr().out
    assert "2026年11月：已下发 1 个单位" in out
    assert MonthlySummary.objects.filter(unit=records.unit_a).count() == 1
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("monthly_summaries", "--month", "11/2026")
    with pytest.raises(CommandError, match="已结束"):
        call_command("monthly_summaries", "--month", "2026-12")
    with pytest.raises(CommandError, match="未找到单位"):
        call_command("monthly_summaries", "--unit", "丙局")


def test_first_working_day_follows_the_holidays():
    assert summaries.first_working_day(2026, 12) == date(2026, 12, 1)
    assert summaries.first_working_day(2026, 10) == date(2026, 10, 8)  # 国庆节 1–7 日
    assert summaries.first_working_day(2026, 1) == date(2026, 1, 4)  # 元旦后调休上班的星期日


def test_daily_task_delivers_on_the_first_working_day_only(cast, time_machine):
    # October 2026: the 1st to the 7th are the National Day holiday.
    for day in range(1, 8):
        time_machine.move_to(at(2026, 10, day, 7), tick=False)
        send_reminders.call(date(2026, 10, day).isoformat())
    assert not MonthlySummary.objects.exists()
    time_machine.move_to(at(2026, 10, 8, 7), tick=False)
    send_reminders.call("2026-10-08")
    assert set(MonthlySummary.objects.values_list("month", flat=True)) == {date(2026, 9, 1)}
    assert MonthlySummary.objects.count() == 2
    send_reminders.call("2026-10-08")  # run twice the same day
    assert MonthlySummary.objects.count() == 2
    assert Notice.objects.count() == 2
    time_machine.move_to(at(2026, 10, 9, 7), tick=False)
    send_reminders.call("2026-10-09")
    assert MonthlySummary.objects.count() == 2


def test_send_reminders_command_runs_them_too(cast, time_machine, capsys):
    time_machine.move_to(at(2026, 12, 1, 7), tick=False)
    call_command("send_reminders", "--date", "2026-12-01")
    assert "月度工作小结：已下发 2 个单位" in capsys.readouterr().out
    assert MonthlySummary.objects.filter(month=NOV).count() == 2


def test_unit_page_lists_the_summaries_with_an_audited_download(records, dec1, client_for):
    cast = records
    deliver_all()
    record = MonthlySummary.objects.get(unit=cast.unit_a)
    page = client_for(cast.secretary_a).get(reverse("orgs:unit-detail", kwargs={"code": cast.unit_a.code}))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="unit-summaries"' in html and "2026年11月工作小结" in html
    url = reverse("evidence:download", kwargs={"code": record.evidence.code})
    assert url in html
    got = client_for(cast.secretary_a).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF-")
    assert AuditEntry.objects.filter(event__startswith="evidence.download").exists()


def test_others_cannot_open_a_units_summary(records, dec1, client_for):
    cast = records
    deliver_all()
    record = MonthlySummary.objects.get(unit=cast.unit_a)
    url = reverse("evidence:download", kwargs={"code": record.evidence.code})
    assert client_for(cast.outsider_b).get(url).status_code == 404
    assert client_for(cast.member_a).get(url).status_code == 404
    notice_url = reverse("notices:notice-detail", kwargs={"code": record.notice.code})
    assert client_for(cast.member_a).get(notice_url).status_code == 404
    # B's secretary sees B's unit page without A's summaries section
    leader = UserFactory(username="leader_b")
    grant(leader, Role.UNIT_LEADER, cast.org_b)
    page = client_for(leader).get(reverse("orgs:unit-detail", kwargs={"code": cast.unit_b.code}))
    assert "2026年11月工作小结" in page.content.decode()
    assert url not in page.content.decode()


def test_notice_detail_shows_the_pdf_attachment(records, dec1, client_for):
    cast = records
    deliver_all()
    record = MonthlySummary.objects.get(unit=cast.unit_a)
    page = client_for(cast.secretary_a).get(
        reverse("notices:notice-detail", kwargs={"code": record.notice.code})
    )
    html = page.content.decode()
    assert 'id="notice-attachments"' in html and record.evidence.original_name in html
    assert "本单位党务工作人员" in html
    # a publisher's receipts count the staff the notice is addressed to, not every member of the unit
    admin = UserFactory(username="unitadmin_a")
    grant(admin, Role.UNIT_ADMIN, cast.org_a)
    url = reverse("notices:notice-detail", kwargs={"code": record.notice.code})
    html = client_for(admin).get(url).content.decode()
    assert "应读人员 2 人" in html  # A's secretary and administrator; the plain member holds no reports.view
    assert 'id="notice-unread-members"' not in html


def test_month_arithmetic():
    assert summaries.previous_month(date(2026, 1, 15)) == date(2025, 12, 1)
    assert summaries.next_month(date(2026, 12, 31)) == date(2027, 1, 1)
    assert summaries.first_of(date(2026, 2, 28)) + timedelta(days=0) == date(2026, 2, 1)


def test_a_units_summary_takes_the_same_queries_whatever_its_size(records, dec1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cast = records

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            summaries.compute(cast.unit_a, cast.org_a, NOV)
        return len(ctx.captured_queries)

    count()  # warms the caches the first computation fills (the year's requirements)
    small = count()
    for i in range(3):  # more branches, members, meetings
        from tests.factories import OrganizationFactory

        branch = OrganizationFactory(name=f"甲局第{i + 2}党支部", parent=cast.org_a, unit=cast.unit_a)
        MemberFactory(organization=branch, joined_on=date(2026, 11, 3))
        meeting(branch, "general_meeting", at(2026, 11, 5, 9))
        meeting(branch, "party_lecture", at(2026, 10, 5, 9))
    assert count() == small
