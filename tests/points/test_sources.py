"""Every point opens to its source: links on 我的积分 and the member page resolve and are scoped."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse

from ronghe.points import services
from ronghe.points.models import Claim, PointsEntry
from tests.points.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(YEAR, 11, 24))


@pytest.fixture
def sources(cast, scheme, ind, make_meeting):
    meeting = make_meeting(attendees=[cast.member_a_record])
    services.sync_meeting_points(meeting=meeting)
    claim = services.submit_claim(
        actor=cast.member_a,
        member=cast.member_a_record,
        indicator=ind("article"),
        occurred_on=date(YEAR, 4, 1),
        points="3",
        description="撰写学习心得",
        photo=None,
    )
    services.transition_claim(claim=claim, action="approve", actor=cast.secretary_a)
    services.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=ind("task"),
        points="2",
        on=date(YEAR, 2, 1),
        reason="防汛抢险",
    )
    entries = {e.source_type: e for e in PointsEntry.objects.filter(member=cast.member_a_record)}
    return meeting, Claim.objects.get(pk=claim.pk), entries


def _links(response):
    return {e.source_type: e.source_url for e in response.context["page"].object_list}


def test_member_sees_each_source_and_every_link_opens(client_for, cast, sources):
    meeting, claim, entries = sources
    client = client_for(cast.member_a)
    response = client.get(reverse("points:my-points"), {"year": YEAR})
    links = _links(response)
    assert links["claim"] == reverse("points:claim-detail", kwargs={"code": claim.code})
    # a plain member cannot open the branch's meeting page, so attendance opens the entry page
    assert links["attendance"] == reverse("points:entry-detail", kwargs={"code": entries["attendance"].code})
    assert links["adjustment"] == reverse("points:entry-detail", kwargs={"code": entries["adjustment"].code})
    body = response.content.decode()
    assert "调整原因：防汛抢险" in body
    for url in links.values():
        assert url in body
        assert client.get(url).status_code == 200
    page = client.get(links["attendance"]).content.decode()
    assert meeting.title in page and "出席" in page
    assert 'id="entry-reason">防汛抢险<' in client.get(links["adjustment"]).content.decode()


def test_secretary_links_attendance_to_the_meeting(client_for, cast, sources):
    meeting, _claim, _entries = sources
    client = client_for(cast.secretary_a)
    response = client.get(reverse("points:member-points", kwargs={"code": cast.member_a_record.code}))
    links = _links(response)
    assert links["attendance"] == reverse("orglife:meeting-detail", kwargs={"code": meeting.code})
    for url in links.values():
        assert client.get(url).status_code == 200


def test_entry_page_is_scoped(client_for, cast, sources):
    _meeting, _claim, entries = sources
    url = reverse("points:entry-detail", kwargs={"code": entries["adjustment"].code})
    assert client_for(cast.outsider_b).get(url).status_code == 404
    assert client_for(cast.secretary_a).get(url).status_code == 200
    missing = reverse("points:entry-detail", kwargs={"code": "00000000-0000-4000-8000-000000000000"})
    assert client_for(cast.member_a).get(missing).status_code == 404


def test_statement_as_word(client_for, cast, sources):
    import io

    from docx import Document

    from ronghe.core.models import AuditEntry

    url = reverse("points:member-statement-docx", kwargs={"code": cast.member_a_record.code})
    response = client_for(cast.member_a).get(url, {"year": YEAR})
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"张甲 {YEAR} 年度党员积分明细" in text
    assert "调整（1 条，合计 2 分）" in text
    assert "积分申报（1 条，合计 3 分）" in text
    dims = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert dims[0] == ["维度", "积分", "等次", "A 等线", "B 等线"]
    assert ["履职尽责", "12", "B", "14", "11"] in dims
    cells = {c.text for t in doc.tables[1:] for r in t.rows for c in r.cells}
    assert "防汛抢险" in cells
    assert AuditEntry.objects.filter(event="points.statement_exported").count() == 1
    other = reverse("points:member-statement-docx", kwargs={"code": cast.member_b_record.code})
    assert client_for(cast.member_a).get(other).status_code == 404


def _count(client, url, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # the first request refreshes the session's activity time (a write, at most once a minute)
    client.get(url, params)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx)


def _more_sources(cast, ind, make_meeting, n):
    for k in range(n):
        services.sync_meeting_points(
            meeting=make_meeting(
                kind="study_day",
                when=datetime(YEAR, 1 + k % 10, 1 + k, 9, 0),
                attendees=[cast.member_a_record],
            )
        )
        services.adjust_points(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            indicator=ind("task"),
            points="1",
            on=date(YEAR, 3, 1 + k),
            reason=f"第{k}次",
        )
        claim = services.submit_claim(
            actor=cast.member_a,
            member=cast.member_a_record,
            indicator=ind("article"),
            occurred_on=date(YEAR, 5, 1 + k),
            points="3",  # the indicator's value (issue 16: claims follow the indicator)
            description=f"心得{k}",
            photo=None,
        )
        services.transition_claim(claim=claim, action="approve", actor=cast.secretary_a)


def test_my_points_and_claims_query_count_is_constant(
    client_for, cast, sources, ind, make_meeting, django_assert_num_queries
):
    client = client_for(cast.member_a)
    mine, claims = reverse("points:my-points"), reverse("points:claim-list")
    small_mine = _count(client, mine, {"year": YEAR})
    small_claims = _count(client, claims, {})
    _more_sources(cast, ind, make_meeting, 6)
    assert PointsEntry.objects.filter(member=cast.member_a_record).count() >= 20
    with django_assert_num_queries(small_mine):
        client.get(mine, {"year": YEAR})
    with django_assert_num_queries(small_claims):
        client.get(claims)


def test_member_page_query_count_is_constant(
    client_for, cast, sources, ind, make_meeting, django_assert_num_queries
):
    client = client_for(cast.secretary_a)
    url = reverse("points:member-points", kwargs={"code": cast.member_a_record.code})
    small = _count(client, url, {"year": YEAR})
    _more_sources(cast, ind, make_meeting, 6)
    with django_assert_num_queries(small):
        client.get(url, {"year": YEAR})
