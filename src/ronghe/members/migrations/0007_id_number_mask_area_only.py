"""Stored ID masks keep only the area code: `3715**********1036` → `371502************`.

The old mask kept the last four characters (sequence and check digit); with the birth date shown beside
it, a number could be rebuilt (docs/architecture.md, "Field encryption"). The area code is not in the
old mask, so each number is decrypted with the field keys (core.crypto) and masked again, in batches
of 2,000 rows by primary key. A token that does not decrypt (a keyring not present where the migration
runs) gets the old mask's first four digits and stars: never the old, rebuildable mask.
"""

from django.db import migrations

BATCH = 2000


def forward(apps, schema_editor):
    from ronghe.core import crypto
    from ronghe.core.idnumbers import mask_id_number

    Member = apps.get_model("members", "Member")
    last = 0
    while True:
        rows = list(
            Member.objects.filter(pk__gt=last)
            .exclude(id_number_masked="")
            .order_by("pk")
            .only("pk", "id_number_encrypted", "id_number_masked")[:BATCH]
        )
        if not rows:
            return
        for member in rows:
            try:
                number = crypto.decrypt(member.id_number_encrypted, "id_number")
            except crypto.DecryptionError:
                number = ""
            if number:
                member.id_number_masked = mask_id_number(number)
            else:
                old = member.id_number_masked
                member.id_number_masked = old[:4] + "*" * (len(old) - 4)
        Member.objects.bulk_update(rows, ["id_number_masked"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [("members", "0006_statuschange_removed")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
