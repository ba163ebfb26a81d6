"""PI-3 / issue 17 finding 1: reading member lists with personal fields is audited in aggregate —
one row per list page, API list or export request (who, which scope, how many), never one per member,
and never the search text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ronghe.core.models import AuditEntry
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(cast):  # noqa: ANN001
    return [MemberFactory(name=f"名册{i}", organization=cast.branch_a) for i in range(4)]


def _rows(event: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(event=event).order_by("id"))


def test_list_page_writes_one_aggregate_row(client_for, cast, roster):
    client = client_for(cast.secretary_a)
    assert client.get(reverse("members:member-list")).status_code == 200
    [row] = _rows("member.list")
    assert row.actor_id == cast.secretary_a.pk
    assert row.changes == {"surface": "page", "scope": [cast.org_a.path], "rows": 5, "matched": 5}
    assert row.org_path == cast.org_a.path and row.object_repr == "全部管理范围"


def test_htmx_page_and_filtered_list_one_row_each_without_the_search_text(client_for, cast, roster):
    client = client_for(cast.secretary_a)
    client.get(
        reverse("members:member-list"),
        {"q": "名册", "organization": str(cast.branch_a.code)},
        HTTP_HX_REQUEST="true",
    )
    [row] = _rows("member.list")
    assert row.changes == {"surface": "page", "scope": [cast.branch_a.path], "rows": 4, "matched": 4}
    assert row.object_id == str(cast.branch_a.code)
    assert "名册" not in str(row.changes) and "名册" not in row.object_repr


def test_api_list_writes_one_aggregate_row(client_for, cast, roster):
    client = client_for(cast.committee_admin)
    body = client.get("/api/v1/members", {"limit": 2}).json()
    assert body["count"] == 6 and len(body["items"]) == 2
    [row] = _rows("member.list")
    assert row.actor_id == cast.committee_admin.pk
    assert row.changes == {"surface": "api", "scope": [cast.committee.path], "rows": 2, "matched": 6}


def test_export_writes_one_row_with_scope_and_count(client_for, cast, roster):
    client = client_for(cast.secretary_a)
    response = client.get(reverse("member_io:export"), {"download": "1"})
    b"".join(response.streaming_content)
    [row] = _rows("member.export")
    assert row.changes["rows"] == 5 and row.changes["scope"] == [cast.org_a.path]
    assert _rows("member.list") == []
