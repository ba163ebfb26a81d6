"""Browser journey (issue 15 item 3): branch staff generate and record a month's 党费 and see who is
behind; a backdated rise owes a difference that is then paid (补交差额); a member opens 我的党费 (desktop
and phone width)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ronghe.dues import services
from ronghe.dues.choices import Category, RecordState
from ronghe.dues.models import DuesRecord
from ronghe.points import services as points
from ronghe.points.models import PointsEntry
from tests.factories import MemberFactory

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")


def test_secretary_records_a_month_and_a_member_views_their_dues(journey, cast):
    points.seed_default_scheme(organization=cast.committee, year=2026)
    behind = MemberFactory(organization=cast.branch_a, name="刘欠")
    other = MemberFactory(organization=cast.branch_a, name="陈按")
    for member, base in ((cast.member_a_record, "3000.00"), (behind, "3000.01"), (other, "5200.00")):
        services.set_base(
            actor=cast.secretary_a,
            member=member,
            effective_from=date(2026, 1, 1),
            category=Category.IN_SERVICE,
            base=D(base),
        )
    for month in range(1, 9):  # 刘欠 paid January–August only
        DuesRecord.objects.create(
            member=behind,
            organization=cast.branch_a,
            period=date(2026, month, 1),
            amount_due=D("30.00"),
            paid_amount=D("30.00"),
            paid_on=date(2026, month, 10),
            state=RecordState.PAID,
            timing="regular",
        )
    for month in range(1, 12):  # 张甲 paid every month so far
        DuesRecord.objects.create(
            member=cast.member_a_record,
            organization=cast.branch_a,
            period=date(2026, month, 1),
            amount_due=D("15.00"),
            paid_amount=D("15.00"),
            paid_on=date(2026, month, 10),
            state=RecordState.PAID,
            timing="regular",
        )
    with time_machine.travel(datetime(2026, 12, 10, 9, 0, tzinfo=TZ), tick=True):
        journey.login(cast.secretary_a)
        journey.goto(f"/dues/?org={cast.branch_a.code}&period=2026-12")
        journey.page.click("#dues-run")
        journey.page.wait_for_selector(".alert-success")
        assert "已生成2026年12月党费记录 3 条" in journey.page.inner_text(".alert-success")
        assert "连续3个月未交" in journey.page.inner_text(f"#dues-{behind.code}-row")
        journey.page.check(f"#pay-{cast.member_a_record.code}")
        journey.page.check(f"#pay-{other.code}")
        journey.page.click("#collect-submit")
        journey.page.wait_for_selector(".alert-success")
        assert "已登记2名党员2026年12月的党费" in journey.page.inner_text(".alert-success")
        assert "已交" in journey.page.inner_text(f"#dues-{other.code}-row")
        assert "78.00" in journey.page.inner_text(f"#dues-{other.code}-row")  # 5200 × 1.5%
        journey.screenshot("dues-collection")
        journey.assert_clean()
        assert DuesRecord.objects.get(member=other, period=date(2026, 12, 1)).state == RecordState.PAID

        journey.goto(f"/dues/arrears/?org={cast.org_a.code}")
        assert "刘欠" in journey.page.inner_text("#arrears-table")
        assert "欠交预警" in journey.page.inner_text(f"#arrears-{behind.code}-row")
        journey.screenshot("dues-arrears")

        # prepaying 8 months (to July 2027, 7 months ahead) is refused, naming the rule; back-paying
        # September–November is taken
        journey.page.click(f"#arrears-{behind.code}-row a")
        journey.page.fill("#id_pay-from_period", "2026-12")
        journey.page.fill("#id_pay-months", "8")
        journey.page.click("#pay-form button[type=submit]")
        journey.page.wait_for_selector("#id_pay-from_period_error")
        assert "预交党费最多6个月" in journey.page.inner_text("#id_pay-from_period_error")
        assert DuesRecord.objects.get(member=behind, period=date(2026, 12, 1)).state == RecordState.DUE
        assert not DuesRecord.objects.filter(member=behind, period__year=2027).exists()
        journey.problems.clear()  # the refused form answers 422 on purpose
        journey.screenshot("dues-member-refused")
        journey.page.fill("#id_pay-from_period", "2026-09")
        journey.page.fill("#id_pay-months", "3")
        journey.page.click("#pay-form button[type=submit]")
        journey.page.wait_for_selector(".alert-success")
        assert "已登记3个月党费，共90.00元" in journey.page.inner_text(".alert-success")
        assert "补交" in journey.page.inner_text("#month-2026-09")
        journey.assert_clean()

        # September–November were not paid on time: each costs 未按时交纳党费 in 刘欠's points (−2, at most
        # 6 a year), and the line opens to the 党费 record
        journey.goto(f"/points/members/{behind.code}/?year=2026")
        main = journey.page.inner_text("#main-content")
        assert all(f"2026年{m}月党费未按时交纳" in main for m in (9, 10, 11))
        journey.screenshot("dues-late-points")
        september = PointsEntry.objects.get(member=behind, source_type="dues", source_id="2026-09")
        journey.page.click(f"#entry-{september.code}-row a.entry-source")
        journey.page.wait_for_selector("#entry-dues")
        journey.page.click("#entry-dues a")
        journey.page.wait_for_selector("#month-2026-09")
        journey.assert_clean()

        journey.goto(f"/dues/statement/?org={cast.org_a.code}&year=2026")
        december = journey.page.locator("#statement-table tbody tr").nth(11).inner_text()
        assert "12月" in december and "123.00" in december  # 15.00 + 30.00 + 78.00 due
        journey.screenshot("dues-statement")
        journey.assert_clean()

        journey.goto(f"/dues/publication/?org={cast.branch_a.code}&year=2026")
        journey.page.select_option("#id_category", "training")
        journey.page.fill("#id_amount", "60.00")
        journey.page.click("#publication-use-submit")
        journey.page.wait_for_selector(".alert-success")
        assert "使用合计 60.00 元" in journey.page.inner_text("#publication").replace("\t", " ")
        journey.screenshot("dues-publication")
        journey.assert_clean()

        # 刘欠's pay rise is recorded from January (annual fixing: the year's base): 3500.00 → 35.00 a month,
        # so each month already paid at 30.00 owes 5.00; the secretary takes January's difference
        journey.goto(f"/dues/members/{behind.code}/")
        journey.page.fill("#id_base-effective_from", "2026-01")
        journey.page.fill("#id_base-base", "3500.00")
        journey.page.click("#base-form button[type=submit]")
        journey.page.wait_for_selector("#member-owing")
        assert "2026年1月 5.00 元" in journey.page.inner_text("#member-owing")
        assert "应补差额 5.00 元" in journey.page.inner_text("#month-2026-01")
        journey.page.check("#difference-form input[value='2026-01']")
        journey.screenshot("dues-member-difference")
        journey.page.click("#difference-form button[type=submit]")
        journey.page.wait_for_selector(".alert-success")
        assert "已登记1个月的补交差额，共5.00元" in journey.page.inner_text(".alert-success")
        assert "已补差额 5.00 元" in journey.page.inner_text("#month-2026-01")
        journey.assert_clean()

        journey.page.context.clear_cookies()
        journey.login(cast.member_a)
        journey.goto("/dues/me/")
        assert "180.00 元" in journey.page.inner_text("#my-paid-total")  # 12 × 15.00
        assert "已交" in journey.page.inner_text("#month-2026-12")
        journey.screenshot("dues-my-dues")
        journey.assert_clean()
