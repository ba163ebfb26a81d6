import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ronghe.core.idnumbers import make_id_number
from ronghe.core.models import AuditEntry
from ronghe.core.workflow.models import History
from ronghe.members.models import Member, Transfer
from tests.factories import MemberFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
FULL_ID = re.compile(r"\d{17}[\dX]")


def test_list_is_scoped_masked_and_filtered(client_for, cast):
    MemberFactory(
        name="王预备",
        organization=cast.branch_a,
        status="probationary",
        full_on=None,
        joined_on=date(2025, 9, 1),
    )
    client = client_for(cast.secretary_a)
    body = client.get(reverse("members:member-list")).content.decode()
    assert "张甲" in body and "王预备" in body and "李乙" not in body
    assert "138****8000" in body and not FULL_ID.search(body)
    rows = client.get(
        reverse("members:member-list"), {"status": "probationary"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "王预备" in rows and "张甲" not in rows
    rows = client.get(
        reverse("members:member-list"), {"q": "张"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "张甲" in rows and "王预备" not in rows


def test_list_filters_by_subtree(client_for, cast):
    body = (
        client_for(cast.committee_admin)
        .get(
            reverse("members:member-list"), {"organization": cast.org_b.code}, headers={"HX-Request": "true"}
        )
        .content.decode()
    )
    assert "李乙" in body and "张甲" not in body


def test_list_query_count_constant(client_for, cast):
    client = client_for(cast.committee_admin)
    client.get(reverse("members:member-list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("members:member-list"))
    for _ in range(12):
        MemberFactory(organization=cast.branch_b)
    client.get(reverse("members:member-list"))  # the side-bar tree is cached per scope: warm it again
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("members:member-list"))
    assert len(large) == len(small)


def test_detail_shows_derived_values(client_for, cast):
    body = (
        client_for(cast.secretary_a)
        .get(reverse("members:member-detail", args=[cast.member_a_record.code]))
        .content.decode()
    )
    assert "7月1日" in body  # political birthday from joined 2010-07-01
    assert "110105************" in body and not FULL_ID.search(body)


def test_detail_outsider_404(client_for, cast):
    assert (
        client_for(cast.outsider_b)
        .get(reverse("members:member-detail", args=[cast.member_a_record.code]))
        .status_code
        == 404
    )


def test_unmask_shows_full_numbers_once_and_audits(client_for, cast):
    response = client_for(cast.committee_admin).post(
        reverse("members:member-unmask", args=[cast.member_a_record.code])
    )
    body = response.content.decode()
    assert "13800138000" in body and FULL_ID.search(body)
    assert AuditEntry.objects.filter(event="member.unmask", outcome="success").count() == 1


def test_unmask_without_right_403(client_for, cast):
    response = client_for(cast.secretary_a).post(
        reverse("members:member-unmask", args=[cast.member_a_record.code])
    )
    assert response.status_code == 403
    assert "13800138000" not in response.content.decode()


def _post_data(org, **over):
    data = {
        "name": "赵新",
        "gender": "女",
        "id_number": make_id_number("110105", date(1992, 3, 4), 7, "女"),
        "birth_date": "",
        "organization": org.code,
        "status": "full",
        "phone": "139 1234 5678",
        "ethnicity": "汉族",
        "joined_on": "2015-07-01",
        "full_on": "2016-07-01",
    }
    data.update(over)
    return data


def test_create_member(client_for, cast):
    response = client_for(cast.secretary_a).post(reverse("members:member-create"), _post_data(cast.branch_a))
    assert response.status_code == 302
    m = Member.objects.get(name="赵新")
    assert m.birth_date == date(1992, 3, 4)  # derived from the ID number
    assert m.phone_masked == "139****5678"
    assert "1992" not in m.id_number_encrypted


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"gender": "男"}, "与公民身份号码不一致：号码第17位表示性别为女"),
        ({"id_number": "110105199203040071"}, "公民身份号码校验码错误"),
        ({"phone": "12345"}, "手机号码应为11位数字"),
        ({"full_on": ""}, "正式党员须填写转正日期"),
        ({"joined_on": "2008-01-01", "full_on": "2009-01-01"}, "入党时应年满18周岁"),
    ],
)
def test_create_bad_input_messages(client_for, cast, over, message):
    response = client_for(cast.secretary_a).post(
        reverse("members:member-create"), _post_data(cast.branch_a, **over)
    )
    assert message in response.content.decode()
    assert not Member.objects.filter(name="赵新").exists()


def test_update_read_only_403(client_for, cast):
    reader = UserFactory()
    grant(reader, "discipline_reviewer", cast.committee)
    response = client_for(reader).post(
        reverse("members:member-update", args=[cast.member_a_record.code]), {"name": "改"}
    )
    assert response.status_code == 403
    assert Member.objects.get(pk=cast.member_a_record.pk).name == "张甲"


def test_update_keeps_numbers_when_blank(client_for, cast):
    m = cast.member_a_record
    response = client_for(cast.secretary_a).post(
        reverse("members:member-update", args=[m.code]),
        {
            "name": "张甲乙",
            "gender": "男",
            "birth_date": "1985-05-20",
            "ethnicity": "汉族",
            "joined_on": "2010-07-01",
            "full_on": "2011-07-01",
            "id_number": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    m2 = Member.objects.get(pk=m.pk)
    assert m2.name == "张甲乙" and m2.id_number_encrypted == m.id_number_encrypted
    assert AuditEntry.objects.get(event="member.update").changes == {"name": ["张甲", "张甲乙"]}


def test_status_change_via_page(client_for, cast):
    client = client_for(cast.secretary_a)
    client.post(
        reverse("members:member-status", args=[cast.member_a_record.code]),
        {
            "action": "suspend",
            "effective_on": "2026-01-05",
            "approval_ref": "支委会决定",
            "reason": "失联超过6个月",
        },
    )
    assert Member.objects.get(pk=cast.member_a_record.pk).status == "suspended"
    bad = client.post(
        reverse("members:member-status", args=[cast.member_a_record.code]),
        {"action": "make_full", "effective_on": "2026-01-05", "approval_ref": "x", "reason": "y"},
        follow=True,
    )
    assert "当前状态为“停止党籍”，不能办理“转正”" in bad.content.decode()
    assert History.objects.filter(process="members.status").count() == 1


def test_outgoing_overdue_flagged_and_confirmed(client_for, cast):
    client = client_for(cast.secretary_a)
    client.post(
        reverse("members:member-transfer-outgoing", args=[cast.member_a_record.code]),
        {"counterpart": "外省某局党支部", "issued_on": "2025-01-01", "validity_days": "30"},
    )
    t = Transfer.objects.get()
    body = client.get(
        reverse("members:transfer-list"), {"state": "overdue"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "张甲" in body and "已逾期" in body
    client.post(reverse("members:transfer-transition", args=[t.code]), {"action": "confirm"})
    t.refresh_from_db()
    assert t.status == "completed"
    assert Member.objects.get(pk=cast.member_a_record.pk).status == "transferred_out"


def test_outgoing_bad_validity_message(client_for, cast):
    response = client_for(cast.secretary_a).post(
        reverse("members:member-transfer-outgoing", args=[cast.member_a_record.code]),
        {"counterpart": "外省", "issued_on": "2026-01-01", "validity_days": "120"},
        follow=True,
    )
    assert "有效期（天）：确保该值小于或等于90。" in response.content.decode()
    assert not Transfer.objects.exists()


def test_transfer_transition_outsider_404(client_for, cast):
    from tests.members.samples import _transfer

    code = _transfer(cast)["code"]
    response = client_for(cast.outsider_b).post(
        reverse("members:transfer-transition", args=[code]), {"action": "confirm"}
    )
    assert response.status_code == 404
    assert Transfer.objects.get(code=code).status == "pending"


def test_incoming_page_creates_member(client_for, cast):
    data = _post_data(cast.branch_a, counterpart="外县某支部", issued_on="2026-03-01", letter_number="001")
    response = client_for(cast.secretary_a).post(reverse("members:transfer-incoming"), data)
    assert response.status_code == 302
    assert Transfer.objects.get(kind="incoming").member.name == "赵新"


def test_statistics_page(client_for, cast):
    body = client_for(cast.secretary_a).get(reverse("members:member-statistics")).content.decode()
    assert 'id="stat-total">1<' in body


def test_statistics_page_counts_a_blank_ethnicity_as_unknown_not_minority(client_for, cast):
    # the same rule as 党内统计: only a filled-in 民族 other than 汉族 is a minority
    Member.objects.filter(pk=cast.member_a_record.pk).update(ethnicity="")
    MemberFactory(name="回族党员", organization=cast.branch_a, ethnicity="回族")
    MemberFactory(name="汉族党员", organization=cast.branch_a, ethnicity="汉族")
    body = client_for(cast.secretary_a).get(reverse("members:member-statistics")).content.decode()
    assert 'id="stat-total">3<' in body
    assert 'id="stat-minority">1<' in body


def test_member_sees_own_record_only(client_for, cast):
    client = client_for(cast.member_a)
    own = client.get(reverse("members:member-detail", args=[cast.member_a_record.code]))
    assert own.status_code == 200 and "张甲" in own.content.decode()
    assert "显示完整号码" not in own.content.decode()
    other = MemberFactory(name="同支部他人", organization=cast.branch_a)
    assert client.get(reverse("members:member-detail", args=[other.code])).status_code == 404
