"""Status changes and transfers keep their history in the one workflow history (core/workflow).

Each StatusChange becomes a `members.status` row (reason → comment, approval reference in data).
Each transfer gets its start row (issued, or completed at once for internal and incoming ones) and,
for a letter that was confirmed or withdrawn, the step that ended it.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import migrations

STATUS = "members.status"
TRANSFER = "members.transfer"
TZ = ZoneInfo("Asia/Shanghai")
ACTIONS = {"completed": "confirm", "cancelled": "cancel"}


def _at(day):
    return datetime.combine(day, time(12), tzinfo=TZ)


def _save(History, rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 2000:
            History.objects.bulk_create(batch)
            batch = []
    History.objects.bulk_create(batch)


def forward(apps, schema_editor):
    StatusChange = apps.get_model("members", "StatusChange")
    Transfer = apps.get_model("members", "Transfer")
    History = apps.get_model("workflow", "History")
    _save(
        History,
        (
            History(
                process=STATUS,
                object_id=c.member_id,
                from_state=c.from_status,
                to_state=c.to_status,
                action=c.action,
                actor_id=c.actor_id,
                comment=c.reason,
                effective_on=c.effective_on,
                data={"approval_ref": c.approval_ref},
                at=c.created_at,
            )
            for c in StatusChange.objects.order_by("id").iterator(chunk_size=2000)
        ),
    )

    def transfer_rows():
        for t in Transfer.objects.order_by("id").iterator(chunk_size=2000):
            pending = t.kind == "outgoing"
            yield History(
                process=TRANSFER,
                object_id=t.pk,
                to_state="pending" if pending else t.status,
                actor_id=t.actor_id,
                effective_on=t.issued_on,
                at=t.created_at,
            )
            if pending and t.status in ACTIONS:
                day = t.completed_on or t.issued_on
                yield History(
                    process=TRANSFER,
                    object_id=t.pk,
                    from_state="pending",
                    to_state=t.status,
                    action=ACTIONS[t.status],
                    actor_id=t.actor_id,
                    effective_on=day,
                    at=max(_at(day), t.created_at),
                )

    _save(History, transfer_rows())


def backward(apps, schema_editor):
    StatusChange = apps.get_model("members", "StatusChange")
    History = apps.get_model("workflow", "History")
    StatusChange.objects.bulk_create(
        StatusChange(
            member_id=h.object_id,
            action=h.action,
            from_status=h.from_state,
            to_status=h.to_state,
            effective_on=h.effective_on,
            reason=h.comment,
            approval_ref=(h.data or {}).get("approval_ref", ""),
            actor_id=h.actor_id,
        )
        for h in History.objects.filter(process=STATUS).order_by("id")
    )
    History.objects.filter(process__in=[STATUS, TRANSFER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_name_statistics"),
        ("workflow", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
