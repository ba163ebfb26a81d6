"""Claims within the rules: points from the indicator, the cap and what is left shown to the member and
the reviewer, the ledger never more than was counted, the date prefilled (issue 16 item 4)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ronghe.points import queries, services
from ronghe.points.models import Claim, MemberYear, PointsEntry
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2026, 11, 24, 10, 0, tzinfo=TZ))


def test_a_claim_takes_the_indicators_fixed_value(client_for, cast, ind):
    client = client_for(cast.member_a)
    form = client.get(reverse("points:claim-create")).content.decode()
    # the date is prefilled as the date input reads it
    assert re.search(r'name="occurred_on" value="2026-11-24"', form)
    # article: 3 per event; asking for 5 is refused in Chinese and nothing is written
    bad = client.post(
        reverse("points:claim-create"),
        {"indicator": ind("article").pk, "occurred_on": "2026-11-02", "points": "5", "description": "心得"},
    )
    assert bad.status_code == 422 and "申报分值应为 3" in bad.content.decode()
    assert not Claim.objects.exists()
    # left blank, it is the indicator's value
    client.post(
        reverse("points:claim-create"),
        {"indicator": ind("article").pk, "occurred_on": "2026-11-02", "points": "", "description": "心得"},
    )
    assert Claim.objects.get().points == Decimal("3")


def test_cap_and_room_shown_and_the_ledger_counts_only_what_is_left(client_for, cast, ind):
    article = ind("article")  # 3 per event, 季度上限 3, 年上限 9

    def claim(day: int) -> Claim:
        return services.submit_claim(
            actor=cast.member_a,
            member=cast.member_a_record,
            indicator=article,
            occurred_on=date(2026, 11, day),
            points="3",
            description=f"心得{day}",
        )

    services.transition_claim(claim=claim(2), action="approve", actor=cast.secretary_a)
    # the member sees the cap and that nothing is left this quarter
    form = client_for(cast.member_a).get(reverse("points:claim-create")).content.decode()
    row = form.split('id="room-article"')[1].split("</tr>")[0]
    assert "季度上限 3 分、年上限 9 分" in row and "已达上限" in row
    # the reviewer sees it beside a second claim in the same quarter
    second = claim(3)
    detail = client_for(cast.secretary_a).get(reverse("points:claim-detail", kwargs={"code": second.code}))
    text = re.sub(r"<[^>]+>", "", detail.content.decode())
    assert "本年已计 3 分，尚可计 0 分，通过后只计 0 分" in text
    total_before = MemberYear.objects.get(member=cast.member_a_record).total
    services.transition_claim(claim=second, action="approve", actor=cast.secretary_a)
    # the ledger entry says what counted (0), not what was claimed, and the total did not move
    entry = PointsEntry.objects.get(source_type="claim", source_id=str(second.pk))
    assert entry.points == 0 and "超出上限" in entry.note
    assert MemberYear.objects.get(member=cast.member_a_record).total == total_before
    summary = queries.member_summary(cast.member_a_record, 2026)
    ledger = sum(PointsEntry.objects.filter(member=cast.member_a_record).values_list("points", flat=True))
    assert summary.total == queries.member_formula(cast.member_a_record, summary).base + ledger


def test_the_total_reads_as_its_formula_on_the_members_points_pages(client_for, cast, ind):
    # given one approved article (3 points) in the member's year
    claim = services.submit_claim(
        actor=cast.member_a,
        member=cast.member_a_record,
        indicator=ind("article"),
        occurred_on=date(2026, 11, 2),
        points="3",
        description="心得",
    )
    services.transition_claim(claim=claim, action="approve", actor=cast.secretary_a)
    pages = [
        (cast.member_a, reverse("points:my-points")),
        (cast.secretary_a, reverse("points:member-points", kwargs={"code": cast.member_a_record.code})),
    ]
    for user, url in pages:
        # when the member opens 我的积分, and the secretary the member's points page
        html = client_for(user).get(url).content.decode()
        # then the total is written as 基础分 + 加分 − 扣分 = 总分
        formula = re.sub(r"<[^>]+>", "", html.split('id="points-formula"')[1].split("</div>")[0])
        assert formula.split(">", 1)[1].strip() == "基础分 60 + 加分 3 − 扣分 0 = 63", url


def test_each_row_of_the_ranking_reads_as_its_formula_in_a_fixed_number_of_queries(client_for, cast, ind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given one approved article (3 points) for member A, nothing for the others of the branch
    claim = services.submit_claim(
        actor=cast.member_a,
        member=cast.member_a_record,
        indicator=ind("article"),
        occurred_on=date(2026, 11, 2),
        points="3",
        description="心得",
    )
    services.transition_claim(claim=claim, action="approve", actor=cast.secretary_a)
    client = client_for(cast.secretary_a)
    url = reverse("points:ranking")
    # when the secretary opens the ranking
    html = client.get(url, {"year": 2026}).content.decode()
    # then member A's row shows 基础分 + 加分 − 扣分 beside the total
    row = re.sub(
        r"<[^>]+>", "|", html.split(f'id="rank-{cast.member_a_record.code}-row"')[1].split("</tr>")[0]
    )
    cells = [c.strip() for c in row.split("|") if c.strip()]
    assert cells[-3:-1] == ["63", "60 + 3 − 0"], cells
    # and the formulas cost the same statements however many rows the page has
    rows = MemberYear.objects.filter(organization__path__startswith=cast.org_a.path)
    before = rows.count()
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"year": 2026})
    for i in range(5):
        MemberFactory(name=f"排名{i}", organization=cast.branch_a)
    services.recompute_year(year=2026)
    assert rows.count() >= before + 5
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"year": 2026})
    assert len(more) == len(few)
