"""The 公示 pages: members in scope read and object, handlers see who objected and decide, outsiders get 404."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ronghe.core.publicity import services
from ronghe.core.publicity.models import Objection

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2026, 10, 9, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


def _url(name, publication, **kw):
    return reverse(f"publicity:{name}", kwargs={"code": publication.code, **kw})


def test_member_in_scope_reads_the_list_and_the_days_left(client_for, cast, publish):
    publication = publish()
    response = client_for(cast.member_a).get(_url("publication-detail", publication))
    body = response.content.decode()
    assert response.status_code == 200
    assert "2026年度支部评星定级结果公示" in body and "甲局第二党支部" in body
    assert "2 个工作日（含今天）" in body  # 10-09 and the 调休 Saturday 10-10
    assert 'id="objection-form"' in body
    assert 'id="publication-close"' not in body
    listing = client_for(cast.member_a).get(reverse("publicity:publication-list")).content.decode()
    assert str(publication.code) in listing


def test_objection_with_empty_text_shows_the_error_and_writes_nothing(client_for, cast, publish):
    publication = publish()
    response = client_for(cast.member_a).post(
        _url("objection-create", publication), {"item_key": "b1", "text": ""}
    )
    assert response.status_code == 422
    assert "请填写异议内容" in response.content.decode()
    assert not Objection.objects.exists()


def test_objection_to_an_unknown_item_shows_the_error(client_for, cast, publish):
    publication = publish()
    response = client_for(cast.member_a).post(
        _url("objection-create", publication), {"item_key": "zz", "text": "x"}
    )
    assert response.status_code == 422
    assert "公示名单中没有该项" in response.content.decode()
    assert not Objection.objects.exists()


def test_objection_is_recorded_and_its_author_shown_only_to_handlers(client_for, cast, publish):
    publication = publish()
    client = client_for(cast.member_a)
    response = client.post(
        _url("objection-create", publication), {"item_key": "b1", "text": "未开组织生活会"}
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.item_key, objection.lodged_by) == ("b1", cast.member_a)
    author = str(cast.member_a)
    as_reader = client_for(cast.secretary_a).get(_url("publication-detail", publication)).content.decode()
    assert "未开组织生活会" in as_reader and f"提出人：{author}" not in as_reader
    as_handler = (
        client_for(cast.committee_admin).get(_url("publication-detail", publication)).content.decode()
    )
    assert f"提出人：{author}" in as_handler and f'id="handle-form-{objection.pk}"' in as_handler


def test_handler_decides_with_a_reason(client_for, cast, publish):
    publication = publish()
    objection = services.lodge_objection(actor=cast.member_a, publication=publication, text="有意见")
    client = client_for(cast.committee_admin)
    url = _url("objection-handle", publication, pk=objection.pk)
    prefix = f"o{objection.pk}"
    response = client.post(url, {f"{prefix}-decision": "uphold", f"{prefix}-reason": ""})
    assert response.status_code == 422 and "请填写处理意见" in response.content.decode()
    assert Objection.objects.get().state == "pending"
    response = client.post(url, {f"{prefix}-decision": "dismiss", f"{prefix}-reason": "经核实不属实"})
    assert response.status_code == 302
    assert Objection.objects.get().state == "dismissed"


def test_member_cannot_handle_or_close(client_for, cast, publish):
    publication = publish()
    objection = services.lodge_objection(actor=cast.member_a, publication=publication, text="有意见")
    client = client_for(cast.member_a)
    prefix = f"o{objection.pk}"
    url = _url("objection-handle", publication, pk=objection.pk)
    assert client.post(url, {f"{prefix}-decision": "uphold", f"{prefix}-reason": "x"}).status_code == 403
    assert client.post(_url("publication-close", publication)).status_code == 403
    assert Objection.objects.get().state == "pending"


def test_close_before_the_end_shows_the_refusal(client_for, cast, publish):
    publication = publish()
    client = client_for(cast.committee_admin)
    response = client.post(_url("publication-close", publication), follow=True)
    assert "公示期至2026年10月10日，尚未结束" in response.content.decode()
    publication.refresh_from_db()
    assert publication.state == "open"


@pytest.mark.parametrize("who", ["outsider_b", "stranger"])
def test_outsiders_get_404_and_write_nothing(client_for, cast, publish, stranger, who):
    user = stranger if who == "stranger" else getattr(cast, who)
    publication = publish()
    client = client_for(user)
    assert client.get(_url("publication-detail", publication)).status_code in (403, 404)
    response = client.post(_url("objection-create", publication), {"text": "有意见"})
    assert response.status_code in (403, 404)
    assert not Objection.objects.exists()
    if who == "outsider_b":
        listing = client.get(reverse("publicity:publication-list")).content.decode()
        assert str(publication.code) not in listing


def test_after_the_period_no_form_and_the_handler_closes(client_for, cast, publish, time_machine):
    publication = publish()
    time_machine.move_to(datetime(2026, 10, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    body = client_for(cast.member_a).get(_url("publication-detail", publication)).content.decode()
    assert 'id="objection-form"' not in body and "公示期已结束" in body
    client = client_for(cast.committee_admin)
    assert client.post(_url("publication-close", publication)).status_code == 302
    publication.refresh_from_db()
    assert publication.state == "closed"
