"""Member use-cases. Sensitive numbers are only ever written through `set_sensitive_numbers`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from ronghe.accounts.models import User
from ronghe.core import audit, crypto
from ronghe.core.errors import DomainError, TransitionNotAllowed
from ronghe.core.idnumbers import IdentifierError, mask_id_number, mask_phone, parse_id_number, parse_phone
from ronghe.core.keyrotation import Sealed, reseal
from ronghe.core.scope import has_perm_at, paths_with, require_at
from ronghe.core.workflow import services as workflow
from ronghe.core.workflow.models import History
from ronghe.members import rules
from ronghe.members.choices import ACTIVE_STATUSES, MemberStatus, StatusAction, TransferKind, TransferStatus
from ronghe.members.models import Member, Transfer
from ronghe.orgs.models import Organization


def set_sensitive_numbers(member: Member, *, id_number: str | None = None, phone: str | None = None) -> None:
    """Validate, encrypt, index and mask the ID and phone numbers on an (unsaved) member."""
    if id_number is not None:
        if id_number == "":
            member.id_number_encrypted, member.id_number_index, member.id_number_masked = "", None, ""
        else:
            info = parse_id_number(id_number)
            member.id_number_encrypted = crypto.encrypt(info.number, "id_number")
            member.id_number_index = crypto.blind_index(info.number, "id_number")
            member.id_number_masked = mask_id_number(info.number)
    if phone is not None:
        if phone == "":
            member.phone_encrypted, member.phone_masked = "", ""
        else:
            number = parse_phone(phone)
            member.phone_encrypted = crypto.encrypt(number, "phone")
            member.phone_masked = mask_phone(number)


def reveal_id_number(member: Member) -> str:
    """Plaintext ID number. Callers must check `members.view_sensitive` and audit the read."""
    return crypto.decrypt(member.id_number_encrypted, "id_number")


def reveal_phone(member: Member) -> str:
    return crypto.decrypt(member.phone_encrypted, "phone")


def find_by_id_number(raw: str) -> Member | None:
    info = parse_id_number(raw)
    # both the new and the previous index while `rotate_keys` moves the blind index to a new MAC key
    return Member.objects.filter(id_number_index__in=crypto.blind_indexes(info.number, "id_number")).first()


class MemberError(DomainError):
    """A refused change, with a Chinese message naming the field."""


EDITABLE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "education",
    "degree",
    "occupation",
    "work_position",
    "party_post",
    "joined_on",
    "full_on",
    "work_started_on",
    "remarks",
)


def _snapshot(member: Member) -> dict[str, Any]:
    data = {name: getattr(member, name) for name in EDITABLE_FIELDS}
    data["id_number"] = member.id_number_masked
    data["phone"] = member.phone_masked
    data["status"] = member.status
    data["organization"] = member.organization.name if member.organization_id else None
    return {k: (str(v) if isinstance(v, date) else v) for k, v in data.items()}


def _check_unique_id(member: Member) -> None:
    if not member.id_number_index:
        return
    indexes = [member.id_number_index]
    if crypto.mac_moving():  # another member may still hold the number under the previous MAC key
        indexes = crypto.blind_indexes(crypto.decrypt(member.id_number_encrypted, "id_number"), "id_number")
    if Member.objects.filter(id_number_index__in=indexes).exclude(pk=member.pk).exists():
        raise MemberError("公民身份号码：该号码已登记在册，不能重复登记")


@transaction.atomic
def create_member(
    *,
    actor: User,
    organization: Organization,
    status: str = MemberStatus.FULL,
    id_number: str = "",
    phone: str = "",
    event: str = "member.create",
    **fields: Any,
) -> Member:
    """Register a member in `organization` (members.edit there). Only 正式/预备 on creation."""
    require_at(actor, "members.edit", organization.path)
    if status not in ACTIVE_STATUSES:
        raise MemberError("党员状态：新登记的党员只能是正式党员或预备党员")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise MemberError(f"不能填写的字段：{'、'.join(sorted(unknown))}")
    member = Member(organization=organization, status=status, **fields)
    try:
        set_sensitive_numbers(member, id_number=id_number, phone=phone)
    except IdentifierError as exc:
        raise MemberError(str(exc)) from exc
    _check_unique_id(member)
    member.save()
    audit.record(event, actor=actor, obj=member, changes=audit.diff({}, _snapshot(member)))
    return member


@transaction.atomic
def update_member(
    *, actor: User, member: Member, id_number: str | None = None, phone: str | None = None, **fields: Any
) -> Member:
    """Change roster fields. Status and organization change only through status changes and transfers."""
    require_at(actor, "members.edit", member.organization.path)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise MemberError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    before = _snapshot(member)
    for name, value in fields.items():
        setattr(member, name, value)
    try:
        set_sensitive_numbers(member, id_number=id_number, phone=phone)
    except IdentifierError as exc:
        raise MemberError(str(exc)) from exc
    _check_unique_id(member)
    member.save()
    changes = audit.diff(before, _snapshot(member))
    if changes:
        audit.record("member.update", actor=actor, obj=member, changes=changes)
    return member


def record_roster_read(
    *, actor: User, organization: Organization | None, shown: int, total: int, surface: str
) -> None:
    """One audit row per list page or API list request that shows members' personal fields (PI-3):
    who read, over which scope (the organization filtered on, else the reader's own scope), how many
    rows were shown and how many matched. Never the search text: it may be a name or a number."""
    if organization is not None:
        paths, scope_name = [organization.path], organization.name
    else:
        paths, scope_name = paths_with(actor, "members.view"), "全部管理范围"
    audit.record(
        "member.list",
        actor=actor,
        object_type="orgs.organization",
        object_id=str(organization.code) if organization is not None else "",
        object_repr=scope_name,
        org_path=paths[0] if len(paths) == 1 else "",
        changes={"surface": surface, "scope": paths, "rows": shown, "matched": total},
    )


def unmask(*, actor: User, member: Member) -> dict[str, str]:
    """The full ID and phone numbers, for users with members.view_sensitive at the member's node. Audited."""
    if not has_perm_at(actor, "members.view_sensitive", member.organization.path):
        audit.record("member.unmask", actor=actor, obj=member, outcome="failure")
        raise PermissionDenied("您没有查看完整号码的权限")
    audit.record("member.unmask", actor=actor, obj=member, changes={"fields": ["id_number", "phone"]})
    return {"id_number": reveal_id_number(member), "phone": reveal_phone(member)}


@transaction.atomic
def change_status(
    *, actor: User, member: Member, action: str, effective_on: date, reason: str, approval_ref: str
) -> History:
    """Apply one status change through the declared process (rules.STATUS_PROCESS on core/workflow);
    it stays in the member's history with its effective date and approval reference."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    require_at(actor, "members.edit", member.organization.path)
    if not reason.strip():
        raise MemberError("原因：请填写原因")
    if not approval_ref.strip():
        raise MemberError("批准文号：请填写批准文号或会议决定")
    try:
        new_status = rules.next_status(
            member.status,
            action,
            joined_on=member.joined_on,
            effective_on=effective_on,
            extended_before=History.objects.filter(
                process=rules.STATUS_PROCESS.name, object_id=member.pk, action=StatusAction.EXTEND_PROBATION
            ).exists(),
            full_on=member.full_on,
        )
    except TransitionNotAllowed as exc:
        raise MemberError(str(exc)) from exc
    return workflow.transition(
        rules.STATUS_PROCESS,
        member,
        action,
        by=actor,
        comment=reason,
        to=new_status,
        fields={"full_on": effective_on} if action == StatusAction.MAKE_FULL else {},
        effective_on=effective_on,
        data={"approval_ref": approval_ref.strip()},
        audit_changes={"approval_ref": approval_ref.strip()},
    )


@transaction.atomic
def transfer_internal(
    *, actor: User, member: Member, to_organization: Organization, on_date: date, reason: str = ""
) -> Transfer:
    """Move a member to another organization in the actor's scope; the transfer stays in the history."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    require_at(actor, "members.edit", member.organization.path)
    require_at(actor, "members.edit", to_organization.path)
    if member.status not in ACTIVE_STATUSES:
        raise MemberError("只能转接在册的正式党员或预备党员")
    if to_organization.pk == member.organization_id:
        raise MemberError("转入党组织：与当前所在党组织相同")
    if _pending(member):
        raise MemberError("该党员有尚未完成的转出介绍信，请先确认回执或撤回")
    source = member.organization
    transfer = Transfer.objects.create(
        member=member,
        kind=TransferKind.INTERNAL,
        status=TransferStatus.COMPLETED,
        organization=source,
        from_organization=source,
        to_organization=to_organization,
        counterpart=to_organization.name,
        issued_on=on_date,
        completed_on=on_date,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    workflow.start(rules.TRANSFER_PROCESS, transfer, by=actor, effective_on=on_date)
    member.organization = to_organization
    member.save(update_fields=["organization", "updated_at"])
    audit.record(
        "member.transfer_internal",
        actor=actor,
        obj=member,
        changes={"organization": [source.name, to_organization.name]},
    )
    return transfer


def _pending(member: Member) -> bool:
    return member.transfers.filter(status=TransferStatus.PENDING).exists()


def max_validity_days() -> int:
    return int(getattr(settings, "RONGHE_TRANSFER_MAX_VALIDITY_DAYS", rules.MAX_VALIDITY_DAYS))


@transaction.atomic
def issue_outgoing_letter(
    *,
    actor: User,
    member: Member,
    counterpart: str,
    issued_on: date,
    validity_days: int = rules.DEFAULT_VALIDITY_DAYS,
    letter_number: str = "",
    dues_paid_until: str = "",
    reason: str = "",
) -> Transfer:
    """An outgoing 介绍信 out of the system. The member stays on the roster, and the sending
    organization stays responsible, until the receipt (回执) is confirmed (domain-rules §5)."""
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    require_at(actor, "members.edit", member.organization.path)
    if member.status not in ACTIVE_STATUSES:
        raise MemberError("只能为在册的正式党员或预备党员开具介绍信")
    if not counterpart.strip():
        raise MemberError("转往党组织：请填写接收党组织名称")
    try:
        rules.check_validity_days(validity_days, max_validity_days())
    except TransitionNotAllowed as exc:
        raise MemberError(str(exc)) from exc
    if _pending(member):
        raise MemberError("该党员已有尚未完成的转出介绍信")
    transfer = Transfer.objects.create(
        member=member,
        kind=TransferKind.OUTGOING,
        status=TransferStatus.PENDING,
        organization=member.organization,
        from_organization=member.organization,
        counterpart=counterpart.strip(),
        letter_number=letter_number,
        issued_on=issued_on,
        validity_days=validity_days,
        dues_paid_until=dues_paid_until,
        reason=reason,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    workflow.start(rules.TRANSFER_PROCESS, transfer, by=actor, effective_on=issued_on)
    audit.record(
        "member.transfer_out_issue",
        actor=actor,
        obj=transfer,
        changes={"counterpart": counterpart, "validity_days": validity_days},
    )
    return transfer


@transaction.atomic
def transition_transfer(*, actor: User, transfer: Transfer, action: str, on_date: date) -> Transfer:
    """Confirm the receipt or withdraw the letter: one step of rules.TRANSFER_PROCESS (core/workflow)."""
    transfer = (
        Transfer.objects.select_for_update().select_related("member", "organization").get(pk=transfer.pk)
    )
    require_at(actor, "members.edit", transfer.organization.path)
    try:
        new_status = rules.next_transfer_status(transfer.status, action)
    except TransitionNotAllowed as exc:
        raise MemberError(str(exc)) from exc
    if on_date < transfer.issued_on:
        raise MemberError("日期：不能早于开具日期")
    workflow.transition(
        rules.TRANSFER_PROCESS,
        transfer,
        action,
        by=actor,
        fields={"completed_on": on_date},
        effective_on=on_date,
    )
    if new_status == TransferStatus.COMPLETED and transfer.kind == TransferKind.OUTGOING:
        member = transfer.member
        member.status = MemberStatus.TRANSFERRED_OUT
        member.save(update_fields=["status", "updated_at"])
    return transfer


@transaction.atomic
def receive_incoming(
    *,
    actor: User,
    organization: Organization,
    counterpart: str,
    issued_on: date,
    letter_number: str = "",
    dues_paid_until: str = "",
    **member_fields: Any,
) -> Transfer:
    """Register a member arriving with a 介绍信 from outside the system."""
    if not counterpart.strip():
        raise MemberError("原党组织：请填写介绍信的开具党组织")
    member = create_member(
        actor=actor, organization=organization, event="member.transfer_in", **member_fields
    )
    transfer = Transfer.objects.create(
        member=member,
        kind=TransferKind.INCOMING,
        status=TransferStatus.COMPLETED,
        organization=organization,
        to_organization=organization,
        counterpart=counterpart.strip(),
        letter_number=letter_number,
        issued_on=issued_on,
        completed_on=issued_on,
        dues_paid_until=dues_paid_until,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    workflow.start(rules.TRANSFER_PROCESS, transfer, by=actor, effective_on=issued_on)
    return transfer


SEALED = (Sealed("id_number_encrypted", "id_number", "id_number_index"), Sealed("phone_encrypted", "phone"))


def reencrypt_members(*, batch_size: int = 500, log: Callable[[str], object] | None = None) -> int:
    """Re-encrypt every member's ID and phone under the active key (and the ID's blind index under the
    active MAC key), in keyset-paginated batches (`core.keyrotation.reseal`). The roster stays readable
    and searchable throughout. Returns the number of rows rewritten."""
    return reseal(Member, SEALED, batch_size=batch_size, log=log)
