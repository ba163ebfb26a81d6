"""External training: recorded by the member with evidence, decided by the branch like a claim, and
counted in the member's 学时 once approved."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ronghe.core.errors import DomainError
from ronghe.core.evidence.models import Evidence
from ronghe.core.workflow.models import History
from ronghe.education import queries, rules, services
from ronghe.education.models import ExternalTraining

TODAY = date(2026, 6, 15)


def _pdf(name: str = "结业证书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 certificate", content_type="application/pdf")


@pytest.mark.parametrize(
    ("_case", "hours", "starts_on", "ends_on", "expected"),
    [
        ("one day of 8", "8", date(2026, 6, 1), date(2026, 6, 1), None),
        ("three days of 24", "24", date(2026, 6, 1), date(2026, 6, 3), None),
        ("ends today", "2", TODAY, TODAY, None),
        ("zero hours", "0", date(2026, 6, 1), date(2026, 6, 1), ("学时应大于 0", "hours")),
        ("negative", "-1", date(2026, 6, 1), date(2026, 6, 1), ("学时应大于 0", "hours")),
        (
            "more than 8 a day",
            "8.5",
            date(2026, 6, 1),
            date(2026, 6, 1),
            ("学时不能超过每天 8 学时（共 1 天，最多 8 学时）", "hours"),
        ),
        (
            "end before start",
            "2",
            date(2026, 6, 2),
            date(2026, 6, 1),
            ("结束日期不能早于开始日期", "ends_on"),
        ),
        (
            "in the future",
            "2",
            TODAY,
            TODAY + timedelta(days=1),
            ("培训日期不能晚于今天，培训结束后再登记", "ends_on"),
        ),
    ],
)
def test_external_training_input_rule(_case, hours, starts_on, ends_on, expected):
    assert (
        rules.external_training_problem(
            hours=Decimal(hours), starts_on=starts_on, ends_on=ends_on, today=TODAY
        )
        == expected
    )


def _submit(cast, **over):  # noqa: ANN001
    today = timezone.localdate()
    data = {
        "title": "县委党校党员轮训",
        "organiser": "县委党校",
        "starts_on": today - timedelta(days=2),
        "ends_on": today - timedelta(days=1),
        "hours": "12",
    } | over
    return services.submit_external_training(
        actor=cast.member_a, member=cast.member_a_record, data=data, upload=_pdf()
    )


@pytest.mark.django_db
def test_approved_external_hours_count_with_the_class_hours(cast):
    # given: 张甲 records a two-day training of 12 学时
    record = _submit(cast)
    year = record.ends_on.year
    mid = cast.member_a_record.pk
    # then: waiting, it does not count yet; its evidence is stored
    assert queries.hours_of([mid], year) == {}
    assert Evidence.objects.get(kind=rules.EXTERNAL_KIND, object_id=record.pk).original_name == "结业证书.pdf"
    # when: the branch approves
    services.decide_external_training(actor=cast.secretary_a, record=record, action="approve")
    # then
    record.refresh_from_db()
    assert record.state == "approved" and record.decided_by == cast.secretary_a
    assert queries.hours_of([mid], year) == {mid: Decimal("12.0")}
    assert queries.hours_sources(mid).external_hours == Decimal("12.0")
    assert list(
        History.objects.filter(process="education.external", object_id=record.pk).values_list(
            "to_state", flat=True
        )
    ) == ["submitted", "approved"]


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_does_not_count(cast):
    record = _submit(cast)
    with pytest.raises(DomainError, match="退回时请填写理由"):
        services.decide_external_training(actor=cast.secretary_a, record=record, action="reject")
    services.decide_external_training(
        actor=cast.secretary_a, record=record, action="reject", comment="证明材料不清晰"
    )
    record.refresh_from_db()
    assert (record.state, record.decision_reason) == ("rejected", "证明材料不清晰")
    assert queries.hours_of([cast.member_a_record.pk], record.year) == {}


@pytest.mark.django_db
def test_nobody_decides_their_own_or_anothers_branchs_training(cast):
    record = _submit(cast)
    with pytest.raises(PermissionDenied):
        services.decide_external_training(actor=cast.member_a, record=record, action="approve")
    with pytest.raises(PermissionDenied):
        services.decide_external_training(actor=cast.outsider_b, record=record, action="approve")
    assert ExternalTraining.objects.get().state == "submitted"


@pytest.mark.django_db
def test_only_ones_own_training_is_recorded_and_a_file_is_required(cast):
    today = timezone.localdate()
    data = {"title": "x", "organiser": "y", "starts_on": today, "ends_on": today, "hours": "2"}
    with pytest.raises(PermissionDenied):
        services.submit_external_training(
            actor=cast.secretary_a, member=cast.member_a_record, data=data, upload=_pdf()
        )
    with pytest.raises(DomainError, match="请上传培训证明"):
        services.submit_external_training(
            actor=cast.member_a, member=cast.member_a_record, data=data, upload=None
        )
    with pytest.raises(DomainError, match="附件类型不支持"):
        services.submit_external_training(
            actor=cast.member_a,
            member=cast.member_a_record,
            data=data,
            upload=SimpleUploadedFile("a.exe", b"MZ"),
        )
    assert not ExternalTraining.objects.exists() and not Evidence.objects.exists()


@pytest.mark.django_db
def test_the_member_records_on_the_phone_and_the_secretary_approves(client_for, cast):
    today = timezone.localdate()
    member = client_for(cast.member_a)
    form = {
        "title": "网络学院专题培训",
        "organiser": "市委组织部",
        "starts_on": str(today - timedelta(days=1)),
        "ends_on": str(today - timedelta(days=1)),
        "hours": "9",
        "file": _pdf(),
    }
    # bad input: more than 8 学时 in one day, nothing written
    response = member.post(reverse("education:external-create"), form)
    assert response.status_code == 422
    assert "学时不能超过每天 8 学时（共 1 天，最多 8 学时）" in response.content.decode()
    assert not ExternalTraining.objects.exists()
    # a date in the future
    response = member.post(
        reverse("education:external-create"),
        form | {"ends_on": str(today + timedelta(days=1)), "hours": "4", "file": _pdf()},
    )
    assert "培训日期不能晚于今天" in response.content.decode()
    assert not ExternalTraining.objects.exists()
    # when: a good one
    response = member.post(reverse("education:external-create"), form | {"hours": "6", "file": _pdf()})
    record = ExternalTraining.objects.get()
    assert response["Location"] == reverse("education:external-detail", args=[record.code])
    assert "网络学院专题培训" in member.get(reverse("education:my-learning")).content.decode()
    # the secretary sees it waiting and approves it
    secretary = client_for(cast.secretary_a)
    assert "网络学院专题培训" in secretary.get(reverse("education:external-review")).content.decode()
    response = secretary.post(
        reverse("education:external-decide", args=[record.code]), {"action": "approve", "comment": ""}
    )
    assert response.status_code == 302
    page = client_for(cast.member_a).get(reverse("education:my-learning")).content.decode()
    assert 'id="my-hours">6.0 / 32' in page


@pytest.mark.django_db
def test_a_plain_member_or_outsider_cannot_decide(client_for, cast):
    record = _submit(cast)
    url = reverse("education:external-decide", args=[record.code])
    assert client_for(cast.member_a).post(url, {"action": "approve"}).status_code == 403
    assert client_for(cast.outsider_b).post(url, {"action": "approve"}).status_code == 404
    response = client_for(cast.secretary_a).post(url, {"action": "reject", "comment": ""})
    assert response.status_code == 422 and "退回时请填写理由" in response.content.decode()
    assert ExternalTraining.objects.get().state == "submitted"


@pytest.mark.django_db
def test_the_member_sees_the_state_and_the_branch_opens_the_certificate(client_for, cast):
    record = _submit(cast)
    url = reverse("education:external-detail", args=[record.code])
    download = reverse(
        "evidence:download", args=[Evidence.objects.get(kind=rules.EXTERNAL_KIND, object_id=record.pk).code]
    )
    mine = client_for(cast.member_a).get(url).content.decode()
    assert "待审核" in mine and "撤回" in mine and download not in mine
    assert client_for(cast.member_a).get(download).status_code == 404  # the file is the branch's to open
    theirs = client_for(cast.secretary_a).get(url).content.decode()
    assert download in theirs and "提交审核" in theirs
    assert client_for(cast.secretary_a).get(download).status_code == 200
    # the member withdraws it: it no longer waits for the branch
    client_for(cast.member_a).post(reverse("education:external-withdraw", args=[record.code]))
    assert ExternalTraining.objects.get().state == "withdrawn"
