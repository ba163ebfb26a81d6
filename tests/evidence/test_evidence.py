"""佐证材料: upload checks, scoped downloads, links to platform records, the owner-kind registry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ronghe.core.errors import DomainError
from ronghe.core.evidence import files, registry, services
from ronghe.core.evidence.models import Evidence
from ronghe.core.models import AuditEntry
from ronghe.core.rectification import services as rectification
from ronghe.orglife.models import Meeting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 evidence"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name: str = "总结.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def meeting(org, title="学习贯彻全会精神") -> Meeting:
    held = timezone.now() - timedelta(days=3)
    return Meeting.objects.create(
        organization=org, kind="general_meeting", title=title, held_at=held, ends_at=held + timedelta(hours=1)
    )


def attach(cast, item, upload=None):
    return services.attach_file(
        actor=cast.secretary_a,
        kind="rectification.item",
        object_id=item.pk,
        organization=cast.branch_a,
        upload=upload or pdf(),
        permission="ratings.apply",
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.exe", b"MZ\x90\x00"), "附件类型不支持：只接受 JPG、PNG、PDF、DOCX、XLSX 文件"),
        (SimpleUploadedFile("x.pdf", b"<html>"), "附件内容与文件类型不符"),
        (SimpleUploadedFile("x.png", b"%PDF-1.4"), "附件内容与文件类型不符"),
    ],
)
def test_wrong_type_or_content_is_refused_and_nothing_stored(cast, make_item, media, upload, message):
    item = make_item()
    with pytest.raises(DomainError, match=message) as exc:
        attach(cast, item, upload)
    assert exc.value.field == "file"
    assert not Evidence.objects.exists()
    assert not (media / services.FOLDER).exists() or not any((media / services.FOLDER).iterdir())


def test_too_large_is_refused(cast, make_item, media, settings):
    settings.RONGHE_UPLOAD_MAX_BYTES = 10
    with pytest.raises(DomainError, match="附件过大：不能超过 0 MB"):
        attach(cast, make_item())
    assert not Evidence.objects.exists()
    assert not (media / services.FOLDER).exists()


def test_store_upload_records_the_checksum(media):
    stored = files.store_upload(pdf(), folder="x")
    assert stored.original_name == "总结.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.size == len(PDF)
    assert len(stored.sha256) == 64
    assert (media / "x" / stored.stored_name).read_bytes() == PDF


def test_attach_needs_the_permission_at_the_organization(cast, make_item):
    item = make_item()
    with pytest.raises(PermissionDenied):
        services.attach_file(
            actor=cast.outsider_b,
            kind="rectification.item",
            object_id=item.pk,
            organization=cast.branch_a,
            upload=pdf(),
            permission="ratings.apply",
        )
    assert not Evidence.objects.exists()


def test_download_is_scoped_and_audited(cast, make_item, client_for):
    evidence = attach(cast, make_item())
    assert evidence.view_permission == "ratings.view"
    assert AuditEntry.objects.filter(event="evidence.attach", object_id=str(evidence.code)).exists()
    url = reverse("evidence:download", kwargs={"code": evidence.code})

    outsider = client_for(cast.outsider_b)
    assert outsider.get(url).status_code == 404
    assert not AuditEntry.objects.filter(event="evidence.download").exists()

    insider = client_for(cast.committee_admin)
    response = insider.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    entry = AuditEntry.objects.get(event="evidence.download")
    assert entry.object_id == str(evidence.code)
    assert entry.org_path == cast.branch_a.path


def test_link_to_own_meeting_opens_in_place(cast, make_item):
    item = make_item()
    m = meeting(cast.branch_a)
    evidence = services.attach_link(
        actor=cast.secretary_a,
        kind="rectification.item",
        object_id=item.pk,
        organization=cast.branch_a,
        link_kind="orglife.meeting",
        link_id=m.pk,
        permission="ratings.apply",
    )
    assert evidence.label.endswith("党员大会：学习贯彻全会精神")
    assert evidence.label.startswith(timezone.localtime(m.held_at).strftime("%Y-%m-%d"))
    [row] = services.for_object("rectification.item", item.pk)
    assert row.url == reverse("orglife:meeting-detail", kwargs={"code": m.code})
    assert services.count_for("rectification.item", [item.pk, item.pk + 1]) == {item.pk: 1, item.pk + 1: 0}


def test_link_to_another_organizations_meeting_is_refused(cast, make_item):
    item = make_item()
    other = meeting(cast.branch_b)
    for link_kind, link_id in (
        ("orglife.meeting", other.pk),
        ("nothing.here", 1),
        ("orglife.meeting", 10**9),
    ):
        with pytest.raises(DomainError, match="所选记录不存在或不在本组织范围内"):
            services.attach_link(
                actor=cast.secretary_a,
                kind="rectification.item",
                object_id=item.pk,
                organization=cast.branch_a,
                link_kind=link_kind,
                link_id=link_id,
                permission="ratings.apply",
            )
    assert not Evidence.objects.exists()


@pytest.fixture
def strict_kind(cast, monkeypatch):
    """An owner kind whose evidence needs 'ratings.check' (secretary_a only holds 'ratings.apply')."""
    state = {"editable": True}
    monkeypatch.setitem(
        registry.OWNER_KINDS,
        "test.thing",
        registry.OwnerKind(
            "test.thing",
            permission="ratings.check",
            organization_of=lambda pk: cast.branch_a if pk == 7 else None,
            editable=lambda pk: state["editable"],
        ),
    )
    return state


def test_the_permission_comes_from_the_registry_not_the_form(cast, strict_kind, client_for, media):
    data = {
        "kind": "test.thing",
        "object_id": "7",
        "organization": str(cast.branch_a.pk),
        "permission": "ratings.apply",
        "view_permission": "ratings.apply",
        "next": "/rectification/",
        "file": pdf(),
    }
    response = client_for(cast.secretary_a).post(reverse("evidence:attach"), data)
    assert response.status_code == 403
    assert not Evidence.objects.exists()

    data["file"] = pdf()
    response = client_for(cast.committee_admin).post(reverse("evidence:attach"), data)
    assert response.status_code == 302
    assert response["Location"] == "/rectification/"
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.object_id, evidence.organization) == ("test.thing", 7, cast.branch_a)
    assert evidence.view_permission == "ratings.view"


def test_unknown_kind_or_object_or_another_organization_is_404(cast, strict_kind, client_for):
    client = client_for(cast.committee_admin)
    for kind, object_id, org in (
        ("nothing", "7", cast.branch_a),
        ("test.thing", "8", cast.branch_a),
        ("test.thing", "7", cast.branch_b),
    ):
        data = {"kind": kind, "object_id": object_id, "organization": str(org.pk), "file": pdf()}
        assert client.post(reverse("evidence:attach"), data).status_code == 404
    assert (
        client_for(cast.outsider_b)
        .post(reverse("evidence:attach"), {"kind": "test.thing", "object_id": "7", "file": pdf()})
        .status_code
        == 404
    )
    assert not Evidence.objects.exists()


def test_next_must_stay_on_the_site(cast, strict_kind, client_for):
    data = {"kind": "test.thing", "object_id": "7", "next": "https://evil.example/", "file": pdf()}
    response = client_for(cast.committee_admin).post(reverse("evidence:attach"), data)
    assert response["Location"] == "/"


def test_removal_when_not_editable_is_refused(cast, make_item, client_for, media):
    item = make_item()
    evidence = attach(cast, item)
    rectification.submit(actor=cast.secretary_a, item=item, note="已整改完毕")
    with pytest.raises(DomainError, match="当前状态不能修改佐证材料"):
        services.remove_from(actor=cast.secretary_a, evidence=evidence)
    client = client_for(cast.secretary_a)
    response = client.post(
        reverse("evidence:remove", kwargs={"code": evidence.code}), {"next": "/"}, follow=True
    )
    assert "当前状态不能修改佐证材料" in response.content.decode()
    with pytest.raises(DomainError, match="当前状态不能修改佐证材料"):
        services.attach_to(actor=cast.secretary_a, kind="rectification.item", object_id=item.pk, upload=pdf())
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert (media / services.FOLDER / evidence.stored_name).exists()


def test_removal_while_editable(cast, make_item, client_for, media, django_capture_on_commit_callbacks):
    item = make_item()
    evidence = attach(cast, item)
    assert (
        client_for(cast.outsider_b)
        .post(reverse("evidence:remove", kwargs={"code": evidence.code}))
        .status_code
        == 404
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.secretary_a).post(
            reverse("evidence:remove", kwargs={"code": evidence.code})
        )
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not (media / services.FOLDER / evidence.stored_name).exists()
    assert AuditEntry.objects.filter(event="evidence.remove", object_id=str(evidence.code)).exists()


def test_panel_offers_own_meetings_and_the_endpoint_links_one(cast, make_item, client_for):
    item = make_item()
    own, other = meeting(cast.branch_a, "本支部会议"), meeting(cast.branch_b, "乙局会议")
    client = client_for(cast.secretary_a)
    detail = reverse("rectification:item-detail", kwargs={"code": item.code})
    body = client.get(detail).content.decode()
    assert f'value="orglife.meeting:{own.pk}"' in body
    assert "乙局会议" not in body

    data = {"kind": "rectification.item", "object_id": str(item.pk), "next": detail}
    response = client.post(
        reverse("evidence:attach"), {**data, "link": f"orglife.meeting:{other.pk}"}, follow=True
    )
    assert "所选记录不存在或不在本组织范围内" in response.content.decode()
    assert not Evidence.objects.exists()

    response = client.post(
        reverse("evidence:attach"), {**data, "link": f"orglife.meeting:{own.pk}", "note": "会议记录"}
    )
    assert response["Location"] == detail
    evidence = Evidence.objects.get()
    assert (evidence.link_kind, evidence.link_id, evidence.note) == ("orglife.meeting", own.pk, "会议记录")
    body = client.get(detail).content.decode()
    assert reverse("orglife:meeting-detail", kwargs={"code": own.code}) in body
