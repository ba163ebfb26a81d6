from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.core import crypto
from ronghe.core.models import AuditEntry
from ronghe.core.workflow.models import History
from ronghe.members import services
from ronghe.members.models import Member, Transfer
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_status_change_appends_history_and_sets_full_date(cast):
    # given a probationary member
    m = MemberFactory(
        organization=cast.branch_a, status="probationary", joined_on=date(2025, 1, 10), full_on=None
    )
    # when made full
    services.change_status(
        actor=cast.secretary_a,
        member=m,
        action="make_full",
        effective_on=date(2026, 1, 10),
        reason="按期转正",
        approval_ref="甲党字〔2026〕3号",
    )
    # then status, date and history
    m.refresh_from_db()
    assert (m.status, m.full_on) == ("full", date(2026, 1, 10))
    change = History.objects.get(process="members.status", object_id=m.pk)
    assert (change.from_state, change.to_state, change.data["approval_ref"], change.comment) == (
        "probationary",
        "full",
        "甲党字〔2026〕3号",
        "按期转正",
    )
    assert (change.effective_on, change.actor) == (date(2026, 1, 10), cast.secretary_a)
    assert AuditEntry.objects.filter(event="member.status_change").count() == 1
    # and a second change never overwrites the first
    services.change_status(
        actor=cast.secretary_a,
        member=m,
        action="suspend",
        effective_on=date(2026, 8, 1),
        reason="失联6个月",
        approval_ref="支委会决定",
    )
    assert list(
        History.objects.filter(object_id=m.pk, process="members.status").values_list("action", flat=True)
    ) == [
        "make_full",
        "suspend",
    ]


def test_refused_transition_changes_nothing(cast):
    with pytest.raises(services.MemberError, match="不能办理“转正”"):
        services.change_status(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            action="make_full",
            effective_on=date(2026, 1, 1),
            reason="x",
            approval_ref="y",
        )
    assert not History.objects.filter(process="members.status").exists()
    assert Member.objects.get(pk=cast.member_a_record.pk).status == "full"


def test_internal_transfer_keeps_history(cast):
    from tests.factories import OrganizationFactory

    branch2 = OrganizationFactory(name="甲局第二党支部", parent=cast.org_a)
    services.transfer_internal(
        actor=cast.secretary_a, member=cast.member_a_record, to_organization=branch2, on_date=date(2026, 2, 1)
    )
    assert Member.objects.get(pk=cast.member_a_record.pk).organization_id == branch2.pk
    t = Transfer.objects.get()
    assert (t.from_organization_id, t.to_organization_id, t.status) == (
        cast.branch_a.pk,
        branch2.pk,
        "completed",
    )


def test_internal_transfer_outside_scope_refused(cast):
    with pytest.raises(PermissionDenied):
        services.transfer_internal(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            to_organization=cast.branch_b,
            on_date=date(2026, 2, 1),
        )
    assert Member.objects.get(pk=cast.member_a_record.pk).organization_id == cast.branch_a.pk


def test_outgoing_letter_pending_until_confirmed(cast):
    t = services.issue_outgoing_letter(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        counterpart="某省某局党支部",
        issued_on=date(2026, 3, 1),
    )
    # the member stays on the roster with the sending branch responsible
    assert Member.objects.get(pk=cast.member_a_record.pk).status == "full"
    assert (t.status, t.validity_days, t.organization_id) == ("pending", 30, cast.branch_a.pk)
    services.transition_transfer(
        actor=cast.secretary_a, transfer=t, action="confirm", on_date=date(2026, 3, 20)
    )
    assert Member.objects.get(pk=cast.member_a_record.pk).status == "transferred_out"
    with pytest.raises(services.MemberError, match="不能撤回"):
        services.transition_transfer(
            actor=cast.secretary_a, transfer=t, action="cancel", on_date=date(2026, 3, 21)
        )


@pytest.mark.parametrize(("days", "ok"), [(90, True), (91, False)])
def test_outgoing_validity_max(cast, days, ok):
    kwargs = {
        "actor": cast.secretary_a,
        "member": cast.member_a_record,
        "counterpart": "外单位",
        "issued_on": date(2026, 3, 1),
        "validity_days": days,
    }
    if ok:
        services.issue_outgoing_letter(**kwargs)
    else:
        with pytest.raises(services.MemberError, match="有效期：应为1至90天"):
            services.issue_outgoing_letter(**kwargs)
        assert not Transfer.objects.exists()


def test_incoming_creates_member(cast):
    t = services.receive_incoming(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        counterpart="外县某支部",
        issued_on=date(2026, 4, 1),
        name="新来者",
        gender="女",
        birth_date=date(1990, 1, 1),
        joined_on=date(2015, 7, 1),
        full_on=date(2016, 7, 1),
        id_number="",
        phone="13912345678",
    )
    assert t.member.organization_id == cast.branch_a.pk and t.kind == "incoming"
    assert t.member.phone_masked == "139****5678"
    assert AuditEntry.objects.filter(event="member.transfer_in").count() == 1


def test_duplicate_id_number_refused(cast):
    from ronghe.members.services import reveal_id_number

    number = reveal_id_number(cast.member_a_record)
    with pytest.raises(services.MemberError, match="该号码已登记在册"):
        services.create_member(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            id_number=number,
            name="重复",
            gender="男",
            birth_date=date(1985, 5, 20),
            joined_on=date(2010, 7, 1),
            full_on=date(2011, 7, 1),
        )


def test_unmask_is_audited_and_needs_the_right(cast):
    with pytest.raises(PermissionDenied):
        services.unmask(actor=cast.secretary_a, member=cast.member_a_record)
    assert AuditEntry.objects.get(event="member.unmask").outcome == "failure"
    result = services.unmask(actor=cast.committee_admin, member=cast.member_a_record)
    assert result["phone"] == "13800138000"
    assert AuditEntry.objects.filter(event="member.unmask", outcome="success").count() == 1


def test_reencrypt_under_new_key(cast):
    for i in range(5):
        MemberFactory(organization=cast.branch_a, phone=f"1390000000{i}")
    old = crypto.keyring().active
    new = crypto.add_key()
    assert new != old
    # reads keep working before the rotation finishes
    m = Member.objects.filter(phone_encrypted__startswith=old).first()
    assert services.reveal_phone(m).startswith("1390000000")
    count = services.reencrypt_members(batch_size=2)
    assert count == 7  # the cast's two members and the five new ones
    assert all(t.startswith(new + "$") for t in Member.objects.values_list("phone_encrypted", flat=True))
    assert all(t.startswith(new + "$") for t in Member.objects.values_list("id_number_encrypted", flat=True))
    assert sorted(services.reveal_phone(m) for m in Member.objects.filter(name__startswith="党员")) == [
        f"1390000000{i}" for i in range(5)
    ]
    assert services.reencrypt_members(batch_size=2) == 0
