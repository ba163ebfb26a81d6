"""Meetings get a state: those still ahead become planned, and the attendance the form put on them
by default (出席 for everyone, 缺席 for the rest) is cleared to 未标记 — it was a plan, not evidence.
Check-ins and 请假 entered ahead are kept."""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def plan_future_meetings(apps, schema_editor):  # noqa: ANN001, ANN201
    Meeting = apps.get_model("orglife", "Meeting")
    Attendance = apps.get_model("orglife", "Attendance")
    ahead = Meeting.objects.filter(held_at__gt=timezone.now())
    ahead.update(state="planned")
    Attendance.objects.filter(
        meeting__in=ahead.values("pk"), source="recorded", status__in=["present", "absent"]
    ).update(status="unmarked")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_id_number_mask_area_only"),
        ("orglife", "0005_seed_study_day"),
        ("orgs", "0003_organization_depth_path"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="state",
            field=models.CharField(
                choices=[("planned", "已安排"), ("held", "已召开")],
                default="held",
                help_text="开始时间未到的会议为已安排，不计出席、积分和落实情况",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.AlterField(
            model_name="attendance",
            name="status",
            field=models.CharField(
                choices=[
                    ("unmarked", "未标记"),
                    ("present", "出席"),
                    ("excused", "请假"),
                    ("absent", "缺席"),
                ],
                default="unmarked",
                max_length=10,
                verbose_name="出席情况",
            ),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["state", "held_at"], name="orglife_meeting_state_held"),
        ),
        migrations.RunPython(plan_future_meetings, migrations.RunPython.noop),
    ]
