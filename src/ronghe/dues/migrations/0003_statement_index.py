"""The (organization, period) index of 党费 records widened to cover the 收缴报表's grouped read."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dues", "0002_seed_rate_table"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="duesrecord",
            name="dues_duesre_organiz_e32822_idx",
        ),
        migrations.AddIndex(
            model_name="duesrecord",
            index=models.Index(
                fields=["organization", "period", "state", "timing", "amount_due", "paid_amount"],
                name="dues_record_org_period_idx",
            ),
        ),
    ]
