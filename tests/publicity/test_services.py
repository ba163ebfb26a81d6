"""公示 services: the period in working days (holidays and 调休), who may object and until when,
handling objections, closing only after the period with nothing pending."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.core.errors import DomainError, InvalidInput, TransitionNotAllowed
from ronghe.core.models import AuditEntry
from ronghe.core.publicity import services
from ronghe.core.publicity.models import Objection, Publication
from ronghe.core.workflow.models import History

pytestmark = pytest.mark.django_db

# National Day 2026: 10-01..10-07 off, Saturday 10-10 a 调休 working day (chinese-calendar).
LAST_DAY = date(2026, 10, 10)


def test_period_counts_working_days_across_national_day(publish):
    # 9-29, 9-30, 10-08, 10-09 and the 调休 Saturday 10-10
    publication = publish(starts_on=date(2026, 9, 29), working_days=5)
    assert (publication.starts_on, publication.ends_on) == (date(2026, 9, 29), LAST_DAY)
    assert publication.state == "open" and not publication.period_fallback
    assert History.objects.filter(process="publicity.publication", object_id=publication.pk).count() == 1
    assert AuditEntry.objects.filter(
        event="publicity.publish", org_path=publication.organization.path
    ).exists()


def test_period_starting_on_a_holiday_starts_on_the_next_working_day(publish):
    publication = publish(starts_on=date(2026, 10, 1), working_days=1)
    assert (publication.starts_on, publication.ends_on) == (date(2026, 10, 8), date(2026, 10, 8))


def test_period_starting_on_a_working_day_counts_that_day(publish):
    publication = publish(starts_on=date(2026, 12, 1), working_days=1)
    assert (publication.starts_on, publication.ends_on) == (date(2026, 12, 1), date(2026, 12, 1))


def test_publish_refuses_no_working_days_and_writes_nothing(publish):
    with pytest.raises(InvalidInput, match="公示期至少为 1 个工作日"):
        publish(working_days=0)
    assert not Publication.objects.exists()


def test_publish_refuses_duplicate_item_keys(publish):
    with pytest.raises(InvalidInput, match="重复"):
        publish(items=[{"key": "x", "label": "甲"}, {"key": "x", "label": "乙"}])
    assert not Publication.objects.exists()


def test_publish_needs_the_handle_permission_at_the_organization(cast, publish):
    with pytest.raises(PermissionDenied):
        publish(actor=cast.secretary_a)  # a branch secretary holds no ratings.manage
    assert not Publication.objects.exists()


def test_member_of_the_subtree_objects_on_the_last_day(cast, publish):
    publication = publish()
    objection = services.lodge_objection(
        actor=cast.member_a,
        publication=publication,
        text="该支部未按期召开组织生活会",
        item_key="b1",
        today=LAST_DAY,
    )
    assert (objection.state, objection.item_key, objection.lodged_by) == ("pending", "b1", cast.member_a)
    assert AuditEntry.objects.filter(event="publicity.objection_lodge").count() == 1


@pytest.mark.parametrize("day", [date(2026, 10, 11), date(2026, 10, 12)])
def test_objection_after_the_last_day_is_refused(cast, publish, day):
    publication = publish()
    with pytest.raises(DomainError, match="公示期已于2026年10月10日结束，不能再提出异议"):
        services.lodge_objection(actor=cast.member_a, publication=publication, text="有意见", today=day)
    assert not Objection.objects.exists()


def test_objection_before_the_start_is_refused(cast, publish):
    publication = publish()
    with pytest.raises(DomainError, match="公示尚未开始"):
        services.lodge_objection(
            actor=cast.member_a, publication=publication, text="有意见", today=date(2026, 9, 28)
        )
    assert not Objection.objects.exists()


def test_objection_needs_text_and_a_known_item(cast, publish):
    publication = publish()
    with pytest.raises(DomainError, match="请填写异议内容") as empty:
        services.lodge_objection(actor=cast.member_a, publication=publication, text="  ", today=LAST_DAY)
    assert empty.value.field == "text"
    with pytest.raises(DomainError, match="公示名单中没有该项") as unknown:
        services.lodge_objection(
            actor=cast.member_a, publication=publication, text="有意见", item_key="zz", today=LAST_DAY
        )
    assert unknown.value.field == "item_key"
    assert not Objection.objects.exists()


@pytest.mark.parametrize("who", ["outsider_b", "stranger"])
def test_outsiders_cannot_object(cast, publish, stranger, who):
    user = stranger if who == "stranger" else getattr(cast, who)
    publication = publish()
    assert not services.can_view(user, publication)
    with pytest.raises(PermissionDenied):
        services.lodge_objection(actor=user, publication=publication, text="有意见", today=LAST_DAY)
    assert not Objection.objects.exists()
    assert services.visible(Publication.objects.all(), user).count() == 0


def test_visible_to_members_and_readers_of_the_subtree(cast, publish):
    publication = publish()
    for user in (cast.member_a, cast.secretary_a, cast.committee_admin):
        assert list(services.visible(Publication.objects.all(), user)) == [publication]
        assert services.can_view(user, publication)


def test_objection_handled_with_a_reason_then_closed_after_the_period(cast, publish):
    publication = publish()
    first = services.lodge_objection(
        actor=cast.member_a, publication=publication, text="未开组织生活会", item_key="b1", today=LAST_DAY
    )
    second = services.lodge_objection(
        actor=cast.secretary_a, publication=publication, text="名单不全", today=LAST_DAY
    )
    # the reason is required
    with pytest.raises(DomainError, match="请填写处理意见"):
        services.handle_objection(actor=cast.committee_admin, objection=first, upheld=True, reason=" ")
    assert Objection.objects.get(pk=first.pk).state == "pending"
    # who may not handle is refused
    with pytest.raises(PermissionDenied):
        services.handle_objection(actor=cast.secretary_a, objection=first, upheld=True, reason="核实")
    # before the end: refused; on the day after, still refused while two are pending
    with pytest.raises(DomainError, match="公示期至2026年10月10日，尚未结束"):
        services.close(actor=cast.committee_admin, publication=publication, today=LAST_DAY)
    with pytest.raises(DomainError, match="还有 2 条异议未处理，处理后才能结束公示"):
        services.close(actor=cast.committee_admin, publication=publication, today=date(2026, 10, 12))
    services.handle_objection(actor=cast.committee_admin, objection=first, upheld=True, reason="经核实属实")
    with pytest.raises(DomainError, match="还有 1 条异议未处理"):
        services.close(actor=cast.committee_admin, publication=publication, today=date(2026, 10, 12))
    services.handle_objection(actor=cast.committee_admin, objection=second, upheld=False, reason="名单完整")
    # handled twice: the state has moved on
    with pytest.raises(TransitionNotAllowed):
        services.handle_objection(actor=cast.committee_admin, objection=second, upheld=True, reason="再议")
    stored = Objection.objects.get(pk=first.pk)
    assert (stored.state, stored.resolution, stored.handled_by) == (
        "upheld",
        "经核实属实",
        cast.committee_admin,
    )
    assert services.upheld_keys(publication) == {"b1"}
    handled = History.objects.filter(process="publicity.objection", action__in=["uphold", "dismiss"])
    assert sorted(handled.values_list("comment", flat=True)) == ["名单完整", "经核实属实"]
    assert AuditEntry.objects.filter(event="publicity.objection_uphold").count() == 1
    services.close(actor=cast.committee_admin, publication=publication, today=date(2026, 10, 12))
    publication.refresh_from_db()
    assert publication.state == "closed" and publication.closed_at is not None
    assert AuditEntry.objects.get(event="publicity.publication_close").changes["upheld"] == ["b1"]
    with pytest.raises(DomainError, match="公示已结束，不能再提出异议"):
        services.lodge_objection(
            actor=cast.member_a, publication=publication, text="迟到的意见", today=LAST_DAY
        )


def test_upheld_objection_about_the_whole_list_is_the_empty_key(cast, publish):
    publication = publish()
    objection = services.lodge_objection(
        actor=cast.member_a, publication=publication, text="程序不当", today=LAST_DAY
    )
    services.handle_objection(actor=cast.committee_admin, objection=objection, upheld=True, reason="重新公示")
    assert services.upheld_keys(publication) == {""}


def test_close_by_someone_without_the_handle_permission_is_refused(cast, publish):
    publication = publish()
    with pytest.raises(PermissionDenied):
        services.close(actor=cast.secretary_a, publication=publication, today=date(2026, 10, 12))
    assert Publication.objects.get(pk=publication.pk).state == "open"


def test_for_object(publish):
    publication = publish()
    assert list(services.for_object("ratings.campaign", 7)) == [publication]
    assert not services.for_object("ratings.campaign", 8).exists()


def test_days_left_counts_working_days_from_today(publish):
    publication = publish()
    assert services.working_days_left(publication, date(2026, 9, 30)) == 4  # 9-30, 10-08, 10-09, 10-10
    assert services.working_days_left(publication, date(2026, 10, 5)) == 3
    assert services.working_days_left(publication, LAST_DAY) == 1
    assert services.working_days_left(publication, date(2026, 10, 11)) == 0
