"""Deep pages of a long roster are read from the end; the roster count is cached per version."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ronghe.core.htmx import DeepPaginator
from ronghe.members.choices import ACTIVE_STATUSES, MemberStatus
from ronghe.members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(cast):
    # equal names across two branches: the order needs every key (path, name, id)
    for i in range(23):
        MemberFactory(name=f"王{i % 4}", organization=cast.branch_a if i % 3 else cast.branch_b)
    return Member.objects.order_by("organization__path", "name", "id")


@pytest.mark.parametrize("per_page", [1, 4, 5, 25])
def test_every_page_holds_what_a_forward_read_holds(roster, per_page):
    plain, deep = Paginator(roster, per_page), DeepPaginator(roster, per_page)
    assert deep.num_pages == plain.num_pages
    for number in plain.page_range:
        assert list(deep.page(number)) == list(plain.page(number)), number
    last = deep.page(deep.num_pages)
    assert last.has_next() is False
    assert last.start_index() == plain.page(plain.num_pages).start_index()


def test_the_last_page_is_read_in_reverse(roster):
    deep = DeepPaginator(roster, 5)
    with CaptureQueriesContext(connection) as queries:
        list(deep.page(deep.num_pages))
    page_sql = queries.captured_queries[-1]["sql"]
    assert "DESC" in page_sql
    assert "OFFSET" not in page_sql.upper() or " OFFSET 0" in page_sql.upper()


def test_roster_count_is_cached_until_a_member_is_saved(client_for, cast, roster):
    client = client_for(cast.committee_admin)
    url = reverse("members:member-list")
    before = client.get(url).context["page"].paginator.count
    # a write that bypasses the ORM signals (as a bulk load does) is not seen while cached …
    Member.objects.filter(pk=cast.member_a_record.pk).update(status=MemberStatus.DECEASED)
    assert client.get(url).context["page"].paginator.count == before
    # … and any ORM save drops every cached count at once
    MemberFactory(organization=cast.branch_a)
    after = client.get(url).context["page"].paginator.count
    assert after == Member.objects.filter(status__in=ACTIVE_STATUSES).count()
    assert after == before  # one left (status change above), one joined


def test_cached_counts_are_per_scope(client_for, cast, roster):
    url = reverse("members:member-list")
    county = client_for(cast.committee_admin).get(url).context["page"].paginator.count
    branch = client_for(cast.secretary_a).get(url).context["page"].paginator.count
    assert county == Member.objects.filter(status__in=ACTIVE_STATUSES).count()
    assert (
        branch
        == Member.objects.filter(
            status__in=ACTIVE_STATUSES, organization__path__startswith=cast.org_a.path
        ).count()
    )
    assert branch < county
