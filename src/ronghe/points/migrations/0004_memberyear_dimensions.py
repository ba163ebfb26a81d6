import django.db.models.deletion
from django.db import migrations, models


def copy_year_totals(apps, schema_editor):
    """Fold each member's per-dimension rows into `MemberYear.dimensions` ({code: "12.50"})."""
    with schema_editor.connection.cursor() as cursor:  # a new installation has nothing to fold, and a
        cursor.execute("SELECT 1 FROM points_yeartotal LIMIT 1")  # compatible database may lack
        if cursor.fetchone() is None:  # jsonb_object_agg
            return
    if schema_editor.connection.vendor == "postgresql":
        sql = """UPDATE points_memberyear y SET dimensions = t.scores
            FROM (SELECT member_id, year, jsonb_object_agg(dimension, points::text) AS scores
                  FROM points_yeartotal GROUP BY member_id, year) t
            WHERE y.member_id = t.member_id AND y.year = t.year"""
    else:
        sql = """UPDATE points_memberyear SET dimensions = t.scores
            FROM (SELECT member_id, year,
                    json_group_object(dimension, printf('%.2f', points)) AS scores
                  FROM points_yeartotal GROUP BY member_id, year) t
            WHERE points_memberyear.member_id = t.member_id AND points_memberyear.year = t.year"""
    schema_editor.execute(sql, None)


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0003_yearclosing_publicity_fallback_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberyear",
            name="dimensions",
            field=models.JSONField(default=dict, verbose_name="各维度积分"),
        ),
        migrations.RunPython(copy_year_totals, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="YearTotal",
        ),
        # unique (member, year) serves lookups by member
        migrations.AlterField(
            model_name="memberyear",
            name="member",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="points_years",
                to="members.member",
            ),
        ),
    ]
