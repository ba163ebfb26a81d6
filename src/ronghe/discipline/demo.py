"""Demo step: 纪检 in the demo county — discipline bodies, a few clues and cases in every state, and
two sanctions other modules feel without seeing them:

- a 严重警告 on a 班子成员 of one branch (`capped_branch`), in force through last year and this one: the
  branch's star rating is vetoed ("班子成员受处分（一票否决）");
- a 警告 on one member (`blocked_member`), in force today: a selection's eligibility refuses them
  (the selections demo finds them with `blocked_member(county)`).

Everything goes through the services as the demo `jijian` login, dated back from the county's `today`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ronghe.accounts.models import User
from ronghe.demo.generator import County, step
from ronghe.discipline import services
from ronghe.discipline.choices import (
    CaseAction,
    CaseSource,
    CommitteeKind,
    CommitteeTitle,
    RiskLevel,
    SanctionKind,
)
from ronghe.discipline.models import Case
from ronghe.members.choices import MemberStatus
from ronghe.members.models import Member
from ronghe.orgs.choices import OfficerPost, OrgKind
from ronghe.orgs.models import Officer, Organization

# (post, risk, level, measures, review months)
RISKS = (
    (
        "财务报销审核岗",
        "报销凭证审核把关不严，存在虚列、套取资金风险",
        RiskLevel.HIGH,
        "双人审核、负责人审批；每季度抽查报销凭证",
        3,
    ),
    (
        "政府采购岗",
        "采购需求设置倾向性条款，与供应商不当接触",
        RiskLevel.HIGH,
        "采购需求集体研究；全程留痕；采购人员定期轮岗",
        6,
    ),
    ("行政审批窗口", "超时限办理、吃拿卡要", RiskLevel.MEDIUM, "一次性告知；办理时限公开；群众评价", 6),
    ("人事管理岗", "干部选拔任用程序执行不到位", RiskLevel.MEDIUM, "严格执行民主推荐、考察、公示程序", 12),
    ("公务用车管理岗", "公车私用", RiskLevel.LOW, "车辆定位管理；出车登记", 12),
)


def _jijian() -> User | None:
    return User.objects.filter(username="jijian").first()


def _secretary_branch() -> Organization | None:
    from ronghe.accounts.models import RoleAssignment

    row = RoleAssignment.objects.filter(user__username="secretary").select_related("organization").first()
    return row.organization if row else None


def blocked_member(county: County) -> Member:
    """The member whose 警告 blocks a nomination: the first 正式党员 (by id) without a 党内职务 of the
    demo `secretary`'s branch, other than the demo `member` login's own record."""
    branch = _secretary_branch() or county.branches[0]
    own = User.objects.filter(username="member").values_list("member_id", flat=True).first()
    return (
        Member.objects.filter(organization=branch, status=MemberStatus.FULL, party_post="")
        .exclude(pk=own or 0)
        .order_by("id")
        .first()
        or Member.objects.filter(organization=branch, status=MemberStatus.FULL).order_by("id")[0]
    )


def capped_branch(county: County) -> tuple[Organization, Member] | None:
    """The branch whose rating the sanction vetoes, and its sanctioned 班子成员: the first branch by path
    (not the demo secretary's) with a non-secretary officer in post since before last year."""
    since = date(county.today.year - 1, 1, 1)
    avoid = _secretary_branch()
    for branch in sorted(county.branches, key=lambda b: b.path):
        if avoid is not None and branch.pk == avoid.pk:
            continue
        officer = (
            Officer.objects.filter(organization=branch, ended_on__isnull=True, started_on__lte=since)
            .exclude(post__in=[OfficerPost.SECRETARY, OfficerPost.DISCIPLINE])
            .select_related("member")
            .order_by("id")
            .first()
        )
        if officer is not None:
            return branch, officer.member
    return None


def _run(
    actor: User,
    member: Member,
    today: date,
    received: date,
    path: list[tuple[str, int, dict[str, object]]],
    source: str = CaseSource.LETTER,
    summary: str = "",
) -> Case:
    case = services.receive_clue(
        actor=actor,
        member=member,
        source=source,
        received_on=received,
        summary=summary or "群众来信反映该同志违反中央八项规定精神。",
        today=today,
    )
    for action, days, extra in path:
        on = min(received + timedelta(days=days), today)
        kwargs = dict(extra)
        if "starts_on" in kwargs:
            kwargs["starts_on"] = on
        services.advance_case(actor=actor, case=case, action=action, on=on, today=today, **kwargs)  # type: ignore[arg-type]
    return case


@step
def demo_discipline(county: County, rng: random.Random) -> None:
    actor = _jijian()
    if actor is None or not county.branches:
        return
    today = county.today
    last_year = today.year - 1

    # discipline bodies: a 机关纪委 at each 机关党委, a 纪检委员 at each 党总支, with their members
    tops = list(
        Organization.objects.filter(
            parent=county.committee, kind__in=[OrgKind.PARTY_COMMITTEE, OrgKind.GENERAL_BRANCH]
        )
        .select_related("unit")
        .order_by("path")
    )
    for top in tops[:12]:
        unit_name = top.unit.name if top.unit else top.name
        if top.kind == OrgKind.PARTY_COMMITTEE:
            kind, name, size = CommitteeKind.COMMISSION, f"中共{unit_name}机关纪律检查委员会", 3
        else:
            kind, name, size = CommitteeKind.COMMISSIONER, f"{unit_name}党总支纪检委员", 1
        committee = services.create_committee(actor=actor, organization=top, kind=kind, name=name)
        seated = Member.objects.filter(
            organization__path__startswith=top.path, status=MemberStatus.FULL, party_post__in=["纪检委员", ""]
        ).order_by("-party_post", "id")[:size]
        for i, m in enumerate(seated):
            title = CommitteeTitle.SECRETARY if i == 0 and size > 1 else CommitteeTitle.MEMBER
            services.add_seat(
                actor=actor, committee=committee, member=m, title=title, started_on=date(last_year, 1, 5)
            )

    # the 班子成员 whose 严重警告 vetoes their branch's rating (last year and this)
    capped = capped_branch(county)
    if capped is not None:
        _branch, officer = capped
        _run(
            actor,
            officer,
            today,
            date(last_year, 1, 10),
            [
                (CaseAction.VERIFY, 10, {}),
                (CaseAction.FILE, 30, {"comment": "初核发现违规收受礼金的问题属实，予以立案。"}),
                (
                    CaseAction.SANCTION,
                    60,
                    {
                        "comment": "经审查，违反廉洁纪律，给予严重警告处分。",
                        "kind": SanctionKind.SERIOUS_WARNING,
                        "starts_on": True,
                        "document_number": f"纪发〔{last_year}〕3号",
                    },
                ),
                (CaseAction.CLOSE, 75, {}),
            ],
            summary="反映该同志在节日期间收受管理服务对象礼金。",
        )

    # the member a selection will refuse: a 警告 in force today
    member = blocked_member(county)
    received = today - timedelta(days=150)
    _run(
        actor,
        member,
        today,
        received,
        [
            (CaseAction.VERIFY, 10, {}),
            (CaseAction.FILE, 30, {"comment": "初核属实，予以立案。"}),
            (
                CaseAction.SANCTION,
                90,
                {
                    "comment": "违反工作纪律，给予警告处分。",
                    "kind": SanctionKind.WARNING,
                    "starts_on": True,
                    "document_number": f"纪发〔{today.year}〕7号",
                },
            ),
            (CaseAction.CLOSE, 100, {}),
        ],
        summary="反映该同志在项目验收中不认真履职，造成损失。",
    )

    # more clues, in every state, on other members of the county
    others = list(
        Member.objects.filter(status=MemberStatus.FULL, party_post="").exclude(pk=member.pk).order_by("id")
    )
    picks = [others[int(i * len(others) / 5)] for i in range(1, 5)] if len(others) >= 5 else others[:4]
    plans: list[tuple[list[tuple[str, int, dict[str, object]]], str, str]] = [
        ([], CaseSource.LETTER, "反映该同志上班时间经常脱岗。"),
        (
            [(CaseAction.VERIFY, 5, {})],
            CaseSource.INSPECTION,
            "巡察移交：该同志分管领域存在违规发放津补贴问题。",
        ),
        (
            [
                (CaseAction.VERIFY, 5, {}),
                (CaseAction.CONCLUDE, 25, {"comment": "经初核，反映问题查无实据，予以了结。"}),
            ],
            CaseSource.LETTER,
            "反映该同志违规经商办企业。",
        ),
        (
            [
                (CaseAction.VERIFY, 5, {}),
                (
                    CaseAction.HANDLE,
                    20,
                    {"comment": "情节轻微，予以诫勉。", "kind": SanctionKind.ADMONITION, "starts_on": True},
                ),
            ],
            CaseSource.AUDIT,
            "审计发现该同志经手的合同审批手续不全。",
        ),
    ]
    for i, (m, (path, source, summary)) in enumerate(zip(picks, plans, strict=False)):
        _run(actor, m, today, today - timedelta(days=20 + 15 * i), path, source=source, summary=summary)

    # 廉政风险点 of the first units' top organizations; two past their review
    for i, (post, risk, level, measures, months) in enumerate(RISKS):
        top = tops[i % len(tops)] if tops else county.committee
        created = services.create_risk(
            actor=actor,
            organization=top,
            post=post,
            description=risk,
            level=level,
            measures=measures,
            owner="分管副局长" if level == RiskLevel.HIGH else "科室负责人",
            review_months=months,
            today=today - timedelta(days=30 * months + (20 if i < 2 else -20)),
        )
        if i == 2:
            services.review_risk(
                actor=actor,
                risk=created,
                reviewed_on=today - timedelta(days=10),
                level=level,
                note="措施落实到位，未发现问题。",
                today=today,
            )
