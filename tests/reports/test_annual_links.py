"""The annual report's figures open the records behind them for the report's organization and year: the
case list and the class list narrow to ?org= (a subtree the user may see) and the year."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ronghe.accounts.choices import Role
from ronghe.discipline.choices import CaseSource
from ronghe.discipline.models import Case
from ronghe.education import services as education
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def _case(org, member, received_on, summary):  # noqa: ANN001, ANN202
    return Case.objects.create(
        organization=org, member=member, source=CaseSource.LETTER, received_on=received_on, summary=summary
    )


def test_the_case_list_narrows_to_the_linked_subtree_and_year(client_for, cast):
    # given a 纪检 reviewer over the whole county and cases in A (2025, 2026) and B (2026)
    reviewer = UserFactory(username="jijian_all")
    grant(reviewer, Role.DISCIPLINE_REVIEWER, cast.org_a.parent)
    a_old = _case(cast.branch_a, cast.member_a_record, date(2025, 5, 1), "甲旧")
    a_new = _case(cast.branch_a, cast.member_a_record, date(2026, 5, 1), "甲新")
    b_new = _case(cast.branch_b, cast.member_b_record, date(2026, 6, 1), "乙新")
    client = client_for(reviewer)
    url = reverse("discipline:case-list")
    # when the link of A's 2026 report is opened
    page = client.get(url, {"org": str(cast.org_a.code), "year": 2026}).content.decode()
    # then only A's case received in 2026 is listed, and the page says whose
    assert f"case-{a_new.code}-row" in page
    assert f"case-{a_old.code}-row" not in page and f"case-{b_new.code}-row" not in page
    assert 'id="scope-org"' in page and cast.org_a.name in page
    # the filter bar keeps the subtree when the other filters change
    assert f'name="org" value="{cast.org_a.code}"' in page
    # without ?org= the whole scope shows; a code outside the scope or malformed is not found
    assert f"case-{b_new.code}-row" in client.get(url).content.decode()
    outsider = UserFactory(username="jijian_b_only")
    grant(outsider, Role.DISCIPLINE_REVIEWER, cast.org_b)
    assert client_for(outsider).get(url, {"org": str(cast.org_a.code)}).status_code == 404
    assert client_for(reviewer).get(url, {"org": "not-a-code"}).status_code == 404


def test_the_class_list_narrows_to_the_linked_subtree(client_for, cast):
    def make(org, title):  # noqa: ANN001, ANN202
        return education.create_class(
            actor=cast.committee_admin,
            organization=org,
            data={
                "title": title,
                "audience": "all",
                "starts_on": date(2026, 5, 6),
                "ends_on": date(2026, 5, 7),
            },
        )

    make(cast.branch_a, "甲局培训班")
    make(cast.branch_b, "乙局培训班")
    client = client_for(cast.committee_admin)
    page = client.get(reverse("education:class-list"), {"org": str(cast.org_a.code), "year": 2026})
    text = page.content.decode()
    assert "甲局培训班" in text and "乙局培训班" not in text and 'id="scope-org"' in text
    assert "乙局培训班" in client.get(reverse("education:class-list"), {"year": 2026}).content.decode()


def test_the_annual_report_links_carry_the_organization_and_year(cast):
    from ronghe.reports import statistics
    from ronghe.reports.annual import sections

    # given a case and a class in A's 2026
    _case(cast.branch_a, cast.member_a_record, date(2026, 5, 1), "甲新")
    education.create_class(
        actor=cast.committee_admin,
        organization=cast.branch_a,
        data={
            "title": "甲局培训班",
            "audience": "all",
            "starts_on": date(2026, 5, 6),
            "ends_on": date(2026, 5, 7),
        },
    )
    today = date(2026, 12, 3)
    stats = statistics.party_statistics(cast.org_a, 2026, today)
    ctx = sections.Context(
        cast.org_a, 2026, today, stats, statistics.party_statistics(cast.org_a, 2025, today)
    )
    # then the 教育培训 and 纪律建设 figures open A's records of 2026
    figures = [f for section in (sections.education, sections.discipline) for f in section(ctx).figures]
    assert {f.key.split(".")[0] for f in figures} == {"training", "discipline"}
    for figure in figures:
        assert f"org={cast.org_a.code}" in figure.url and "year=2026" in figure.url, figure
