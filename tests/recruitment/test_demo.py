"""The demo county has people at every stage of 发展党员, some late, and an import with a flagged row."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.core.models import ImportJob
from ronghe.demo.generator import build_county
from ronghe.members.choices import MemberStatus
from ronghe.recruitment import queries
from ronghe.recruitment.choices import Stage
from ronghe.recruitment.models import RecruitmentCase

pytestmark = pytest.mark.django_db


def test_demo_has_every_stage_some_late_and_a_flagged_import():
    build_county(400, seed=5, today=date(2026, 11, 24), until="recruitment")
    stages = set(RecruitmentCase.objects.values_list("stage", flat=True))
    assert stages >= {Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL}
    board = queries.board(RecruitmentCase.objects.all(), date(2026, 11, 24))
    assert board.late >= 3
    full = RecruitmentCase.objects.filter(stage=Stage.FULL).select_related("member").first()
    assert full.member.status == MemberStatus.FULL and full.member.joined_on == full.admitted_on
    job = ImportJob.objects.get(kind="recruitment")
    assert (job.valid_count, job.invalid_count) == (2, 1)
    assert any("经过一年以上培养教育方可确定为发展对象" in e["message"] for e in job.errors)


def test_demo_secretary_sees_the_pipeline_and_the_flagged_import(client, time_machine):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.urls import reverse

    from ronghe.accounts.models import User

    time_machine.move_to(datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    build_county(300, seed=3, today=date(2026, 11, 24), until="recruitment")
    client.force_login(User.objects.get(username="secretary"))
    board = client.get(reverse("recruitment:case-list")).context["board"]
    assert board.total == 8 and board.late >= 3
    job = ImportJob.objects.get(kind="recruitment")
    page = client.get(reverse("recruitment:import-job", args=[job.code])).content.decode()
    assert "经过一年以上培养教育方可确定为发展对象（细则第十三条）" in page
