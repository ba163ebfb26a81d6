"""纪检 pages and API: 纪检 of the scope read and act (each read audited); everyone else finds nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from ronghe.core.models import AuditEntry
from ronghe.discipline.choices import CaseSource, CaseState
from ronghe.discipline.models import Case, Risk, Sanction
from tests import routes
from tests.core import test_statement_counts as statement_counts
from tests.discipline.samples import case_a, risk_a
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def _case_b(cast) -> Case:
    return Case.objects.create(
        organization=cast.branch_b,
        member=cast.member_b_record,
        source=CaseSource.AUDIT,
        received_on=date(2026, 3, 3),
        summary="乙局线索",
    )


def _discipline_urls(cast) -> list[str]:
    """Every discipline page, its arguments from the route samples (tests/discipline/samples.py)."""
    out = []
    for entry in get_resolver().url_patterns:
        if getattr(entry, "namespace", None) != "discipline":
            continue
        for p in entry.url_patterns:
            assert isinstance(p, URLPattern)
            name = f"discipline:{p.name}"
            kwargs = routes.URL_SAMPLES[name](cast) if "<" in str(p.pattern) else {}
            out.append(reverse(name, kwargs=kwargs))
    return out


@pytest.mark.parametrize("who", ["member_a", "secretary_a", "committee_admin"])
def test_everyone_outside_discipline_gets_404_on_every_page_and_api(client, cast, who):
    # given a case, a risk and a discipline body in A, and users who hold no 纪检 role
    urls = _discipline_urls(cast)
    assert len(urls) == 13  # every route of the app (the two sanction pages included)
    client.force_login(getattr(cast, who))
    # when they ask for any of it, then it does not exist for them, and nothing is written
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), (who, method, url, response.status_code)
            assert "礼金" not in response.content.decode()
    for url in (
        "/api/v1/discipline/cases",
        f"/api/v1/discipline/cases/{case_a(cast).code}",
        "/api/v1/discipline/risks",
    ):
        response = client.get(url)
        assert response.status_code == 404, (who, url)
        assert response.json() == {"detail": "未找到或无权访问"}
    assert Case.objects.get().state == CaseState.RECEIVED
    assert not AuditEntry.objects.filter(event="discipline.case_view").exists()


def test_discipline_of_a_sees_a_only_and_each_read_is_audited(client, cast, jijian_a):
    a, b = case_a(cast), _case_b(cast)
    client.force_login(jijian_a)
    # the list shows A's case, not B's, and is recorded
    body = client.get(reverse("discipline:case-list")).content.decode()
    assert str(a) in body and str(b) not in body
    listed = AuditEntry.objects.get(event="discipline.case_list")
    assert listed.changes["cases"] == [str(a.code)]
    # the detail shows the text and is recorded with the reader
    body = client.get(reverse("discipline:case-detail", args=[a.code])).content.decode()
    assert "样例线索：反映违规收受礼金" in body
    viewed = AuditEntry.objects.get(event="discipline.case_view")
    assert (viewed.actor_id, viewed.object_id) == (jijian_a.pk, str(a.code))
    # B's case is not there for A's 纪检
    assert client.get(reverse("discipline:case-detail", args=[b.code])).status_code == 404
    assert client.get(f"/api/v1/discipline/cases/{b.code}").status_code == 404
    assert AuditEntry.objects.filter(event="discipline.case_view").count() == 1


def test_the_api_lists_and_reads_cases_for_discipline(client, cast, jijian_a):
    a = case_a(cast)
    _case_b(cast)
    client.force_login(jijian_a)
    rows = client.get("/api/v1/discipline/cases").json()
    assert [(r["code"], r["member_name"], r["state"]) for r in rows] == [(str(a.code), "张甲", "received")]
    detail = client.get(f"/api/v1/discipline/cases/{a.code}").json()
    assert (detail["summary"], detail["sanctions"]) == ("样例线索：反映违规收受礼金", [])
    assert AuditEntry.objects.filter(event="discipline.case_view", object_id=str(a.code)).count() == 1
    assert AuditEntry.objects.filter(event="discipline.case_list").count() == 1
    risk_a(cast)
    assert [r["post"] for r in client.get("/api/v1/discipline/risks").json()] == ["财务审核岗"]


def test_receiving_a_clue_through_the_page(client, cast, jijian_a):
    client.force_login(jijian_a)
    today = timezone.localdate()
    response = client.post(
        reverse("discipline:case-create"),
        {
            "member": cast.member_a_record.pk,
            "source": "letter",
            "received_on": today.isoformat(),
            "summary": "反映其公车私用",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("discipline:case-detail", args=[case.code])
    assert (case.member, case.summary, case.created_by) == (cast.member_a_record, "反映其公车私用", jijian_a)


def test_a_clue_dated_tomorrow_is_refused_on_the_page(client, cast, jijian_a):
    client.force_login(jijian_a)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("discipline:case-create"),
        {
            "member": cast.member_a_record.pk,
            "source": "letter",
            "received_on": tomorrow.isoformat(),
            "summary": "x",
        },
    )
    assert response.status_code == 422
    assert "受理日期：不能晚于今天" in response.content.decode()
    assert not Case.objects.exists()


def test_b_member_is_not_offered_to_a_discipline(client, cast, jijian_a):
    client.force_login(jijian_a)
    response = client.post(
        reverse("discipline:case-create"),
        {"member": cast.member_b_record.pk, "source": "letter", "received_on": "2026-01-05", "summary": "x"},
    )
    assert response.status_code == 422
    assert not Case.objects.exists()


def test_sanction_through_the_pages(client, cast, jijian_a):
    case = case_a(cast)
    client.force_login(jijian_a)
    today = timezone.localdate().isoformat()
    step = lambda action, data: client.post(reverse("discipline:case-step", args=[case.code, action]), data)  # noqa: E731
    assert step("verify", {"on": today}).status_code == 302
    assert step("file", {"on": today, "comment": "初核属实"}).status_code == 302
    # a 处理 kind offered as a 处分 is refused with the field named
    bad = step("sanction", {"on": today, "comment": "审查属实", "kind": "admonition", "starts_on": today})
    assert bad.status_code == 422
    assert not Sanction.objects.exists()
    ok = step(
        "sanction",
        {
            "on": today,
            "comment": "审查属实",
            "kind": "serious_warning",
            "starts_on": today,
            "probation_years": "1",
        },
    )
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED
    assert Sanction.objects.get(case=case).kind == "serious_warning"


def test_a_reader_without_manage_cannot_take_a_step(client, cast):
    # a 纪检 role that may read but not act does not exist by default: give one the read only
    from ronghe.accounts import policy

    case = case_a(cast)
    reader = UserFactory(username="reader")
    grant(reader, "discipline_reviewer", cast.org_a)
    original = policy.ROLE_PERMISSIONS["discipline_reviewer"]
    policy.ROLE_PERMISSIONS["discipline_reviewer"] = original - {"discipline.manage"}
    try:
        client.force_login(reader)
        assert client.get(reverse("discipline:case-detail", args=[case.code])).status_code == 200
        assert (
            client.post(
                reverse("discipline:case-step", args=[case.code, "verify"]), {"on": "2026-03-05"}
            ).status_code
            == 404
        )
    finally:
        policy.ROLE_PERMISSIONS["discipline_reviewer"] = original
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


def test_overdue_risk_reviews_are_on_the_home_to_do(client, cast, jijian_a):
    risk = risk_a(cast)
    Risk.objects.filter(pk=risk.pk).update(next_review_on=timezone.localdate() - timedelta(days=1))
    client.force_login(jijian_a)
    body = client.get(reverse("home:home")).content.decode()
    assert "廉政风险点逾期未复核" in body
    assert 'id="home-discipline-risks">1<' in body
    # and not on a branch secretary's
    client.force_login(cast.secretary_a)
    assert "纪检待办" not in client.get(reverse("home:home")).content.decode()


def test_risk_review_through_the_page(client, cast, jijian_a):
    risk = risk_a(cast)
    client.force_login(jijian_a)
    today = timezone.localdate()
    response = client.post(
        reverse("discipline:risk-review", args=[risk.code]),
        {"reviewed_on": today.isoformat(), "level": "medium", "note": "已落实双人复核"},
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.level, risk.last_reviewed_on) == ("medium", today)
    assert AuditEntry.objects.filter(event="discipline.risk_review").count() == 1


# session, user, the page's cases (count and page); the audit row of the read is counted apart, since
# PostgreSQL takes an advisory lock for it that SQLite does not (docs/databases.md)
QUERIES = 4


@pytest.mark.parametrize("n", [2, 6])
def test_case_list_runs_a_constant_number_of_queries(client, cast, jijian_a, n):
    for i in range(n):
        Case.objects.create(
            organization=cast.branch_a,
            member=cast.member_a_record,
            source=CaseSource.LETTER,
            received_on=date(2026, 1, 1 + i),
            summary=f"线索{i}",
        )
    client.force_login(jijian_a)
    counted = statement_counts.counted(client, reverse("discipline:case-list"))
    assert len(counted.work) == QUERIES, counted.tables
    assert len(counted.audit_writes) == 2  # one audit row: its insert and the chain head's update


def test_registering_a_risk_through_the_page(client, cast, jijian_a):
    client.force_login(jijian_a)
    data = {
        "organization": cast.branch_a.pk,
        "post": "政府采购岗",
        "description": "采购需求设置倾向性条款",
        "level": "high",
        "measures": "需求集体研究",
        "owner": "王科长",
        "review_months": "6",
    }
    response = client.post(reverse("discipline:risk-create"), data)
    risk = Risk.objects.get()
    assert response["Location"] == reverse("discipline:risk-detail", args=[risk.code])
    assert (risk.post, risk.level, risk.organization) == ("政府采购岗", "high", cast.branch_a)
    # a review period of 30 months is refused, nothing more written
    bad = client.post(reverse("discipline:risk-create"), data | {"review_months": "30"})
    assert bad.status_code == 422
    assert "复核周期：应为 1 至 24 个月" in bad.content.decode()
    assert Risk.objects.count() == 1
    # B's organization is not offered to A's 纪检
    other = client.post(reverse("discipline:risk-create"), data | {"organization": cast.branch_b.pk})
    assert other.status_code == 422
    assert Risk.objects.count() == 1


def test_a_discipline_body_and_its_member(client, cast, jijian_a):
    from ronghe.discipline.models import Committee, CommitteeSeat

    client.force_login(jijian_a)
    response = client.post(
        reverse("discipline:committee-create"),
        {"organization": cast.org_a.pk, "kind": "commissioner", "name": "甲局总支纪检委员"},
    )
    assert response.status_code == 302
    committee = Committee.objects.get()
    prefix = f"seat-{committee.code}"
    client.post(
        reverse("discipline:seat-add", args=[committee.code]),
        {
            f"{prefix}-member": cast.member_a_record.pk,
            f"{prefix}-title": "member",
            f"{prefix}-started_on": "2026-01-05",
        },
    )
    seat = CommitteeSeat.objects.get()
    assert (seat.member, seat.title, seat.started_on) == (cast.member_a_record, "member", date(2026, 1, 5))
    # the same member twice is refused with the reason shown
    client.post(
        reverse("discipline:seat-add", args=[committee.code]),
        {
            f"{prefix}-member": cast.member_a_record.pk,
            f"{prefix}-title": "member",
            f"{prefix}-started_on": "2026-02-05",
        },
    )
    assert CommitteeSeat.objects.count() == 1
    page = client.get(reverse("discipline:committee-list")).content.decode()
    assert "委员：张甲" in page
    # B's 纪检 cannot add to A's body
    other = UserFactory(username="jijian_b2")
    grant(other, "discipline_reviewer", cast.org_b)
    client.force_login(other)
    assert client.post(reverse("discipline:seat-add", args=[committee.code]), {}).status_code == 404
