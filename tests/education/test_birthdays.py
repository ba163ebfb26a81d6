"""政治生日: the month's ceremony with the members whose 入党 anniversary falls in it, the oath, the photo,
and each member's history."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ronghe.core.errors import DomainError
from ronghe.core.evidence.models import Evidence
from ronghe.education import rules, services
from ronghe.education.models import BirthdayCeremony
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 16


def test_the_ceremony_takes_the_months_members_and_keeps_the_photo(cast):
    # given: 张甲 joined on 1 July; 王七月 too; 李三月 in March; 李乙 is in B
    july = MemberFactory(name="王七月", organization=cast.branch_a, joined_on=date(2015, 7, 20))
    MemberFactory(name="李三月", organization=cast.branch_a, joined_on=date(2015, 3, 20))
    # when
    ceremony = services.hold_birthday_ceremony(
        actor=cast.secretary_a,
        organization=cast.org_a,
        held_on=date(2025, 7, 1),
        oath_retaken=True,
        photo=SimpleUploadedFile("合影.png", PNG, content_type="image/png"),
    )
    # then
    assert set(ceremony.attendees.values_list("name", flat=True)) == {"张甲", july.name}
    assert Evidence.objects.get(kind=rules.BIRTHDAY_KIND, object_id=ceremony.pk).original_name == "合影.png"


def test_a_member_of_another_month_or_a_future_date_is_refused(cast):
    march = MemberFactory(name="李三月", organization=cast.branch_a, joined_on=date(2015, 3, 20))
    with pytest.raises(DomainError, match="李三月 的政治生日在 3 月，不在本次仪式的 7 月"):
        services.hold_birthday_ceremony(
            actor=cast.secretary_a, organization=cast.branch_a, held_on=date(2025, 7, 1), members=[march]
        )
    with pytest.raises(DomainError, match="仪式日期不能晚于今天"):
        services.hold_birthday_ceremony(
            actor=cast.secretary_a, organization=cast.branch_a, held_on=date(2099, 7, 1)
        )
    with pytest.raises(DomainError, match="本党组织没有 8 月过政治生日的党员"):
        services.hold_birthday_ceremony(
            actor=cast.secretary_a, organization=cast.branch_a, held_on=date(2025, 8, 1)
        )
    assert not BirthdayCeremony.objects.exists()


def test_the_secretary_records_it_and_the_member_sees_the_history(client_for, cast):
    secretary = client_for(cast.secretary_a)
    url = reverse("education:birthday-create")
    page = secretary.get(url, {"org": cast.branch_a.code, "held_on": "2025-07-01"}).content.decode()
    assert "张甲（2010-07-01 入党）" in page
    response = secretary.post(
        url,
        {
            "org": cast.branch_a.code,
            "held_on": "2025-07-01",
            "members": [cast.member_a_record.pk],
            "oath_retaken": "on",
        },
    )
    ceremony = BirthdayCeremony.objects.get()
    assert response["Location"] == reverse("education:birthday-detail", args=[ceremony.code])
    assert ceremony.oath_retaken and list(ceremony.attendees.all()) == [cast.member_a_record]
    mine = client_for(cast.member_a).get(reverse("education:my-learning")).content.decode()
    assert "2025-07-01 · 甲局第一党支部" in mine


def test_outsiders_cannot_record_or_see_it(client_for, cast):
    ceremony = services.hold_birthday_ceremony(
        actor=cast.secretary_a, organization=cast.branch_a, held_on=date(2025, 7, 1)
    )
    detail = reverse("education:birthday-detail", args=[ceremony.code])
    assert client_for(cast.outsider_b).get(detail).status_code == 404
    assert client_for(cast.member_a).get(reverse("education:birthday-create")).status_code == 403
    response = client_for(cast.outsider_b).post(
        reverse("education:birthday-create"),
        {"org": cast.branch_a.code, "held_on": "2025-07-01", "members": [cast.member_a_record.pk]},
    )
    assert "请选择您有权登记的党组织" in response.content.decode()
    assert BirthdayCeremony.objects.count() == 1


def test_the_date_chosen_to_list_the_members_is_the_date_the_form_records(client_for, cast):
    # given: the secretary lists July's members for a ceremony on 2025-07-01
    page = (
        client_for(cast.secretary_a)
        .get(reverse("education:birthday-create"), {"org": cast.branch_a.code, "held_on": "2025-07-01"})
        .content.decode()
    )
    # then: the form below carries that date (not today's), so saving records July's ceremony
    assert page.count('name="held_on" value="2025-07-01"') == 2  # the list's date and the form's
