"""The home summary is cached per scope; changes made through the ORM show at once."""

import pytest
from django.urls import reverse

from ronghe.members.models import Member
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_new_and_deleted_member_show_on_next_home_view(client_for, cast):
    client = client_for(cast.committee_admin)
    assert client.get(reverse("home:home")).context["member_count"] == 2
    added = MemberFactory(organization=cast.branch_b, status="probationary")
    second = client.get(reverse("home:home")).context
    assert second["member_count"] == 3
    assert second["probationary_count"] == 1
    Member.objects.filter(pk=added.pk).get().delete()
    assert client.get(reverse("home:home")).context["member_count"] == 2


def test_cached_summary_is_not_shared_across_scopes(client_for, cast):
    assert client_for(cast.committee_admin).get(reverse("home:home")).context["member_count"] == 2
    assert client_for(cast.secretary_a).get(reverse("home:home")).context["member_count"] == 1
