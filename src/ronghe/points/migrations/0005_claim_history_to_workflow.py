"""Claims' history moves into the one workflow history (core/workflow), row for row."""

from django.db import migrations

PROCESS = "points.claim"


def forward(apps, schema_editor):
    ClaimHistory = apps.get_model("points", "ClaimHistory")
    History = apps.get_model("workflow", "History")
    batch = []
    for row in ClaimHistory.objects.order_by("id").iterator(chunk_size=2000):
        batch.append(
            History(
                process=PROCESS,
                object_id=row.claim_id,
                from_state=row.from_state,
                to_state=row.to_state,
                action=row.action,
                actor_id=row.actor_id,
                comment=row.comment,
                at=row.at,
            )
        )
        if len(batch) >= 2000:
            History.objects.bulk_create(batch)
            batch = []
    History.objects.bulk_create(batch)


def backward(apps, schema_editor):
    ClaimHistory = apps.get_model("points", "ClaimHistory")
    History = apps.get_model("workflow", "History")
    ClaimHistory.objects.bulk_create(
        ClaimHistory(
            claim_id=row.object_id,
            from_state=row.from_state,
            to_state=row.to_state,
            action=row.action,
            actor_id=row.actor_id,
            comment=row.comment[:200],
            at=row.at,
        )
        for row in History.objects.filter(process=PROCESS).order_by("at", "id")
    )
    History.objects.filter(process=PROCESS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0004_memberyear_dimensions"),
        ("workflow", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
