"""同步部署 end to end on the pages: work points, a unit's plan, its tasks, progress, the overdue list."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ronghe.core.evidence.models import Evidence
from ronghe.core.models import AuditEntry
from ronghe.core.workflow.models import History
from ronghe.integration.models import Task, TaskProgress, WorkPlan, WorkPoint
from ronghe.orgs.models import Department
from tests.integration.conftest import make_plan, make_point, make_task

pytestmark = pytest.mark.django_db


def test_committee_drafts_and_publishes_work_points(client_for, cast, today):
    client = client_for(cast.committee_admin)
    # when the 工委 drafts a work point and publishes the year's drafts
    client.post(
        reverse("integration:work-point-create"),
        {
            "year": 2026,
            "number": 1,
            "title": "深化模范机关创建",
            "kind": "integrated",
            "content": "党建业务双促进",
        },
    )
    response = client.post(reverse("integration:work-point-publish"), {"year": 2026})
    # then it is published, with its history row
    point = WorkPoint.objects.get()
    assert response.status_code == 302
    assert (point.state, point.organization_id) == ("published", cast.committee.pk)
    assert (
        History.objects.filter(process="integration.work_point", object_id=point.pk, action="publish").count()
        == 1
    )


def test_duplicate_work_point_number_is_refused(client_for, cast, today):
    make_point(cast)
    response = client_for(cast.committee_admin).post(
        reverse("integration:work-point-create"),
        {"year": 2026, "number": 1, "title": "另一条", "kind": "party"},
    )
    assert response.status_code == 422
    assert "2026年度已有序号为1的工作要点" in response.content.decode()
    assert WorkPoint.objects.count() == 1


def test_unit_staff_cannot_publish_work_points(client_for, cast, today):
    make_point(cast, state="draft")
    response = client_for(cast.secretary_a).post(reverse("integration:work-point-publish"), {"year": 2026})
    assert response.status_code == 403
    assert WorkPoint.objects.get().state == "draft"


def test_unit_plans_tasks_and_the_committee_acknowledges(client_for, cast, today):
    point = make_point(cast)
    office = Department.objects.create(unit=cast.unit_a, name="办公室")
    unit_side = client_for(cast.secretary_a)
    # the unit opens its plan
    unit_side.post(reverse("integration:plan-create"), {"unit": cast.unit_a.code, "year": 2026})
    plan = WorkPlan.objects.get(unit=cast.unit_a)
    assert plan.organization == cast.org_a
    # a business task owned by a department, breaking down the work point
    response = unit_side.post(
        reverse("integration:task-create", args=[plan.code]),
        {
            "kind": "business",
            "work_point": point.code,
            "title": "政务服务事项网上可办",
            "owner_kind": "department",
            "department": office.code,
            "deadline": "2026-10-31",
            "target": "网办率达到95%",
            "target_value": "95",
            "measure": "%",
        },
    )
    assert response.status_code == 302
    # a Party-building task taken by the branch
    unit_side.post(
        reverse("integration:task-create", args=[plan.code]),
        {
            "kind": "party",
            "title": "党员先锋岗",
            "owner_kind": "branch",
            "branch": cast.branch_a.code,
            "deadline": "2026-12-20",
            "target": "设立先锋岗3个",
        },
    )
    branch_task = Task.objects.get(kind="party")
    assert branch_task.organization == cast.branch_a
    # submitted, then acknowledged by the 工委
    unit_side.post(reverse("integration:plan-step", args=[plan.code]), {"action": "submit"})
    client_for(cast.committee_admin).post(
        reverse("integration:plan-step", args=[plan.code]), {"action": "acknowledge"}
    )
    plan.refresh_from_db()
    assert plan.state == "acknowledged"
    # the plan page shows both kinds side by side
    body = unit_side.get(reverse("integration:plan-detail", args=[plan.code])).content.decode()
    assert 'id="column-party"' in body and 'id="column-business"' in body and 'id="column-integrated"' in body
    assert "政务服务事项网上可办" in body and "党员先锋岗" in body and "要点 1" in body


def test_unit_cannot_acknowledge_its_own_plan(client_for, cast, today):
    plan = make_plan(cast, state="submitted")
    response = client_for(cast.secretary_a).post(
        reverse("integration:plan-step", args=[plan.code]), {"action": "acknowledge"}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.state == "submitted"


def test_returning_a_plan_needs_a_reason(client_for, cast, today):
    plan = make_plan(cast, state="submitted")
    response = client_for(cast.committee_admin).post(
        reverse("integration:plan-step", args=[plan.code]), {"action": "return", "comment": ""}
    )
    assert response.status_code == 422
    assert "退回时请填写理由" in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == "submitted"


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        pytest.param("2027-01-01", "完成时限须在计划年度（2026年）内", id="after_year_case"),
        pytest.param("2025-12-31", "完成时限须在计划年度（2026年）内", id="before_year_case"),
    ],
)
def test_task_deadline_outside_the_plan_year_is_refused(client_for, cast, today, deadline, message):
    plan = make_plan(cast)
    response = client_for(cast.secretary_a).post(
        reverse("integration:task-create", args=[plan.code]),
        {
            "kind": "party",
            "title": "主题党日",
            "owner_kind": "person",
            "person": "张三",
            "deadline": deadline,
            "target": "12次",
        },
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Task.objects.exists()


def test_owner_must_belong_to_the_unit(client_for, cast, today):
    plan = make_plan(cast)
    other = Department.objects.create(unit=cast.unit_b, name="乙局办公室")
    response = client_for(cast.secretary_a).post(
        reverse("integration:task-create", args=[plan.code]),
        {
            "kind": "business",
            "title": "任务",
            "owner_kind": "department",
            "department": other.code,
            "deadline": "2026-06-30",
            "target": "完成",
        },
    )
    assert response.status_code == 422
    assert not Task.objects.exists()


def test_tasks_of_a_submitted_plan_cannot_be_added(client_for, cast, today):
    plan = make_plan(cast, state="submitted")
    response = client_for(cast.secretary_a).post(
        reverse("integration:task-create", args=[plan.code]),
        {
            "kind": "party",
            "title": "任务",
            "owner_kind": "person",
            "person": "张三",
            "deadline": "2026-06-30",
            "target": "完成",
        },
    )
    assert response.status_code == 422
    assert "计划已报送，调整任务请先“调整计划”" in response.content.decode()


def test_outsider_gets_404_on_the_plan(client_for, cast, today):
    plan = make_plan(cast)
    client = client_for(cast.outsider_b)
    assert client.get(reverse("integration:plan-detail", args=[plan.code])).status_code == 404
    response = client.post(reverse("integration:plan-step", args=[plan.code]), {"action": "submit"})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.state == "draft"


def test_progress_with_evidence_starts_the_task(client_for, cast, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = make_task(make_plan(cast), target_value=12, measure="次")
    pdf = SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n% progress\n", content_type="application/pdf")
    response = client_for(cast.secretary_a).post(
        reverse("integration:progress-create", args=[task.code]),
        {
            "reported_on": "2026-11-20",
            "text": "已召开支部党员大会10次",
            "percent": "80",
            "value_reached": "10",
            "file": pdf,
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    row = TaskProgress.objects.get(task=task)
    assert (task.state, task.percent, task.value_reached) == ("in_progress", 80, 10)
    assert Evidence.objects.get(kind="integration.progress", object_id=row.pk).original_name == "记录.pdf"
    assert AuditEntry.objects.filter(event="integration.task_progress").count() == 1


def test_progress_on_a_finished_task_is_refused(client_for, cast, today):
    task = make_task(make_plan(cast), state="done", percent=100)
    response = client_for(cast.secretary_a).post(
        reverse("integration:progress-create", args=[task.code]),
        {"reported_on": "2026-11-20", "text": "补充", "percent": "100"},
    )
    assert response.status_code == 422
    assert "任务已完成，不能再填报进展；如需继续办理，请先“重新办理”" in response.content.decode()
    assert not TaskProgress.objects.exists()


def test_branch_takes_its_task_but_not_the_plan(client_for, cast, today):
    from ronghe.accounts.choices import Role
    from tests.factories import UserFactory, grant

    branch_secretary = UserFactory(username="branch_a_sec")
    grant(branch_secretary, Role.BRANCH_SECRETARY, cast.branch_a)
    plan = make_plan(cast)
    task = make_task(plan, owner_kind="branch", person="", branch=cast.branch_a, organization=cast.branch_a)
    client = client_for(branch_secretary)
    # the branch sees and starts its task
    assert client.get(reverse("integration:task-detail", args=[task.code])).status_code == 200
    client.post(reverse("integration:task-step", args=[task.code]), {"action": "start"})
    task.refresh_from_db()
    assert task.state == "in_progress"
    # the plan itself is the unit's
    assert client.get(reverse("integration:plan-detail", args=[plan.code])).status_code == 404


def test_overdue_tasks_on_the_list_and_the_home_to_do(client_for, cast, today):
    plan = make_plan(cast)
    make_task(plan, title="逾期的任务", deadline=date(2026, 11, 23))
    make_task(plan, title="今天到期的任务", deadline=date(2026, 11, 24))
    make_task(plan, title="已完成的任务", deadline=date(2026, 3, 1), state="done")
    client = client_for(cast.secretary_a)
    body = client.get(reverse("integration:overdue-list")).content.decode()
    assert "逾期的任务" in body and "逾期 1 天" in body
    assert "今天到期的任务" not in body and "已完成的任务" not in body
    home = client.get(reverse("home:home")).content.decode()
    assert "逾期未完成的工作任务 1 项" in home
    # unit B's staff see none of A's
    assert (
        "逾期的任务"
        not in client_for(cast.outsider_b).get(reverse("integration:overdue-list")).content.decode()
    )


def test_overdue_list_query_count_is_constant(client_for, cast, today):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = make_plan(cast)
    make_task(plan, deadline=date(2026, 1, 5))
    client = client_for(cast.committee_admin)
    client.get(reverse("integration:overdue-list"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("integration:overdue-list"))
    for i in range(10):
        make_task(plan, title=f"任务{i}", deadline=date(2026, 2, i + 1))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("integration:overdue-list"))
    assert len(large) == len(small)


def test_api_progress_and_refusal(client_for, cast, today):
    task = make_task(make_plan(cast))
    client = client_for(cast.secretary_a)
    response = client.post(
        f"/api/v1/integration/tasks/{task.code}/progress",
        {"text": "完成一半", "percent": 50},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["state"], response.json()["percent"]) == ("in_progress", 50)
    Task.objects.filter(pk=task.pk).update(state="done")
    refused = client.post(
        f"/api/v1/integration/tasks/{task.code}/progress", {"text": "再报"}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == "任务已完成，不能再填报进展；如需继续办理，请先“重新办理”"
    assert TaskProgress.objects.count() == 1


def test_api_plans_and_tasks_are_scoped(client_for, cast, today):
    plan_a = make_plan(cast)
    make_task(plan_a, deadline=date(2026, 5, 1))
    make_task(make_plan(cast, unit=cast.unit_b), title="乙局任务")
    client = client_for(cast.secretary_a)
    plans = client.get("/api/v1/integration/plans?year=2026").json()
    assert [(p["unit"], p["tasks_total"], p["tasks_overdue"]) for p in plans] == [("甲局", 1, 1)]
    tasks = client.get("/api/v1/integration/tasks?year=2026&overdue=true").json()
    assert [t["title"] for t in tasks] == ["落实“三会一课”"]
    detail = client.get(f"/api/v1/integration/plans/{plan_a.code}").json()
    assert detail["tasks"][0]["overdue"] is True
