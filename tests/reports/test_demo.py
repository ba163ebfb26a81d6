"""The demo county shows last month's 月度工作小结 to its unit administrator."""

from datetime import date

import pytest

from ronghe.accounts.models import User
from ronghe.demo.generator import build_county
from ronghe.notices.queries import unread_for_user
from ronghe.reports.models import MonthlySummary

pytestmark = pytest.mark.django_db


def test_demo_unit_admin_has_last_months_summary():
    build_county(300, seed=5, today=date(2026, 11, 24))
    record = MonthlySummary.objects.select_related("notice", "evidence").get()
    assert record.month == date(2026, 10, 1)
    assert record.evidence is not None and record.evidence.size > 1000
    admin = User.objects.get(username="unitadmin")
    assert record.notice in unread_for_user(admin)
    assert record.notice.title.startswith("2026年10月工作小结（")


def test_demo_committees_2025_annual_report_against_independent_counts(time_machine):  # noqa: ANN001
    """Done-when of issue 20 item 2: the demo county's 2025 report of the 工委, drafted by the demo step
    from the records, agrees with counts made directly from the records."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from ronghe.education.models import TrainingClass
    from ronghe.members.choices import TransferKind
    from ronghe.members.models import Member
    from ronghe.orglife.models import Meeting
    from ronghe.orgs.models import Organization
    from ronghe.ratings.models import Entry
    from ronghe.reports.annual.services import figure
    from ronghe.reports.models import AnnualReport
    from ronghe.selections.models import Nomination

    tz = ZoneInfo("Asia/Shanghai")
    time_machine.move_to(datetime(2026, 11, 24, 10, tzinfo=tz), tick=False)
    build_county(300, seed=3, today=date(2026, 11, 24))
    root = Organization.objects.get(parent=None)
    report = AnnualReport.objects.get(organization=root, year=2025)
    assert report.generated_by is not None and report.generated_by.username == "gwadmin"

    def value(key: str) -> int:
        f = figure(report, key)
        return 0 if f is None else f.value

    in_2025 = {
        "held_at__gte": datetime(2025, 1, 1, tzinfo=tz),
        "held_at__lt": datetime(2026, 1, 1, tzinfo=tz),
    }
    general = Meeting.objects.filter(kind="general_meeting", state="held", **in_2025).count()
    assert value("meetings.general_meeting") == general  # the demo records meetings from 2026 on
    lectures = Meeting.objects.filter(kind="party_lecture", state="held", **in_2025).count()
    assert value("meetings.party_lecture") == lectures
    arrived = set(Member.objects.filter(transfers__kind=TransferKind.INCOMING).values_list("pk", flat=True))
    joined = [m for m in Member.objects.filter(joined_on__year=2025) if m.pk not in arrived]
    assert value("developed") == len(joined)
    assert value("training.classes") == TrainingClass.objects.filter(year=2025).count()
    awarded = Nomination.objects.filter(
        state="awarded",
        awarded_at__gte=datetime(2025, 1, 1, tzinfo=tz),
        awarded_at__lt=datetime(2026, 1, 1, tzinfo=tz),
    ).count()
    assert value("honours") == awarded
    from ronghe.assessment.models import Entry as Assessed
    from ronghe.discipline.models import Case
    from ronghe.members.queries import standings_on

    active = [s for s in standings_on(Member.objects.all(), date(2025, 12, 31)) if s.active]
    assert value("members") == len(active) > 0
    assert value("members.预备党员") == sum(1 for s in active if s.status == "probationary")
    assessed = Assessed.objects.filter(campaign__year=2025, computed_at__isnull=False).count()
    assert value("assessment.units") == assessed > 0
    assert value("discipline.received") == Case.objects.filter(received_on__year=2025).count()
    rated = Entry.objects.filter(campaign__year=2025).exclude(state="draft")
    assert value("ratings.applied_five") == rated.filter(applied_level=5).count()
    assert value("ratings.named_five") == rated.filter(state="named", level=5).count()
    assert value("ratings.applied") == rated.count() > 0
