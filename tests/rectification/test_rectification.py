"""整改: the steps, the reasons, the late boundary, scope and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from ronghe.core.errors import DomainError, TransitionNotAllowed
from ronghe.core.models import AuditEntry
from ronghe.core.rectification import services
from ronghe.core.rectification.models import Item
from ronghe.core.workflow.models import History
from ronghe.home.queries import late_rectifications

pytestmark = pytest.mark.django_db


def test_create_checks_permission_title_and_deadline(cast, make_item):
    today = timezone.localdate()
    with pytest.raises(DomainError, match="整改期限不能早于今天"):
        make_item(due_on=today - timedelta(days=1))
    with pytest.raises(DomainError, match="请填写整改问题"):
        make_item(title="  ")
    with pytest.raises(PermissionDenied):
        make_item(actor=cast.outsider_b)
    with pytest.raises(PermissionDenied):
        make_item(actor=cast.member_a)
    assert not Item.objects.exists()
    item = make_item(actor=cast.secretary_a, due_on=today)  # the owner may open one too; today is fine
    assert item.state == "open"
    assert AuditEntry.objects.filter(event="rectification.item.create", object_id=str(item.code)).exists()
    assert History.objects.filter(process="rectification.item", object_id=item.pk, to_state="open").exists()
    assert services.for_object("ratings.entry", 1) == [item]


def test_submit_accept_and_reject_with_reasons(cast, make_item):
    item = make_item()
    with pytest.raises(DomainError, match="请说明整改完成情况"):
        services.submit(actor=cast.secretary_a, item=item, note=" ")
    with pytest.raises(PermissionDenied):
        services.submit(actor=cast.outsider_b, item=item, note="已整改")
    with pytest.raises(TransitionNotAllowed):
        services.accept(actor=cast.committee_admin, item=item)
    services.submit(actor=cast.secretary_a, item=item, note="已补齐记录")
    assert Item.objects.get(pk=item.pk).state == "submitted"

    with pytest.raises(PermissionDenied):  # the branch does not check its own work
        services.accept(actor=cast.secretary_a, item=item)
    with pytest.raises(DomainError, match="请填写退回理由"):
        services.reject(actor=cast.committee_admin, item=item, reason="")
    services.reject(actor=cast.committee_admin, item=item, reason="记录仍不完整")
    assert Item.objects.get(pk=item.pk).state == "open"

    services.submit(actor=cast.secretary_a, item=item, note="再次补齐")
    services.accept(actor=cast.committee_admin, item=item, comment="同意销号")
    item.refresh_from_db()
    assert item.state == "closed" and item.closed_at is not None
    actions = [h.action for h in services.history(item)]
    assert actions == ["", "submit", "reject", "submit", "accept"]
    events = set(AuditEntry.objects.filter(object_id=str(item.code)).values_list("event", flat=True))
    assert {"rectification.item.submit", "rectification.item.reject", "rectification.item.accept"} <= events


def test_plan_and_progress_only_while_open_by_the_owner(cast, make_item):
    item = make_item()
    due = timezone.localdate() + timedelta(days=60)
    services.update_plan(
        actor=cast.secretary_a,
        item=item,
        title="记录不规范",
        measures="逐月核对",
        owner="李委员",
        leader="赵局长",
        due_on=due,
    )
    assert Item.objects.get(pk=item.pk).due_on == due
    with pytest.raises(DomainError, match="请填写整改进展"):
        services.add_progress(actor=cast.secretary_a, item=item, text="")
    services.add_progress(actor=cast.secretary_a, item=item, text="已补齐一季度记录")
    with pytest.raises(PermissionDenied):
        services.add_progress(actor=cast.outsider_b, item=item, text="x")
    services.submit(actor=cast.secretary_a, item=item, note="完成")
    with pytest.raises(TransitionNotAllowed):
        services.add_progress(actor=cast.secretary_a, item=item, text="又一条")
    with pytest.raises(TransitionNotAllowed):
        services.update_plan(
            actor=cast.secretary_a, item=item, title="x", measures="", owner="", leader="", due_on=due
        )
    assert item.progress.count() == 1


def test_late_boundary(cast, make_item):
    today = timezone.localdate()
    due_today = make_item(due_on=today)
    due_yesterday = make_item(title="昨日到期")
    Item.objects.filter(pk=due_yesterday.pk).update(due_on=today - timedelta(days=1))
    closed = make_item(title="已销号")
    Item.objects.filter(pk=closed.pk).update(due_on=today - timedelta(days=5), state="closed")
    assert list(services.late(Item.objects.all(), today)) == [due_yesterday]
    assert list(services.late(Item.objects.all(), today + timedelta(days=1))) == [due_yesterday, due_today]
    assert late_rectifications(cast.committee_admin, today) == 1
    assert late_rectifications(cast.secretary_a, today) == 1
    assert late_rectifications(cast.outsider_b, today) == 0


def test_visible_follows_the_items_permissions(cast, make_item):
    item = make_item()
    qs = Item.objects.all()
    assert list(services.visible(qs, cast.secretary_a)) == [item]
    assert list(services.visible(qs, cast.committee_admin)) == [item]
    assert list(services.visible(qs, cast.outsider_b)) == []
    assert list(services.visible(qs, cast.member_a)) == []
    assert list(services.visible(qs, None)) == []


def test_pages_render_for_owner_and_issuer(cast, make_item, client_for):
    item = make_item()
    detail = reverse("rectification:item-detail", kwargs={"code": item.code})

    owner = client_for(cast.secretary_a)
    body = owner.get(reverse("rectification:item-list")).content.decode()
    assert item.title in body
    body = owner.get(detail).content.decode()
    assert item.title in body and "提交验收" in body and 'id="evidence-form"' in body
    assert "验收销号" not in body

    response = owner.post(
        reverse("rectification:item-step", kwargs={"code": item.code}), {"action": "submit"}
    )
    assert response.status_code == 422
    assert "请说明整改完成情况" in response.content.decode()
    response = owner.post(
        reverse("rectification:item-step", kwargs={"code": item.code}),
        {"action": "submit", "comment": "已完成"},
    )
    assert response.status_code == 302

    issuer = client_for(cast.committee_admin)
    body = issuer.get(detail).content.decode()
    assert "验收销号" in body and "退回整改" in body and 'id="evidence-form"' not in body
    response = issuer.post(
        reverse("rectification:item-step", kwargs={"code": item.code}), {"action": "reject"}
    )
    assert "请填写退回理由" in response.content.decode()
    issuer.post(reverse("rectification:item-step", kwargs={"code": item.code}), {"action": "accept"})
    assert Item.objects.get(pk=item.pk).state == "closed"


def test_list_filters_and_empty_state(cast, make_item, client_for):
    make_item(title="按时整改")
    late = make_item(title="逾期整改")
    Item.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    client = client_for(cast.committee_admin)
    body = client.get(reverse("rectification:item-list"), {"late": "on"}).content.decode()
    assert "逾期整改" in body and "按时整改" not in body
    body = client.get(reverse("rectification:item-list"), {"q": "乙局"}).content.decode()
    assert "没有符合条件的整改事项" in body
    body = client.get(reverse("rectification:item-list"), {"state": "closed"}).content.decode()
    assert "没有符合条件的整改事项" in body
    home = client.get(reverse("home:home")).content.decode()
    assert 'id="home-rectification-late"' in home


def test_pages_refuse_other_branches_and_plain_members(cast, make_item, client_for):
    item = make_item()
    detail = reverse("rectification:item-detail", kwargs={"code": item.code})
    outsider = client_for(cast.outsider_b)
    assert outsider.get(detail).status_code == 404
    assert item.title not in outsider.get(reverse("rectification:item-list")).content.decode()
    assert (
        outsider.post(
            reverse("rectification:progress-add", kwargs={"code": item.code}), {"text": "x"}
        ).status_code
        == 404
    )
    member = client_for(cast.member_a)
    assert member.get(detail).status_code == 403
    assert member.get(reverse("rectification:item-list")).status_code == 403


def test_progress_and_plan_pages(cast, make_item, client_for):
    item = make_item()
    client = client_for(cast.secretary_a)
    response = client.post(
        reverse("rectification:progress-add", kwargs={"code": item.code}), {"text": "完成一半"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("rectification:plan-update", kwargs={"code": item.code}),
        {"title": "新问题描述", "measures": "", "owner": "", "leader": "", "due_on": "2000-01-01"},
    )
    assert response.status_code == 422
    assert "整改期限不能早于今天" in response.content.decode()
    body = client.get(reverse("rectification:item-detail", kwargs={"code": item.code})).content.decode()
    assert "完成一半" in body
