"""The 党费收缴报表 and the monthly run: their figures against the records counted one by one, and SQL
statements that do not grow with the county (bench rows "党费收缴报表" and "党费 monthly run")."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ronghe.dues import queries, rules, services
from ronghe.dues.choices import Category, RecordState
from ronghe.dues.models import DuesRecord, VoluntaryPayment
from ronghe.orgs.models import Organization
from tests.core.test_statement_counts import Counted, counted
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
SIZES = [2, 6]
TODAY = date(2026, 11, 24)


@pytest.fixture
def county(cast):
    """`county(n)`: n branches under 甲局总支 (and 乙局's), each with two members on a base, their year's
    records from the monthly run for January–November, some paid (in time, ahead, late), one month
    exempt, and a voluntary payment."""

    def grow(n: int) -> None:
        for i in range(n):
            parent = cast.org_a if i % 2 == 0 else cast.org_b
            branch = OrganizationFactory(name=f"支部{i:02d}", parent=parent, unit=parent.unit)
            for j in range(2):
                member = MemberFactory(name=f"党员{i:02d}{j}", organization=branch)
                services.set_base(
                    actor=cast.committee_admin,
                    member=member,
                    effective_from=date(2025, 1, 1),
                    category=Category.IN_SERVICE,
                    base=D("3000.01") if j else D("2999.99"),
                )
        for month in range(1, 12):
            services.run_month(
                actor=cast.committee_admin,
                organization=cast.committee,
                period=date(2026, month, 1),
                today=TODAY,
            )
        for k, record in enumerate(DuesRecord.objects.order_by("id")):
            if k % 3 == 0:
                continue  # unpaid
            timing = ["regular", "prepaid", "backpaid"][k % 3]
            amount = record.amount_due or D("0")
            if k % 7 == 0:
                record.state, record.amount_due, record.paid_amount = RecordState.EXEMPT, D("0.00"), None
            else:
                record.state, record.paid_amount, record.timing = RecordState.PAID, amount, timing
            record.save()
        VoluntaryPayment.objects.create(
            member=cast.member_a_record,
            organization=cast.branch_a,
            amount=D("1000.00"),
            paid_on=date(2026, 5, 31),
        )

    return grow


def _by_hand(organization: Organization, year: int) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """Each month's and each organization's figures from the records one at a time."""
    months: dict[int, list] = {m: [0, 0, 0, D("0.00"), D("0.00"), 0, 0] for m in range(1, 13)}
    orgs: dict[int, list] = {}
    for r in DuesRecord.objects.filter(organization__path__startswith=organization.path, period__year=year):
        line = months[r.period.month]
        per = orgs.setdefault(r.organization_id, [0, 0, 0, D("0.00")])
        paid, exempt = r.state == RecordState.PAID, r.state == RecordState.EXEMPT
        line[0] += 1
        line[1] += paid
        line[2] += exempt
        line[3] += r.amount_due or 0
        line[4] += r.paid_amount or 0
        line[5] += r.timing == "prepaid"
        line[6] += r.timing == "backpaid"
        per[0] += 1
        per[1] += paid
        per[2] += exempt
        per[3] += r.paid_amount or 0
    return (
        {m: tuple(v) for m, v in months.items()},
        {k: (*v, rules.collection_rate(v[0] - v[2], v[1])) for k, v in orgs.items()},
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_statement_is_the_records_counted_one_by_one(cast, county, size):
    # given: a county of `size` branches with a year of records
    county(size)
    for organization in (cast.committee, cast.org_a):
        # when
        statement = queries.statement(organization, 2026)
        # then: each month, and each collecting organization in path order, as counted by hand
        months, orgs = _by_hand(organization, 2026)
        shown = {
            m.period.month: (m.members, m.paid, m.exempt, m.due_amount, m.paid_amount, m.prepaid, m.backpaid)
            for m in statement.months
        }
        assert shown == months
        assert {
            b.organization.pk: (b.members, b.paid, b.exempt, b.paid_amount, b.rate)
            for b in statement.branches
        } == orgs
        paths = [b.organization.path for b in statement.branches]
        assert paths == sorted(paths) and len(paths) == len(orgs)
        assert statement.total.members == sum(v[0] for v in months.values())
        assert statement.total.paid_amount == sum(v[4] for v in months.values())
    assert [m.voluntary for m in queries.statement(cast.committee, 2026).months][4] == D("1000.00")


@pytest.mark.parametrize("size", SIZES)
def test_the_statement_page_is_seven_statements_whatever_the_county(client_for, cast, county, size):
    # given: a county of `size` branches, nothing cached
    county(size)
    client = client_for(cast.committee_admin)
    data = {"org": cast.committee.code, "year": 2026}
    client.get(reverse("dues:statement"), data)  # the session and the account warm
    cache.clear()
    # when the 工委 opens the county's statement
    with CaptureQueriesContext(connection) as ctx:
        cold = client.get(reverse("dues:statement"), data)
    got = Counted([q["sql"] for q in ctx.captured_queries])
    # then: the session, the account, the organization asked for, the year's records grouped once by
    # organization and month, the voluntary payments, the organizations' names and the picker
    assert cold.status_code == 200
    assert got.tables == [
        "django_session",
        "accounts_user",
        "orgs_organization",
        "dues_duesrecord",
        "dues_voluntarypayment",
        "orgs_organization",
        "orgs_organization",
    ], got.work
    assert got.writes == []
    # and opened again: the statement comes from the read cache (no record, payment or name read), the same
    warm = counted(client, reverse("dues:statement"), data=data)
    assert warm.tables == ["django_session", "accounts_user", "orgs_organization", "orgs_organization"], (
        warm.work
    )
    assert _tables(client.get(reverse("dues:statement"), data).content) == _tables(cold.content)


def _tables(page: bytes) -> list[str]:
    return re.findall(r"<table.*?</table>", page.decode(), re.S)


@pytest.mark.parametrize("size", SIZES)
def test_the_monthly_run_is_the_same_statements_whatever_the_county(cast, county, size):
    # given: a county of `size` branches with eleven months recorded
    county(size)
    # when December is run for the whole county
    with CaptureQueriesContext(connection) as ctx:
        result = services.run_month(
            actor=cast.committee_admin,
            organization=cast.committee,
            period=date(2026, 12, 1),
            today=date(2026, 12, 1),
        )
    # then: every active member got a record, in a number of statements that does not depend on the size
    assert result.created == DuesRecord.objects.filter(period=date(2026, 12, 1)).count() >= 2 * size
    got = Counted([q["sql"] for q in ctx.captured_queries])
    # (the rate table; the members without a record, streamed; the settings, bases and reliefs of the
    # batch; the records, bulk-inserted; the members who may be six months in arrears: nobody here)
    assert len(got.work) == 7, got.work
    assert [t for t in got.tables if not t.startswith("INSERT")] == [
        "dues_ratetable",
        "members_member",
        "dues_duessetting",
        "dues_duesbase",
        "dues_relief",
        "members_member",
    ], got.work
    assert len(got.audit_writes) == 2  # the one audit row (and the chain's head)


def _shown(organization: Organization) -> tuple[dict[int, tuple], dict[int, tuple]]:
    statement = queries.statement(organization, 2026)
    months = {
        m.period.month: (m.members, m.paid, m.exempt, m.due_amount, m.paid_amount, m.prepaid, m.backpaid)
        for m in statement.months
    }
    branches = {
        b.organization.pk: (b.members, b.paid, b.exempt, b.paid_amount, b.rate) for b in statement.branches
    }
    return months, branches


def test_every_dues_write_shows_in_the_cached_statement_at_once(cast, county):
    """Bulk and queryset writes send no signal: the services drop the cached statement themselves."""
    from ronghe.dues import relief as relief_services
    from ronghe.dues.choices import ReliefKind

    # given: a county and its statement, cached; one member's November unpaid
    county(2)
    member = DuesRecord.objects.filter(period=date(2026, 11, 1), base__isnull=False).order_by("id")[0].member
    nov = DuesRecord.objects.get(member=member, period=date(2026, 11, 1))
    nov.state, nov.paid_amount, nov.timing, nov.paid_on = RecordState.DUE, None, "", None
    nov.save()
    paid = DuesRecord.objects.filter(member=member, state=RecordState.PAID).order_by("period").last()
    assert _shown(cast.committee) == _by_hand(cast.committee, 2026)
    steps = {
        # a month paid (the record exists: a queryset update)
        "payment": lambda: services.record_payment(
            actor=cast.committee_admin, member=member, periods=[date(2026, 11, 1)], paid_on=TODAY
        ),
        # the base raised from January: the months priced again (a bulk update)
        "base": lambda: services.set_base(
            actor=cast.committee_admin,
            member=member,
            effective_from=date(2026, 1, 1),
            category=Category.IN_SERVICE,
            base=D("9000.00"),
        ),
        # the difference a paid month now owes (a queryset update)
        "difference": lambda: services.pay_difference(
            actor=cast.committee_admin, member=member, periods=[paid.period], paid_on=TODAY
        ),
        # December run (bulk-created)
        "run": lambda: services.run_month(
            actor=cast.committee_admin,
            organization=cast.committee,
            period=date(2026, 12, 1),
            today=date(2026, 12, 1),
        ),
        # a voluntary payment (an ORM save)
        "voluntary": lambda: services.record_voluntary(
            actor=cast.committee_admin, member=member, amount=D("50.00"), paid_on=TODAY
        ),
    }
    for name, write in steps.items():
        before = _shown(cast.committee)
        # when
        write()
        # then: the cached statement is dropped, and the new one is the records counted one by one
        assert _shown(cast.committee) == _by_hand(cast.committee, 2026), name
        assert name == "voluntary" or _shown(cast.committee) != before, name
    assert queries.statement(cast.committee, 2026).months[10].voluntary == D("50.00")
    # an exemption approved for December (the month's record updated in bulk)
    relief = relief_services.apply_relief(
        actor=cast.committee_admin,
        member=member,
        kind=ReliefKind.EXEMPT,
        from_period=date(2026, 12, 1),
        to_period=date(2026, 12, 1),
        reason="重病住院",
    )
    relief_services.study_relief(actor=cast.committee_admin, relief=relief)
    before = _shown(cast.committee)
    relief_services.decide_relief(actor=cast.committee_admin, relief=relief, approve=True)
    assert _shown(cast.committee) == _by_hand(cast.committee, 2026) != before
