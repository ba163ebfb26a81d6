"""The side navigation (a template context processor): one entry per page area, shown by permission.

It lives in `home`, above every domain app, because it names their URLs; core names none. A new
app adds its entries to `NAVIGATION`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, TypedDict, cast

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from ronghe.core.scope import has_perm_anywhere
from ronghe.core.types import Actor
from ronghe.orglife.queries import last_todo_count

if TYPE_CHECKING:
    from ronghe.accounts.models import User

# The side navigation in groups: (group label, [(label, url name, permission)]). An entry shows when the
# user holds the permission somewhere; "public" shows to everyone signed in; "self.member" needs
# `self.view` and a linked 党员 record (self-service pages). Entries whose URL does not exist are skipped.
NAVIGATION: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        "",
        [
            ("工作台", "home:home", "public"),
            ("数据看板", "home:dashboard", "orglife.view"),
            ("通知公告", "notices:notice-list", "self.view"),
            ("我的导出", "exports:job-list", "public"),
        ],
    ),
    (
        "党组织与党员",
        [
            ("党组织", "orgs:organization-list", "orgs.view"),
            ("单位", "orgs:unit-list", "orgs.view"),
            ("组织预警", "orgs:warning-list", "orgs.view"),
            ("党员名册", "members:member-list", "members.view"),
            ("组织关系转接", "members:transfer-list", "members.view"),
            ("党员统计", "members:member-statistics", "members.view"),
            ("政治生日", "member_io:birthdays", "members.view"),
            ("导入名册", "member_io:import", "members.import"),
            ("导出名册", "member_io:export", "members.export"),
        ],
    ),
    (
        "组织生活",
        [
            ("会议记录", "orglife:meeting-list", "orglife.view"),
            ("待办事项", "orglife:todo", "orglife.view"),
            ("落实情况", "orglife:compliance", "orglife.view"),
            ("双重组织生活", "orglife:leaders", "orglife.view"),
            ("组织生活要求", "orglife:requirement-list", "orglife.manage_requirements"),
        ],
    ),
    (
        "统计报告",
        [
            ("党内统计", "reports:party-statistics", "members.view"),
            ("年度工作报告", "reports:annual-list", "reports.view"),
        ],
    ),
    (
        "党员积分",
        [
            ("我的积分", "points:my-points", "self.member"),
            ("我的申报", "points:claim-list", "self.member"),
            ("申报审核", "points:claim-review", "points.approve"),
            ("积分排名", "points:ranking", "points.view"),
            ("积分方案", "points:scheme-list", "points.view"),
            ("年度评定", "points:year-end", "points.manage_scheme"),
        ],
    ),
    (
        "发展党员",
        [
            ("发展党员纪实", "recruitment:case-list", "recruitment.view"),
            ("全县概况", "recruitment:county", "recruitment.view"),
            ("导入发展名单", "recruitment:import", "recruitment.import"),
        ],
    ),
    (
        "党费",
        [
            ("我的党费", "dues:my-dues", "self.member"),
            ("收缴登记", "dues:collection", "dues.view"),
            ("欠交党费", "dues:arrears", "dues.view"),
            ("少交免交", "dues:relief-list", "dues.view"),
            ("收缴报表", "dues:statement", "dues.view"),
            ("年度公布", "dues:publication", "dues.view"),
            ("导入工资表", "dues:import", "dues.import"),
            ("党费设置", "dues:settings", "dues.manage"),
        ],
    ),
    (
        "学习教育",
        [
            ("我的学习", "education:my-learning", "self.member"),
            ("培训班", "education:class-list", "education.view"),
            ("学时完成情况", "education:hours", "education.view"),
            ("学习资料", "education:material-list", "education.view"),
            ("外部培训审核", "education:external-review", "education.edit"),
            ("政治生日仪式", "education:birthday-list", "education.view"),
            ("学习强国排名", "education:study-ranking", "education.view"),
            ("导入学习强国", "education:study-import", "education.edit"),
            ("党务干部配备", "education:staffing", "education.view"),
            ("学时要求", "education:policy", "education.manage"),
        ],
    ),
    (
        "联系服务",
        [
            ("我的志愿服务", "outreach:my-volunteering", "self.member"),
            ("我的问卷", "outreach:my-surveys", "self.member"),
            ("志愿服务", "outreach:activity-list", "outreach.view"),
            ("志愿服务先锋队", "outreach:team-list", "outreach.view"),
            ("问卷调查", "outreach:survey-list", "outreach.view"),
            ("结对联系", "outreach:pairing-list", "outreach.view"),
        ],
    ),
    (
        "评星与评审",
        [
            ("评星定级", "ratings:campaign-list", "ratings.view"),
            ("评委评分", "judging:panel-list", "judging.score"),
            ("联审", "jointreview:review-list", "review.discipline"),
            ("公示", "publicity:publication-list", "self.view"),
            ("整改事项", "rectification:item-list", "orgs.view"),
        ],
    ),
    (
        "评选表彰与品牌",
        [
            ("评选表彰", "selections:campaign-list", "selections.view"),
            ("我的荣誉", "selections:my-honours", "self.member"),
            ("党建品牌", "selections:brand-list", "selections.view"),
            ("示范点", "selections:site-list", "selections.view"),
            ("创新案例", "selections:case-list", "self.view"),
        ],
    ),
    (
        "纪检监察",
        [
            ("问题线索和案件", "discipline:case-list", "discipline.view"),
            ("廉政风险点", "discipline:risk-list", "discipline.view"),
            ("纪检组织", "discipline:committee-list", "discipline.view"),
        ],
    ),
    (
        "同步部署与点评",
        [
            ("工作要点", "integration:work-point-list", "integration.view"),
            ("工作计划", "integration:plan-list", "integration.view"),
            ("工作任务", "integration:task-list", "integration.view"),
            ("逾期任务", "integration:overdue-list", "integration.view"),
            ("同步点评", "integration:review-list", "integration.view"),
        ],
    ),
    (
        "融合考核",
        [
            ("融合考核", "assessment:campaign-list", "assessment.view"),
            ("业务指标", "assessment:kpi-list", "assessment.view"),
            ("述职评议", "assessment:round-list", "assessment.view"),
            ("党员先锋岗", "assessment:vanguard-list", "assessment.view"),
        ],
    ),
    (
        "系统管理",
        [
            ("用户账户", "accounts:user-list", "users.manage"),
            ("角色授权", "accounts:role-list", "roles.grant"),
            ("接口令牌", "accounts:token-list", "tokens.manage"),
            ("动态口令", "accounts:otp-list", "security.policy"),
            ("审计日志", "audit:entry-list", "audit.view"),
        ],
    ),
]


def _todo_badge(request: HttpRequest, user: Actor) -> int:
    """Open organizational-life items (overdue, due soon, before year end) for those who record them,
    as last counted by the home page or the to-do page: no query."""
    if not has_perm_anywhere(user, "orglife.edit"):
        return 0
    return last_todo_count(cast("User", user), timezone.localdate())


# Counts next to an entry, by URL name: the user's open items there.
BADGES: dict[str, Callable[[HttpRequest, Actor], int]] = {"orglife:todo": _todo_badge}


class NavItem(TypedDict):
    label: str
    url: str
    active: bool
    badge: int  # a count shown next to the label (0: none)


class NavGroup(TypedDict):
    label: str
    items: list[NavItem]


def _allowed(user: Actor, perm: str) -> bool:
    if perm == "public":
        return True
    if perm == "self.member":
        return getattr(user, "member_id", None) is not None and has_perm_anywhere(user, "self.view")
    return has_perm_anywhere(user, perm)


@lru_cache(maxsize=512)
def _url(name: str, prefix: str, urlconf: str) -> str | None:
    """The entry's URL, reversed once per process (per script prefix and URL configuration, which are
    all it depends on): some thirty reverses on every page were a good part of rendering the side bar."""
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict[str, list[NavGroup]]:
    """`nav_groups` for the side bar: [{label, items: [{label, url, active}]}], empty groups left out.

    The active entry is the one whose URL is the longest prefix of the current path, so a detail page
    (/members/<code>/) lights up its list (/members/).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": []}
    groups: list[NavGroup] = []
    for group_label, entries in NAVIGATION:
        items: list[NavItem] = []
        for label, name, perm in entries:
            if not _allowed(user, perm):
                continue
            url = _url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
            if url is None:
                continue
            badge = BADGES[name](request, user) if name in BADGES else 0
            items.append({"label": label, "url": url, "active": False, "badge": badge})
        if items:
            groups.append({"label": group_label, "items": items})
    path = request.path
    best: NavItem | None = None
    for group in groups:
        for item in group["items"]:
            url = item["url"]
            if (path == url or (url != "/" and path.startswith(url))) and (
                best is None or len(url) > len(best["url"])
            ):
                best = item
    if best is not None:
        best["active"] = True
    return {"nav_groups": groups}
