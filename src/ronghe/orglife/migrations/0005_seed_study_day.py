from django.db import migrations


def seed(apps, schema_editor):
    from ronghe.orglife.requirements_seed import DEFAULT_REQUIREMENTS, SEED_YEARS

    MeetingRequirement = apps.get_model("orglife", "MeetingRequirement")
    spec = next(s for s in DEFAULT_REQUIREMENTS if s["kind"] == "study_day")
    MeetingRequirement.objects.bulk_create(
        [MeetingRequirement(year=year, **spec) for year in SEED_YEARS], ignore_conflicts=True
    )


def unseed(apps, schema_editor):
    from ronghe.orglife.requirements_seed import SEED_YEARS

    apps.get_model("orglife", "MeetingRequirement").objects.filter(
        year__in=list(SEED_YEARS), kind="study_day"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("orglife", "0004_meeting_quorum_voter_exclusion")]

    operations = [migrations.RunPython(seed, unseed)]
