"""发展党员 use-cases: each step refused with the rule's message and nothing written; admission
creates the 预备党员 record; 转正/延长/取消 continue on the members status flow."""

from __future__ import annotations

from dataclasses import replace  # noqa: F401
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.workflow.models import History
from ronghe.members.choices import MemberStatus, StatusAction
from ronghe.members.models import Member
from ronghe.recruitment import process, rules, services
from ronghe.recruitment.choices import Action, FullOutcome, Stage
from ronghe.recruitment.models import RecruitmentCase, RecruitmentStep
from tests.factories import MemberFactory, valid_id_number
from tests.recruitment import flow

pytestmark = pytest.mark.django_db


def test_an_application_records_step_one_and_the_age_from_the_id(cast):
    # when
    case = flow.apply(cast)
    # then
    case = RecruitmentCase.objects.get(pk=case.pk)
    assert (case.stage, case.birth_date, case.gender) == (Stage.APPLICANT, date(2000, 5, 10), "女")
    assert case.id_number_masked.endswith("************")
    assert list(case.steps.values_list("number", "done_on")) == [(1, date(2023, 3, 1))]
    assert History.objects.filter(process=process.CASE_PROCESS.name, object_id=case.pk).count() == 1


@pytest.mark.parametrize(
    ("_case", "applied_on", "refused"),
    [("day before", date(2018, 5, 9), True), ("birthday", date(2018, 5, 10), False)],
)
def test_an_applicant_under_eighteen_is_refused(cast, _case, applied_on, refused):
    if refused:
        with pytest.raises(InvalidInput) as exc:
            flow.apply(cast, applied_on=applied_on)
        assert exc.value.errors == {
            "applied_on": [
                "年满十八岁方可申请入党（细则第五条）：申请日 2018-05-09 时未满18周岁，最早可于 2018-05-10 申请"
            ]
        }
        assert not RecruitmentCase.objects.exists()
    else:
        assert flow.apply(cast, applied_on=applied_on).pk


def test_the_same_person_twice_is_refused(cast):
    number = valid_id_number(date(2000, 5, 10), "女")
    services.create_case(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        name="甲",
        id_number=number,
        applied_on=date(2023, 3, 1),
    )
    with pytest.raises(DomainError, match="此人已有发展党员纪实"):
        services.create_case(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            name="甲",
            id_number=number,
            applied_on=date(2023, 3, 1),
        )


def test_an_application_goes_to_a_branch(cast):
    with pytest.raises(DomainError, match="入党申请应向党支部提出"):
        services.create_case(
            actor=cast.secretary_a,
            organization=cast.org_a,
            name="甲",
            id_number=valid_id_number(),
            applied_on=date(2023, 3, 1),
        )


def test_outsider_cannot_register_in_another_subtree(cast):
    with pytest.raises(PermissionDenied):
        flow.apply(replace_secretary(cast))
    assert not RecruitmentCase.objects.exists()


def replace_secretary(cast):  # noqa: ANN001, ANN201
    class Other:
        pass

    other = Other()
    other.__dict__.update(cast.__dict__)
    other.secretary_a = cast.outsider_b
    return other


def test_a_late_talk_is_refused_and_nothing_is_written(cast):
    case = flow.apply(cast)
    with pytest.raises(InvalidInput) as exc:
        services.record_step(
            actor=cast.secretary_a,
            case=case,
            action=Action.TALK,
            values={"talked_on": date(2023, 4, 2)},
            today=flow.TODAY,
        )
    assert exc.value.errors["talked_on"] == [
        "收到入党申请书后一个月内派人谈话（细则第七条）：应不晚于 2023-04-01，实际 2023-04-02"
    ]
    assert RecruitmentCase.objects.get(pk=case.pk).talked_on is None
    assert not RecruitmentStep.objects.filter(case=case, number=2).exists()


def test_the_whole_way_to_full_membership(cast):
    # given an applicant
    case = flow.apply(cast)
    # when every step is recorded up to the approval
    case = flow.through(cast, case, Action.APPROVE)
    # then the person is a 预备党员 in the roster, joined on the 支部大会 date
    member = Member.objects.get(pk=case.member_id)
    assert (member.status, member.joined_on, member.name) == (
        MemberStatus.PROBATIONARY,
        date(2024, 8, 16),
        "赵申请",
    )
    assert RecruitmentCase.objects.get(pk=case.pk).stage == Stage.PROBATIONARY
    # when the oath and 转正 follow
    case = flow.through(cast, case, Action.FULL, start=Action.OATH)
    # then 转正 is dated the end of the 预备期 on the members status flow
    member.refresh_from_db()
    assert (member.status, member.full_on) == (MemberStatus.FULL, date(2025, 8, 16))
    assert (
        History.objects.filter(
            process="members.status", object_id=member.pk, action=StatusAction.MAKE_FULL
        ).count()
        == 1
    )
    assert RecruitmentCase.objects.get(pk=case.pk).stage == Stage.FULL
    assert sorted(case.steps.values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        7,
        8,
        9,
        10,
        11,
        12,
        13,
        14,
        15,
        16,
        17,
        18,
        19,
        20,
        22,
        23,
        24,
    ]


def test_approval_by_a_general_branch_is_refused(cast):
    case = flow.through(cast, flow.apply(cast), Action.MEETING)
    kwargs = flow.approve_values(cast)
    kwargs["values"]["approver"] = cast.org_a  # 甲局总支
    with pytest.raises(InvalidInput) as exc:
        services.record_step(
            actor=cast.committee_admin, case=case, action=Action.APPROVE, today=flow.TODAY, **kwargs
        )
    assert exc.value.errors["approver"] == [
        "审批预备党员须由党委（工委）集体讨论决定，党总支、党支部不能审批（细则第二十三条）"
    ]
    assert RecruitmentCase.objects.get(pk=case.pk).stage == Stage.CANDIDATE
    assert not Member.objects.filter(name="赵申请").exists()


def test_a_secretary_cannot_approve(cast):
    case = flow.through(cast, flow.apply(cast), Action.MEETING)
    with pytest.raises(PermissionDenied):
        services.record_step(
            actor=cast.secretary_a,
            case=case,
            action=Action.APPROVE,
            today=flow.TODAY,
            **flow.approve_values(cast),
        )


def test_a_short_publicity_is_refused(cast):
    case = flow.through(cast, flow.apply(cast), Action.TALK)
    contact, _ = flow.people(cast)
    with pytest.raises(InvalidInput) as exc:
        services.record_step(
            actor=cast.secretary_a,
            case=case,
            action=Action.ACTIVIST,
            today=flow.TODAY,
            contacts=[contact],
            values={"activist_on": date(2023, 6, 1), "activist_filed_on": date(2023, 6, 10)},
            publicity=(date(2023, 6, 2), date(2023, 6, 7)),
        )
    assert exc.value.errors["publicity_activist"] == [
        "确定入党积极分子公示不少于5个工作日（本地规定）：2023-06-02 至 2023-06-07 仅 4 个工作日"
    ]
    assert RecruitmentCase.objects.get(pk=case.pk).stage == Stage.APPLICANT


def test_a_probationary_introducer_is_refused(cast):
    case = flow.through(cast, flow.apply(cast), Action.ACTIVIST)
    probationary = MemberFactory(
        name="钱预备", organization=cast.branch_a, status=MemberStatus.PROBATIONARY, full_on=None
    )
    with pytest.raises(InvalidInput) as exc:
        services.record_step(
            actor=cast.secretary_a,
            case=case,
            action=Action.CANDIDATE,
            today=flow.TODAY,
            introducers=[cast.member_a_record, probationary],
            values={"candidate_on": date(2024, 6, 3), "candidate_filed_on": date(2024, 6, 12)},
            publicity=(date(2024, 6, 4), date(2024, 6, 11)),
        )
    assert exc.value.errors["introducers"] == ["入党介绍人须为正式党员（细则第十四条）：钱预备不是正式党员"]


def test_extension_once_then_full_after_its_end(cast):
    case = flow.through(cast, flow.apply(cast), Action.OATH)
    extend = {
        "values": {
            "full_applied_on": date(2025, 7, 20),
            "full_meeting_on": date(2025, 8, 18),
            "full_outcome": FullOutcome.EXTEND,
            "extension_months": 6,
        },
        "publicity": (date(2025, 8, 19), date(2025, 8, 25)),
    }
    case = services.record_step(
        actor=cast.committee_admin, case=case, action=Action.FULL, today=flow.TODAY, **extend
    )
    case.refresh_from_db()
    assert (case.stage, case.extension_meeting_on, case.extension_months) == (
        Stage.PROBATIONARY,
        date(2025, 8, 18),
        6,
    )
    member = Member.objects.get(pk=case.member_id)
    assert member.status == MemberStatus.PROBATIONARY
    # a second extension is refused
    with pytest.raises(InvalidInput) as exc:
        services.record_step(
            actor=cast.committee_admin, case=case, action=Action.FULL, today=flow.TODAY, **extend
        )
    assert exc.value.errors["full_outcome"] == [
        "预备期只能延长一次（党章第七条）：延长期满只能转正或取消预备党员资格"
    ]
    # 转正 before the extension ends is refused
    early = {
        "values": {
            **flow.FULL["values"],
            "full_meeting_on": date(2026, 2, 15),
            "full_approved_on": date(2026, 2, 20),
        },
        "publicity": (date(2026, 2, 24), date(2026, 3, 2)),
    }
    with pytest.raises(InvalidInput) as exc:
        services.record_step(
            actor=cast.committee_admin, case=case, action=Action.FULL, today=flow.TODAY, **early
        )
    assert exc.value.errors["full_meeting_on"] == [
        "预备期满后方可讨论转正（党章第七条）：预备期至 2026-02-16 届满"
    ]
    # at the end of the extension: 转正, 党龄 from the end of the extension
    # (the 公示 after the Spring Festival: 24–28 February, the 28th a 调休 working Saturday)
    on_time = {
        "values": {
            **flow.FULL["values"],
            "full_meeting_on": date(2026, 2, 16),
            "full_approved_on": date(2026, 3, 2),
        },
        "publicity": (date(2026, 2, 24), date(2026, 2, 28)),
    }
    services.record_step(
        actor=cast.committee_admin, case=case, action=Action.FULL, today=flow.TODAY, **on_time
    )
    member.refresh_from_db()
    assert (member.status, member.full_on) == (MemberStatus.FULL, date(2026, 2, 16))


def test_cancel_probation(cast):
    case = flow.through(cast, flow.apply(cast), Action.OATH)
    cancel = {
        "values": {**flow.FULL["values"], "full_outcome": FullOutcome.CANCEL},
        "publicity": flow.FULL["publicity"],
    }
    services.record_step(
        actor=cast.committee_admin, case=case, action=Action.FULL, today=flow.TODAY, **cancel
    )
    assert RecruitmentCase.objects.get(pk=case.pk).stage == Stage.CANCELLED
    assert Member.objects.get(pk=case.member_id).status == MemberStatus.CANCELLED


def test_a_step_out_of_stage_is_refused(cast):
    case = flow.apply(cast)
    with pytest.raises(DomainError, match="当前阶段为“入党申请人”，不能办理“支部大会讨论接收”"):
        services.record_step(
            actor=cast.secretary_a,
            case=case,
            action=Action.MEETING,
            values={"admitted_on": date(2024, 1, 1)},
            today=flow.TODAY,
        )


def test_observation_dates(cast):
    case = flow.through(cast, flow.apply(cast), Action.ACTIVIST)
    with pytest.raises(DomainError, match="不能早于确定为入党积极分子的 2023-06-01"):
        services.add_observation(
            actor=cast.secretary_a,
            case=case,
            kind="assessment",
            on=date(2023, 5, 1),
            content="好",
            today=flow.TODAY,
        )
    row = services.add_observation(
        actor=cast.secretary_a,
        case=case,
        kind="report",
        on=date(2023, 9, 1),
        content="第三季度思想汇报",
        today=flow.TODAY,
    )
    assert row.case_id == case.pk


def test_the_refusal_names_each_field_in_chinese(cast):
    case = flow.apply(cast)
    with pytest.raises(InvalidInput) as exc:
        services.record_step(
            actor=cast.secretary_a,
            case=case,
            action=Action.TALK,
            values={"talked_on": date(2023, 4, 2)},
            today=flow.TODAY,
        )
    assert exc.value.message == (
        "谈话日期：收到入党申请书后一个月内派人谈话（细则第七条）：应不晚于 2023-04-01，实际 2023-04-02"
    )


def test_a_running_publicity_goes_on_the_platform(cast):
    from ronghe.core.publicity.models import Publication

    # given an applicant talked to, and a 公示 that ends after today
    case = flow.through(cast, flow.apply(cast), Action.TALK)
    contact, _ = flow.people(cast)
    # when the activist is confirmed on 2026-02-24 with a 公示 from 2026-02-25 to 2026-03-03 (today 2026-03-02)
    services.record_step(
        actor=cast.secretary_a,
        case=case,
        action=Action.ACTIVIST,
        today=flow.TODAY,
        contacts=[contact],
        values={"activist_on": date(2026, 2, 24), "activist_filed_on": date(2026, 2, 26)},
        publicity=(date(2026, 2, 25), date(2026, 3, 3)),
    )
    # then it is published for objections over the branch, with its working days
    publication = Publication.objects.get(kind=rules.CASE, object_id=case.pk)
    assert (publication.starts_on, publication.ends_on, publication.working_days) == (
        date(2026, 2, 25),
        date(2026, 3, 3),
        6,
    )
    assert publication.items[0]["label"] == "赵申请"


def test_a_publicity_already_over_is_only_recorded(cast):
    from ronghe.core.publicity.models import Publication

    flow.through(cast, flow.apply(cast), Action.ACTIVIST)
    assert not Publication.objects.exists()
