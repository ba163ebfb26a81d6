"""年度工作报告 (issue 20 item 2): figures against counts made directly, regeneration keeps the text,
one generation at a time, refused years, scope, the Word file, the command and the API."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from docx import Document

from ronghe.accounts.choices import Role
from ronghe.core.models import AuditEntry
from ronghe.members.models import Member
from ronghe.orglife.models import Meeting
from ronghe.orgs.models import Organization
from ronghe.reports.annual import services
from ronghe.reports.annual.docx import annual_docx
from ronghe.reports.annual.sections import SECTIONS
from ronghe.reports.models import AnnualReport
from tests.factories import MemberFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 3)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _today(time_machine):  # noqa: ANN001, ANN202
    time_machine.move_to(at(2026, 12, 3, 10), tick=False)


def meeting(org, kind: str, held: datetime, state: str = "held") -> Meeting:  # noqa: ANN001
    return Meeting.objects.create(organization=org, kind=kind, title="测试", held_at=held, state=state)


@pytest.fixture
def records(cast):  # noqa: ANN001, ANN201
    """Unit A's 2025 and 2024, and unit B's 2025 (which counts for the 工委, not for A)."""
    a, b = cast.branch_a, cast.branch_b
    for month in (3, 6, 9):
        meeting(a, "general_meeting", at(2025, month, 10, 9))
    meeting(a, "general_meeting", at(2025, 12, 31, 23, 30))  # still 2025 in Beijing
    meeting(a, "general_meeting", at(2024, 5, 10, 9))
    meeting(a, "party_lecture", at(2025, 4, 10, 9))
    meeting(a, "theme_day", at(2025, 5, 10, 9), state="planned")  # not held: does not count
    meeting(b, "general_meeting", at(2025, 7, 1, 9))
    MemberFactory(
        organization=a,
        name="新党员",
        gender="女",
        joined_on=date(2025, 7, 1),
        full_on=None,
        status="probationary",
    )
    return cast


def held(org: Organization, kind: str, year: int) -> int:
    return Meeting.objects.filter(
        organization__path__startswith=org.path,
        kind=kind,
        state="held",
        held_at__gte=at(year, 1, 1),
        held_at__lt=at(year + 1, 1, 1),
    ).count()


def value(report: AnnualReport, key: str) -> int | None:
    f = services.figure(report, key)
    return None if f is None else f.value


def test_figures_equal_counts_made_directly(records):
    # when
    county = services.generate(organization=records.committee, year=2025, actor=None, today=TODAY)
    unit = services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    # then
    assert value(county, "meetings.general_meeting") == held(records.committee, "general_meeting", 2025) == 5
    assert value(unit, "meetings.general_meeting") == held(records.org_a, "general_meeting", 2025) == 4
    f = services.figure(unit, "meetings.general_meeting")
    assert f is not None and f.previous == held(records.org_a, "general_meeting", 2024) == 1
    assert f.sentence == "全年召开党员大会 4 次，比上年增加 3 次"
    assert f.url == f"/orglife/meetings/?org={records.org_a.code}&year=2025&kind=general_meeting"
    assert value(unit, "meetings.party_lecture") == 1
    assert value(unit, "meetings.theme_day") is None  # planned only: left out, not "0 次"
    in_a = Member.objects.filter(organization__path__startswith=records.org_a.path)
    assert value(unit, "developed") == in_a.filter(joined_on__year=2025).count() == 1
    assert value(unit, "members") == in_a.filter(status__in=["full", "probationary"]).count() == 2
    assert value(county, "members") == Member.objects.filter(status__in=["full", "probationary"]).count() == 3


def test_meeting_list_follows_a_figures_link(records, client_for):
    services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    url = services.figure(AnnualReport.objects.get(), "meetings.general_meeting").url  # type: ignore[union-attr]
    response = client_for(records.committee_admin).get(url)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 4
    # the list's subtree filter keeps to the scope
    assert client_for(records.outsider_b).get(url).status_code == 404
    assert client_for(records.committee_admin).get("/orglife/meetings/?org=junk").status_code == 404


def test_regeneration_updates_figures_and_keeps_the_text(records):
    # given
    report = services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    services.save_narrative(report=report, key="orglife", text="坚持“三会一课”制度。", actor=None)
    meeting(records.branch_a, "general_meeting", at(2025, 11, 20, 9))  # a meeting entered late
    # when
    services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    # then
    report = AnnualReport.objects.get()
    assert value(report, "meetings.general_meeting") == 5
    assert report.narrative == {"orglife": "坚持“三会一课”制度。"}
    assert report.generating_since is None


def test_a_second_generation_meanwhile_is_refused(records):
    # given: another generation holds the lock
    report = services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    AnnualReport.objects.filter(pk=report.pk).update(generating_since=timezone.now())
    meeting(records.branch_a, "general_meeting", at(2025, 11, 20, 9))
    # when / then
    with pytest.raises(services.GenerationRunning, match="正在由他人生成"):
        services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    assert value(AnnualReport.objects.get(), "meetings.general_meeting") == 4
    # a lock left by a killed process is taken over after a while
    AnnualReport.objects.update(generating_since=timezone.now() - timedelta(minutes=11))
    services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    assert value(AnnualReport.objects.get(), "meetings.general_meeting") == 5


@pytest.mark.parametrize(
    ("year", "today", "message"),
    [
        pytest.param(2027, TODAY, "2027年尚未开始", id="future_case"),
        pytest.param(
            2026, date(2026, 11, 30), "2026年尚未结束，12月1日起可生成截至当日的初稿", id="nov30_case"
        ),
        pytest.param(2005, TODAY, "没有组织生活、发展党员", id="empty_case"),
    ],
)
def test_a_year_that_cannot_be_reported_writes_nothing(records, year, today, message):
    with pytest.raises(services.AnnualReportError, match=message):
        services.generate(organization=records.org_a, year=year, actor=None, today=today)
    assert not AnnualReport.objects.exists()
    assert not AuditEntry.objects.filter(event="reports.annual.generate").exists()


def test_a_failed_regeneration_keeps_the_last_figures(records, monkeypatch):
    services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "compute", broken)
    with pytest.raises(RuntimeError):
        services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    report = AnnualReport.objects.get()
    assert value(report, "meetings.general_meeting") == 4 and report.generating_since is None


def test_word_file_has_every_section_a_figure_and_the_text(records):
    report = services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    report = services.save_narrative(report=report, key="plans", text="一是……\n二是……", actor=None)
    doc = Document(io.BytesIO(annual_docx(report)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "甲局总支2025年度党建工作报告" in text
    for i, s in enumerate(SECTIONS):
        assert f"{'一二三四五六七八九十'[i]}、{s.title}" in text
    assert "全年召开党员大会 4 次，比上年增加 3 次" in text
    assert "一是……" in text and "二是……" in text
    assert "【请填写：" in text  # the sections not written yet
    assert "本年度暂无记录。" in text  # 评星定级: no campaign in the fixture


def test_a_december_draft_is_marked_and_regenerated_after_year_end(records, client_for, time_machine):
    # given 2026's meetings so far, and one planned for later in December
    meeting(records.branch_a, "general_meeting", at(2026, 3, 10, 9))
    meeting(records.branch_a, "general_meeting", at(2026, 12, 1, 9))
    client = client_for(records.secretary_a)
    # when the secretary drafts 2026's report on 3 December (the list offers this year first)
    assert 'value="2026"' in client.get("/reports/annual/").content.decode()
    html = client.post(_detail(records.org_a, 2026) + "generate/", follow=True).content.decode()
    # then the figures are the year so far, and the page says they are a draft as at the day
    report = AnnualReport.objects.get(year=2026)
    assert report.draft and report.as_at == TODAY
    assert value(report, "meetings.general_meeting") == 2
    assert 'id="annual-draft"' in html and "各项数据截至 2026年12月3日" in html
    assert services.figure(report, "members").label == "目前共有党员"
    client.post(_detail(records.org_a, 2026) + "sections/orglife/", {"text": "全年坚持“三会一课”。"})
    doc = "\n".join(p.text for p in Document(io.BytesIO(annual_docx(AnnualReport.objects.get()))).paragraphs)
    assert "年度尚未结束，各项数据截至 2026年12月03日，年末后需重新生成" in doc
    api = client.get(f"/api/v1/reports/annual?org={records.org_a.code}&year=2026").json()
    assert (api["draft"], api["as_at"]) == (True, "2026-12-03")
    # when a meeting is held on 20 December and the report is regenerated in January
    meeting(records.branch_a, "general_meeting", at(2026, 12, 20, 9))
    time_machine.move_to(at(2027, 1, 4, 9), tick=False)
    client = client_for(records.secretary_a)  # a new session: the December one has expired
    html = client.post(_detail(records.org_a, 2026) + "generate/", follow=True).content.decode()
    # then it is the whole year, no longer a draft, and the text written in December is kept
    report = AnnualReport.objects.get(year=2026)
    assert not report.draft and report.as_at == date(2026, 12, 31)
    assert value(report, "meetings.general_meeting") == 3
    assert 'id="annual-draft"' not in html and "党员数截至 2026年12月31日" in html
    assert services.figure(report, "members").label == "年末共有党员"
    assert report.narrative["orglife"] == "全年坚持“三会一课”。"


# ---- pages -----------------------------------------------------------------------------------------


def _detail(org: Organization, year: int = 2025) -> str:
    return f"/reports/annual/{org.code}/{year}/"


def test_generate_edit_regenerate_and_download(records, client_for):
    client = client_for(records.secretary_a)
    # the list offers the user's organizations
    html = client.get("/reports/annual/").content.decode()
    assert "甲局总支" in html and "乙局" not in html
    assert client.get(f"/reports/annual/?org={records.org_a.code}&year=2025").url == _detail(records.org_a)
    # generate
    response = client.post(_detail(records.org_a) + "generate/", follow=True)
    html = response.content.decode()
    assert (
        "全年召开党员大会" in html
        and 'data-figure="meetings.general_meeting" title="查看对应记录">4</a>' in html
    )
    # write a section's text, then regenerate after a correction
    client.post(_detail(records.org_a) + "sections/orglife/", {"text": "坚持“三会一课”。"})
    meeting(records.branch_a, "general_meeting", at(2025, 11, 20, 9))
    html = client.post(_detail(records.org_a) + "generate/", follow=True).content.decode()
    assert 'data-figure="meetings.general_meeting" title="查看对应记录">5</a>' in html
    assert "坚持“三会一课”。</textarea>" in html
    # download, audited
    response = client.get(_detail(records.org_a) + "report.docx")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert AuditEntry.objects.filter(event="reports.annual.export").count() == 1
    assert AuditEntry.objects.filter(event="reports.annual.generate").count() == 2
    assert AuditEntry.objects.filter(event="reports.annual.edit").count() == 1


def test_refusals_are_shown_in_chinese_on_the_page(records, client_for):
    client = client_for(records.secretary_a)
    html = client.get(f"/reports/annual/?org={records.org_a.code}&year=二〇二五").content.decode()
    assert "请填写四位数字的年份" in html
    html = client.get(f"/reports/annual/?org={records.org_a.code}&year=2027").content.decode()
    assert "2027年尚未开始" in html and 'role="alert"' in html
    html = client.post(_detail(records.org_a, 2005) + "generate/", follow=True).content.decode()
    assert "没有组织生活、发展党员" in html
    assert not AnnualReport.objects.exists()
    # another generation running
    services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    AnnualReport.objects.update(generating_since=timezone.now())
    html = client.post(_detail(records.org_a) + "generate/", follow=True).content.decode()
    assert "正在由他人生成" in html


def test_an_organization_outside_the_scope_is_not_found(records, client_for):
    services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    client = client_for(records.outsider_b)
    for path in ("", "report.docx"):
        assert client.get(_detail(records.org_a) + path).status_code == 404
    assert client.post(_detail(records.org_a) + "generate/").status_code == 404
    assert client.post(_detail(records.org_a) + "sections/plans/", {"text": "x"}).status_code == 404
    assert client.get(f"/reports/annual/?org={records.org_a.code}&year=2025").status_code == 404
    assert AnnualReport.objects.get().narrative == {}


def test_a_reader_sees_but_cannot_generate_or_write(records, client_for):
    leader = UserFactory(username="leader_a")
    grant(leader, Role.UNIT_LEADER, records.org_a)
    report = services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    client = client_for(leader)
    html = client.get(_detail(records.org_a)).content.decode()
    assert "全年召开党员大会" in html and "annual-generate" not in html and "<textarea" not in html
    assert client.post(_detail(records.org_a) + "generate/").status_code == 403
    assert client.post(_detail(records.org_a) + "sections/plans/", {"text": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.narrative == {}
    assert client_for(records.member_a).get("/reports/annual/").status_code in (403, 404)


def test_an_unknown_section_is_refused(records, client_for):
    services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    html = (
        client_for(records.secretary_a)
        .post(_detail(records.org_a) + "sections/nope/", {"text": "x"}, follow=True)
        .content.decode()
    )
    assert "没有这一部分" in html
    assert AnnualReport.objects.get().narrative == {}


# ---- command and API -------------------------------------------------------------------------------


def test_command_writes_the_same_file_as_the_page(records, tmp_path, client_for):
    out = tmp_path / "report.docx"
    call_command("annual_report", org=str(records.org_a.code), year=2025, out=str(out), stdout=io.StringIO())
    page = client_for(records.secretary_a).get(_detail(records.org_a) + "report.docx").content
    assert out.read_bytes() == page
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left beside it


@pytest.mark.parametrize(
    ("org", "year", "message"),
    [
        pytest.param("没有这个党组织", 2025, "找不到党组织", id="unknown_org_case"),
        pytest.param(None, 2027, "2027年尚未开始", id="future_case"),
        pytest.param(None, 2005, "没有组织生活", id="empty_case"),
    ],
)
def test_command_refuses_bad_input_and_writes_nothing(records, tmp_path, org, year, message):
    out = tmp_path / "report.docx"
    with pytest.raises(CommandError, match=message):
        call_command(
            "annual_report", org=org or records.org_a.name, year=year, out=str(out), stdout=io.StringIO()
        )
    assert list(tmp_path.iterdir()) == []
    assert not AnnualReport.objects.exists()


def test_api_gives_the_figures_in_scope(records, client_for):
    services.generate(organization=records.org_a, year=2025, actor=None, today=TODAY)
    url = f"/api/v1/reports/annual?org={records.org_a.code}&year=2025"
    body = client_for(records.secretary_a).get(url).json()
    assert [s["key"] for s in body["sections"]] == [s.key for s in SECTIONS]
    orglife = next(s for s in body["sections"] if s["key"] == "orglife")
    assert {"key": "meetings.general_meeting", "value": 4, "previous": 1}.items() <= orglife["figures"][
        0
    ].items()
    assert client_for(records.outsider_b).get(url).status_code == 404
    assert client_for(records.secretary_a).get(url.replace("2025", "2027")).status_code == 422
    assert client_for(records.secretary_a).get(url.replace("2025", "2024")).status_code == 404
