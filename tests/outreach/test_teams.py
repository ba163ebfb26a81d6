"""党员志愿服务先锋队 (issue 18 item 4): a branch forms a team, adds its members (captain first), sees each
member's volunteer hours this year; a member sees their team on the phone."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from ronghe.core.errors import DomainError
from ronghe.outreach import volunteering
from ronghe.outreach.models import TeamMembership, VolunteerTeam
from tests.factories import MemberFactory
from tests.outreach.test_volunteering import START, _activity

pytestmark = pytest.mark.django_db


def test_a_secretary_forms_a_team_and_adds_members_with_their_hours(cast, client_for):
    # given: two members of the branch
    wang = MemberFactory(name="王队员", organization=cast.branch_a)
    client = client_for(cast.secretary_a)
    # when: the team is formed and two members join, 王队员 as captain
    response = client.post(
        reverse("outreach:team-list"),
        {"org": str(cast.branch_a.code), "name": "红色先锋队", "focus": "社区环境整治"},
    )
    team = VolunteerTeam.objects.get()
    assert response.status_code == 302 and team.organization == cast.branch_a
    response = client.post(
        reverse("outreach:team-detail", args=[team.code]),
        {"members": [str(cast.member_a_record.pk), str(wang.pk)], "captain": str(wang.pk)},
    )
    assert response.status_code == 302
    # then
    assert list(team.memberships.values_list("member__name", "is_captain")) == [
        ("王队员", True),
        ("张甲", False),
    ]
    page = client.get(reverse("outreach:team-detail", args=[team.code])).content.decode()
    assert "队员 <strong>2</strong> 人" in page
    mine = client_for(cast.member_a).get(reverse("outreach:my-volunteering")).content.decode()
    assert "红色先锋队" in mine.split('id="my-teams"')[1]


def test_the_roster_shows_each_members_hours_of_the_year(cast):
    team = volunteering.create_team(actor=cast.secretary_a, organization=cast.branch_a, name="先锋队")
    volunteering.add_team_members(actor=cast.secretary_a, team=team, members=[cast.member_a_record])
    activity = _activity(cast)
    volunteering.open_checkin(actor=cast.secretary_a, activity=activity, now=START)
    volunteering.check_in(user=cast.member_a, code=activity.checkin_code, now=START + timedelta(minutes=1))
    [(row, hours)] = volunteering.team_roster(team, 2026)
    assert (row.member, hours) == (cast.member_a_record, Decimal("3.0"))


def test_a_member_of_another_branch_or_a_duplicate_name_is_refused(cast, client_for):
    team = volunteering.create_team(actor=cast.secretary_a, organization=cast.branch_a, name="先锋队")
    client = client_for(cast.secretary_a)
    response = client.post(reverse("outreach:team-list"), {"org": str(cast.branch_a.code), "name": "先锋队"})
    assert "甲局第一党支部已有“先锋队”" in response.content.decode()
    with pytest.raises(DomainError, match="李乙 不是甲局第一党支部的在册党员，不能加入"):
        volunteering.add_team_members(actor=cast.secretary_a, team=team, members=[cast.member_b_record])
    assert VolunteerTeam.objects.count() == 1 and not TeamMembership.objects.exists()


def test_outsiders_and_plain_members_cannot_see_or_change_a_team(cast, client_for):
    from tests.outreach.samples import sample_team

    team = sample_team(cast)
    url = reverse("outreach:team-detail", args=[team.code])
    assert client_for(cast.outsider_b).get(url).status_code == 404
    assert (
        client_for(cast.outsider_b).post(url, {"members": [str(cast.member_b_record.pk)]}).status_code == 404
    )
    assert client_for(cast.member_a).get(url).status_code == 403
    assert TeamMembership.objects.count() == 1
