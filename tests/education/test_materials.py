"""学习资料库 (issue 18 item 3): materials published to a scope, opened by members on the phone (who has
opened each), and a recorded 党课 recommended as a 精品党课."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ronghe.education import materials
from ronghe.education.models import MaterialOpen, StudyMaterial
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _publish(cast, **data):
    return materials.publish_material(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={"title": "双周学习日：学习新修订的党纪处分条例", "kind": "study_day", **data},
        upload=SimpleUploadedFile("tiaoli.pdf", b"%PDF-1.4 text", content_type="application/pdf"),
    )


def test_a_secretary_publishes_and_the_member_opens_it_on_the_phone(cast, client_for):
    # given: 王读 in the branch has not opened it
    MemberFactory(name="王读", organization=cast.branch_a)
    secretary = client_for(cast.secretary_a)
    response = secretary.post(
        reverse("education:material-create"),
        {
            "org": str(cast.branch_a.code),
            "title": "书记讲党课：学习全会精神",
            "kind": "lecture",
            "url": "https://example.org/video/1",
        },
    )
    material = StudyMaterial.objects.get()
    assert response.status_code == 302 and material.organization == cast.branch_a
    member = client_for(cast.member_a)
    page = member.get(reverse("education:my-learning")).content.decode()
    assert "书记讲党课：学习全会精神" in page and "未学" in page
    # when: the member opens it twice
    for _ in range(2):
        opened = member.post(reverse("education:material-open", args=[material.code]))
        assert opened.status_code == 302 and opened["Location"] == "https://example.org/video/1"
    # then: one open is kept; the secretary sees who opened it and who not
    assert MaterialOpen.objects.get().member == cast.member_a_record
    assert "已学" in member.get(reverse("education:my-learning")).content.decode()
    secretary = client_for(cast.secretary_a)
    detail = secretary.get(reverse("education:material-detail", args=[material.code])).content.decode()
    opened_part, not_opened_part = detail.split('id="not-opened-table"')
    assert "张甲" in opened_part.split('id="opened-table"')[1] and "王读" in not_opened_part
    assert "已打开 <strong>1</strong> 人，未打开 <strong>1</strong> 人" in detail
    listing = secretary.get(reverse("education:material-list")).content.decode()
    assert "1 人" in listing


def test_a_file_opens_as_a_download_for_a_member_of_the_scope(cast, client_for):
    material = _publish(cast)
    member = client_for(cast.member_a)
    response = member.post(reverse("education:material-open", args=[material.code]), follow=True)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 text"
    assert MaterialOpen.objects.filter(member=cast.member_a_record).count() == 1


def test_neither_a_link_nor_a_file_is_refused_and_nothing_saved(cast, client_for):
    response = client_for(cast.secretary_a).post(
        reverse("education:material-create"),
        {"org": str(cast.branch_a.code), "title": "空资料", "kind": "document"},
    )
    assert response.status_code == 200
    assert "请上传文件或填写链接" in response.content.decode()
    assert not StudyMaterial.objects.exists()


def test_outsiders_neither_publish_in_a_nor_open_its_materials(cast, client_for):
    material = _publish(cast)
    outsider = client_for(cast.outsider_b)
    response = outsider.post(
        reverse("education:material-create"),
        {"org": str(cast.branch_a.code), "title": "越权", "kind": "document", "url": "https://x.org"},
    )
    assert "请选择您有权发布学习资料的党组织" in response.content.decode()
    assert outsider.post(reverse("education:material-open", args=[material.code])).status_code == 404
    assert outsider.get(reverse("education:material-detail", args=[material.code])).status_code == 404
    assert StudyMaterial.objects.count() == 1 and not MaterialOpen.objects.exists()
    assert client_for(cast.member_a).get(reverse("education:material-create")).status_code == 403


def test_a_recorded_lecture_is_recommended_as_a_jingpin_dangke(cast, client_for):
    from tests.selections.flow import TODAY, open_campaign

    with time_machine.travel(TODAY, tick=False):
        # given: the 精品党课 selection takes nominations, and a recorded 党课 of the branch
        campaign = open_campaign(cast, category="lecture")
        material = materials.publish_material(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            data={"title": "书记讲党课：守初心", "kind": "lecture", "url": "https://example.org/v"},
        )
        client = client_for(cast.secretary_a)
        # when: the secretary follows the link on the material's page
        detail = client.get(reverse("education:material-detail", args=[material.code])).content.decode()
        link = reverse("selections:nomination-create", args=[campaign.code])
        assert f'href="{link}?title=' in detail
        start = detail.index(f'href="{link}?') + len('href="')
        url = detail[start : detail.index('"', start)].replace("&amp;", "&")
        form = client.get(url).content.decode()
        # then: the nomination form is filled with the lecture and its branch
        assert 'value="书记讲党课：守初心"' in form
        assert f'<option value="{cast.branch_a.pk}" selected>' in form
        # a document is not offered for nomination
        doc = _publish(cast)
        page = client.get(reverse("education:material-detail", args=[doc.code])).content.decode()
        assert "精品党课" not in page.split("<h1")[1]
