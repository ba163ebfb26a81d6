from django.db import migrations


def seed(apps, schema_editor):
    from ronghe.orglife.requirements_seed import DEFAULT_REQUIREMENTS, SEED_YEARS

    MeetingRequirement = apps.get_model("orglife", "MeetingRequirement")
    rows = [
        MeetingRequirement(
            year=year,
            coverage=spec.get("coverage", False),
            **{k: v for k, v in spec.items() if k != "coverage"},
        )
        for year in SEED_YEARS
        for spec in DEFAULT_REQUIREMENTS
    ]
    MeetingRequirement.objects.bulk_create(rows, ignore_conflicts=True)


def unseed(apps, schema_editor):
    from ronghe.orglife.requirements_seed import SEED_YEARS

    apps.get_model("orglife", "MeetingRequirement").objects.filter(year__in=list(SEED_YEARS)).delete()


class Migration(migrations.Migration):
    dependencies = [("orglife", "0002_orglifepolicy_attendance_checked_in_at_and_more")]

    operations = [migrations.RunPython(seed, unseed)]
