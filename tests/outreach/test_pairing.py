"""三结对五联系 and contact points: 1–3 partners a branch, visits, issues followed up, overdue on the to-do."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ronghe.core.errors import DomainError
from ronghe.core.evidence.models import Evidence
from ronghe.outreach import pairing
from ronghe.outreach.models import ContactVisit, Pairing

pytestmark = pytest.mark.django_db


def _pair(cast, n=1, kind="community"):
    return pairing.add_pairing(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={"kind": kind, "partner": f"结对对象{n}", "started_on": date(2026, 1, 1)},
    )


def test_a_branch_pairs_with_at_most_three_partners(cast):
    for n in range(3):
        _pair(cast, n)
    with pytest.raises(DomainError, match="每个党组织结对 1 至 3 个对象，甲局第一党支部已有 3 个"):
        _pair(cast, 4)
    assert Pairing.objects.count() == 3
    with pytest.raises(DomainError, match="基层联系点请填写联系领导"):
        _pair(cast, 5, kind="contact_point")


def test_an_issue_needs_a_deadline_is_followed_up_and_counted_when_overdue(cast, client_for, time_machine):
    time_machine.move_to(date(2026, 4, 10))
    p = _pair(cast)
    with pytest.raises(DomainError, match="反映了问题，请填写办结期限"):
        pairing.record_visit(
            actor=cast.secretary_a,
            pairing=p,
            data={"visited_on": date(2026, 3, 1), "summary": "走访", "issue": "路灯损坏"},
        )
    visit = pairing.record_visit(
        actor=cast.secretary_a,
        pairing=p,
        data={
            "visited_on": date(2026, 3, 1),
            "summary": "走访",
            "issue": "路灯损坏",
            "follow_up_due": date(2026, 3, 31),
        },
    )
    assert pairing.overdue_count(cast.secretary_a, date(2026, 4, 10)) == 1
    assert pairing.overdue_count(cast.outsider_b, date(2026, 4, 10)) == 0
    page = client_for(cast.secretary_a).get("/").content.decode()
    assert 'id="home-contacts-overdue">1<' in page
    # a closing without evidence is refused and the issue stays open
    close = reverse("outreach:visit-close", args=[p.code, visit.pk])
    response = client_for(cast.secretary_a).post(close, {"outcome": "已修复"}, follow=True)
    assert "请上传办结佐证（照片或文件）" in response.content.decode()
    assert ContactVisit.objects.get().closed_on is None and not Evidence.objects.exists()
    # when: closed with its outcome and a photo through the page
    photo = SimpleUploadedFile("修复后.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, content_type="image/png")
    response = client_for(cast.secretary_a).post(close, {"outcome": "已协调住建部门修复", "file": photo})
    assert response.status_code == 302
    visit = ContactVisit.objects.get()
    assert (visit.closed_on, visit.outcome) == (date(2026, 4, 10), "已协调住建部门修复")
    proof = Evidence.objects.get(kind="outreach.visit", object_id=visit.pk)
    assert proof.original_name == "修复后.png"
    page = (
        client_for(cast.secretary_a).get(reverse("outreach:pairing-detail", args=[p.code])).content.decode()
    )
    assert "办结佐证：" in page and "修复后.png" in page
    assert pairing.overdue_count(cast.secretary_a, date(2026, 4, 10)) == 0
    assert (
        client_for(cast.outsider_b).get(reverse("outreach:pairing-detail", args=[p.code])).status_code == 404
    )


def test_the_overview_counts_partners_and_contacts_by_kind(cast, client_for):
    p = _pair(cast)
    pairing.record_visit(
        actor=cast.secretary_a, pairing=p, data={"visited_on": date(2026, 2, 1), "summary": "座谈"}
    )
    counts = {label: (n, v) for label, n, v in pairing.counts_by_kind(cast.committee_admin, 2026)}
    assert counts["村（社区）"] == (1, 1) and counts["领导干部基层联系点"] == (0, 0)
    api = client_for(cast.committee_admin).get("/api/v1/outreach/pairings").json()
    assert [(r["partner"], r["visits"], r["open_issues"]) for r in api] == [("结对对象1", 1, 0)]


def test_the_committee_dashboard_counts_contacts_and_overdue_issues(cast, client_for, time_machine):
    # given: A's branch visited its partner twice, one issue past its deadline
    time_machine.move_to(date(2026, 4, 10))
    p = _pair(cast)
    pairing.record_visit(
        actor=cast.secretary_a, pairing=p, data={"visited_on": date(2026, 2, 1), "summary": "座谈"}
    )
    pairing.record_visit(
        actor=cast.secretary_a,
        pairing=p,
        data={
            "visited_on": date(2026, 3, 1),
            "summary": "走访",
            "issue": "路灯",
            "follow_up_due": date(2026, 3, 31),
        },
    )
    # when
    page = client_for(cast.committee_admin).get(reverse("home:dashboard"), {"year": 2026}).content.decode()
    # then
    summary = page.split('id="dash-contacts-summary">')[1].split("</p>")[0]
    assert "在联系对象 <strong>1</strong> 个，本年联系 <strong>2</strong> 次" in summary
    assert 'id="dash-contacts-overdue">1<' in summary
    # B's secretary sees none of A's
    page_b = client_for(cast.outsider_b).get(reverse("home:dashboard"), {"year": 2026}).content.decode()
    assert "在联系对象 <strong>0</strong> 个" in page_b
