"""党内统计 (issue 20 item 1): stock as at 12月31日 from the history, the year's flows, the cross-totals."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from ronghe.core.errors import DomainError
from ronghe.members import services
from ronghe.members.choices import Education, Occupation
from ronghe.members.models import Member
from ronghe.members.queries import standings_on
from ronghe.reports.statistics import COMPARISON_COLUMNS, DECREASES, INCREASES, party_statistics
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 3)


def _change(cast, member, action, on):  # noqa: ANN001, ANN202
    services.change_status(
        actor=cast.committee_admin,
        member=member,
        action=action,
        effective_on=on,
        reason="原因",
        approval_ref="决定",
    )


@pytest.fixture
def year_2025(cast):  # noqa: ANN001, ANN201
    """A year of changes in both subtrees, and some after its end that must not count in it."""
    a, b = cast.branch_a, cast.branch_b
    MemberFactory(
        organization=a,
        name="新发展",
        gender="女",
        ethnicity="回族",
        status="probationary",
        birth_date=date(2000, 1, 1),
        joined_on=date(2025, 6, 1),
        full_on=None,
        education=Education.UNDERGRADUATE,
        occupation=Occupation.CIVIL_SERVANT,
    )
    prob = MemberFactory(
        organization=b, name="待转正", status="probationary", joined_on=date(2024, 3, 1), full_on=None
    )
    _change(cast, prob, "make_full", date(2025, 3, 1))
    mover = MemberFactory(organization=a, name="调动")
    services.transfer_internal(
        actor=cast.committee_admin, member=mover, to_organization=b, on_date=date(2025, 5, 1)
    )
    leaver = MemberFactory(organization=b, name="转出")
    letter = services.issue_outgoing_letter(
        actor=cast.committee_admin, member=leaver, counterpart="外县某支部", issued_on=date(2025, 8, 1)
    )
    services.transition_transfer(
        actor=cast.committee_admin, transfer=letter, action="confirm", on_date=date(2025, 9, 1)
    )
    services.receive_incoming(
        actor=cast.committee_admin,
        organization=a,
        counterpart="外县某支部",
        issued_on=date(2025, 10, 1),
        name="转入",
        gender="男",
        birth_date=date(1980, 2, 2),
        joined_on=date(2005, 7, 1),
        full_on=date(2006, 7, 1),
    )
    expelled = MemberFactory(organization=a, name="出党")
    _change(cast, expelled, "expel", date(2025, 11, 1))
    # after 2025-12-31: counted as they stood on that day
    later = MemberFactory(organization=a, name="次年停止党籍")
    _change(cast, later, "suspend", date(2026, 2, 1))
    moved_later = MemberFactory(organization=a, name="次年调动")
    services.transfer_internal(
        actor=cast.committee_admin, member=moved_later, to_organization=b, on_date=date(2026, 3, 1)
    )
    MemberFactory(
        organization=a, name="次年入党", status="probationary", joined_on=date(2026, 1, 10), full_on=None
    )
    return cast


def _by_row(cast, on):  # noqa: ANN001, ANN202
    """Independent count: every member's standing on the day, summed by the subtree it falls in."""
    rows: Counter[str] = Counter()
    for s in standings_on(Member.objects.all(), on):
        if s.active:
            path = next(o for o in (cast.org_a, cast.org_b, cast.committee) if _under(s.organization_id, o))
            rows[path.name] += 1
    return rows


def _under(org_id, org):  # noqa: ANN001, ANN202
    from ronghe.orgs.models import Organization

    return Organization.objects.get(pk=org_id).path.startswith(org.path)


def test_stock_counts_by_the_organization_held_on_31_december(year_2025):
    cast = year_2025
    stats = party_statistics(cast.committee, 2025, today=TODAY)
    basic = stats.table("basic")
    labels = [r.label for r in basic.rows]
    assert labels[0] == "合计" and labels[2:] == ["甲局总支", "乙局总支"]
    expected = _by_row(cast, date(2025, 12, 31))
    a, b = basic.rows[2], basic.rows[3]
    assert a.values[basic.columns.index("党员总数")] == expected["甲局总支"]
    assert b.values[basic.columns.index("党员总数")] == expected["乙局总支"]
    # A: 张甲, 新发展, 转入, 次年停止党籍, 次年调动 (出党 and 调动 gone, 次年入党 not yet)
    assert expected["甲局总支"] == 5
    # B: 李乙, 待转正, 调动 (转出 left on the receipt)
    assert expected["乙局总支"] == 3
    assert basic.value("党员总数") == 8
    assert basic.value("预备党员") == 1  # 新发展 (待转正 became full in March)
    assert basic.value("女") == 1 and basic.value("少数民族") == 1


def test_tables_reconcile_with_each_other(year_2025):
    stats = party_statistics(year_2025.committee, 2025, today=TODAY)
    basic = stats.table("basic")
    for i, row in enumerate(basic.rows):
        total = row.values[0]
        for key in ("periods", "education", "occupation"):
            assert sum(stats.table(key).rows[i].values) == total, (key, row.label)
        ages = row.values[basic.columns.index("30岁及以下") :]
        assert sum(ages) == total
        assert row.values[1] + row.values[2] == total  # 正式 + 预备
    comparison = stats.table("comparison")
    col = comparison.columns.index
    for i, row in enumerate(comparison.rows):
        v = row.values
        assert v[col("增加合计")] == sum(v[col(k)] for k in INCREASES)
        assert v[col("减少合计")] == sum(v[col(k)] for k in DECREASES)
        assert v[col("上年末党员数")] + v[col("增加合计")] - v[col("减少合计")] == v[col("本年末党员数")], (
            row.label
        )
        assert v[col("本年末党员数")] == basic.rows[i].values[0]
    # every table's 合计 is the sum of its rows
    for table in stats.tables:
        for j in range(len(table.columns)):
            assert table.rows[0].values[j] == sum(r.values[j] for r in table.rows[1:]), (
                table.key,
                table.columns[j],
            )


def test_flows_of_the_year(year_2025):
    stats = party_statistics(year_2025.committee, 2025, today=TODAY)
    cmp = stats.table("comparison")
    a, b = 2, 3  # rows of 甲局总支 and 乙局总支
    assert cmp.value("发展党员", a) == 1 and cmp.value("发展党员", b) == 0
    assert cmp.value("转入（系统外）", a) == 1
    assert cmp.value("转出（系统内）", a) == 1 and cmp.value("转入（系统内）", b) == 1
    assert cmp.value("转出（系统外）", b) == 1
    assert cmp.value("出党", a) == 1
    assert cmp.value("停止党籍") == 0  # effective in 2026
    # 张甲 李乙 待转正 调动 转出 出党 次年停止党籍 次年调动; 新发展 and 转入 came, 转出 and 出党 went
    assert cmp.value("上年末党员数") == 8 and cmp.value("本年末党员数") == 8
    developed = stats.table("developed")
    for column in ("发展党员", "女", "少数民族", "35岁及以下", "大专及以上", Occupation.CIVIL_SERVANT.label):
        assert developed.value(column, a) == 1, column
    assert stats.table("probation").value("转正", b) == 1
    assert stats.table("decreases").value("出党") == 1


def test_a_row_for_the_organization_itself_and_each_child(year_2025):
    stats = party_statistics(year_2025.org_a, 2025, today=TODAY)
    basic = stats.table("basic")
    assert [r.label for r in basic.rows] == ["合计", "甲局总支（本级）", "甲局第一党支部"]
    assert basic.value("党员总数") == 5 and basic.value("党员总数", 1) == 0
    org_table = stats.table("organizations")
    assert org_table.value("党组织总数") == 2
    assert org_table.value("党总支") == 1 and org_table.value("党支部") == 1


def test_two_years_agree(year_2025):
    """Last year's end in this year's comparison is the stock of the year before."""
    this = party_statistics(year_2025.committee, 2025, today=TODAY)
    last = party_statistics(year_2025.committee, 2024, today=TODAY)
    assert this.table("comparison").value("上年末党员数") == last.table("basic").value("党员总数")


@pytest.mark.parametrize(
    ("year", "today", "message"),
    [
        pytest.param(2027, TODAY, "2027年尚未开始", id="next_year_case"),
        pytest.param(1288756, TODAY, "尚未开始", id="huge_year_case"),
        # the current year before December: no draft yet
        pytest.param(
            2026, date(2026, 11, 30), "2026年尚未结束，12月1日起可生成截至当日的草稿", id="nov30_case"
        ),
    ],
)
def test_a_year_not_yet_ended_is_refused(cast, year, today, message):  # noqa: ANN001
    with pytest.raises(DomainError, match=message):
        party_statistics(cast.committee, year, today=today)


def test_from_1_december_the_year_is_a_draft_as_at_the_day(cast):  # noqa: ANN001
    # given a member who joins on 2 December and one who leaves the branch's county after 1 December
    MemberFactory(
        organization=cast.branch_a, status="probationary", joined_on=date(2026, 12, 2), full_on=None
    )
    # when the year is counted on 1 December, on 3 December and on 31 December
    dec1 = party_statistics(cast.committee, 2026, today=date(2026, 12, 1))
    dec3 = party_statistics(cast.committee, 2026, today=TODAY)
    final = party_statistics(cast.committee, 2026, today=date(2026, 12, 31))
    # then a draft counts the members of its day, says so, and the year-end count is no draft
    assert (dec1.on, dec1.draft) == (date(2026, 12, 1), True)
    assert dec1.table("basic").value("党员总数") == 2
    assert dec3.table("basic").value("党员总数") == 3 and dec3.draft
    assert "截至2026年12月03日" in dec3.table("basic").notes[0] and "草稿" in dec3.table("basic").notes[0]
    assert (final.on, final.draft) == (date(2026, 12, 31), False)
    assert "草稿" not in final.table("basic").notes[0]


def test_the_draft_month_is_configurable(cast, settings):  # noqa: ANN001
    settings.RONGHE_YEAR_END_DRAFT_MONTH = 11
    assert party_statistics(cast.committee, 2026, today=date(2026, 11, 1)).draft
    with pytest.raises(DomainError, match="11月1日起可生成"):
        party_statistics(cast.committee, 2026, today=date(2026, 10, 31))


def test_the_last_day_of_the_year_may_be_counted(cast):  # noqa: ANN001
    stats = party_statistics(cast.committee, 2026, today=date(2026, 12, 31))
    assert stats.table("basic").value("党员总数") == 2


def test_a_year_without_data_gives_zeros(cast):  # noqa: ANN001
    stats = party_statistics(cast.committee, 1990, today=TODAY)
    assert all(v == 0 for t in stats.tables for r in t.rows for v in r.values if t.key != "organizations")
    assert COMPARISON_COLUMNS[0] == "上年末党员数"


def test_age_bands_at_their_boundaries(cast):  # noqa: ANN001
    """周岁 on 31 December: born 1995-01-01 is 30 (≤30), born 1994-12-31 is 31."""
    for born in (date(1995, 1, 1), date(1994, 12, 31), date(1964, 12, 31), date(1965, 1, 1)):
        MemberFactory(organization=cast.branch_a, birth_date=born)
    basic = party_statistics(cast.org_a, 2025, today=TODAY).table("basic")
    assert basic.value("30岁及以下") == 1
    assert basic.value("31-35岁") == 1
    assert basic.value("61岁及以上") == 1  # born 1964-12-31: 61 on 2025-12-31
    assert basic.value("56-60岁") == 1  # born 1965-01-01: 60
    # 张甲 (born 1985-05-20) is 40
    assert basic.value("36-40岁") == 1


def test_demo_county_2025_against_independent_counts(time_machine):  # noqa: ANN001
    """The done-when of issue 20: the demo county's 2025 workbook figures equal counts made another way."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from ronghe.demo.generator import build_county
    from ronghe.members.choices import TransferKind
    from ronghe.orgs.models import Organization

    time_machine.move_to(datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    build_county(300, seed=3, today=date(2026, 11, 24))
    root = Organization.objects.get(parent=None)
    stats = party_statistics(root, 2025, today=date(2026, 11, 24))
    active = [s for s in standings_on(Member.objects.all(), date(2025, 12, 31)) if s.active]
    basic = stats.table("basic")
    assert basic.value("党员总数") == len(active) > 0
    assert basic.value("女") == sum(1 for s in active if s.member.gender == "女")
    assert basic.value("预备党员") == sum(1 for s in active if s.status == "probationary")
    arrived = set(Member.objects.filter(transfers__kind=TransferKind.INCOMING).values_list("pk", flat=True))
    joined = [m for m in Member.objects.filter(joined_on__year=2025) if m.pk not in arrived]
    assert stats.table("developed").value("发展党员") == len(joined)
    last = [s for s in standings_on(Member.objects.all(), date(2024, 12, 31)) if s.active]
    assert stats.table("comparison").value("上年末党员数") == len(last)
    for table in stats.tables:
        for j in range(len(table.columns)):
            assert table.rows[0].values[j] == sum(r.values[j] for r in table.rows[1:])
