"""Derived branch indicators of 支部评星定级: values the platform already records, read for a year
through each owning app's queries/facts module (style.md §3), never its tables.

A rating scheme (`core/scoring`, purpose branch_stars) references an indicator by its code; the
ratings app calls `branch_values` once for all the branches it rates. Every value carries a short
Chinese explanation and the page that shows the records behind it for that branch.

Codes of modules not built yet are declared (so schemes may reference them) but not fed: their
value is None, "暂无数据" (none at present: every declared code is fed).

What "no data" gives (documented for the scheme author):
- orglife.compliance_rate: None when no obligation of the year was judged yet (none due, or the
  branch has no requirement); otherwise met / (met + overdue) × 100, as the compliance page.
- orgs.election_on_time: None when no last election is on record or the kind holds no elections.
- orgs.committee_complete: None for a branch without active members; otherwise 1 or 0.
- points.average, points.share_5a: None when no member of the branch has a result for the year.
- points.claims_approved: a count, 0 when there is none.
- assessment.vanguard_achieved: a count of the branch's 先锋岗/突击队/责任区 achieved in the year, 0 when none.
- education.hours_completion: None for a branch without active members; otherwise the share of its
  active members (whole subtree) whose 学时 of the year reached their requirement (32, or 56 for
  secretaries and committee members, `education.EducationPolicy`) × 100.
- outreach.survey_satisfaction: None when no closed 满意度 survey of the year has respondents in the
  branch, or fewer than five (anonymity); otherwise 满意 + 非常满意 over all 1–5 answers × 100.
- dues.paid_rate: None when no 党费 month of the year was due for the branch yet (no records, or all
  exempt); otherwise months paid in their month or ahead (按月/预交, not 补交) over months due × 100,
  counting complete months only (`dues.queries.collection_by_organization`).
- selections.honours: a count, 0 when none: the honours the organization itself received in the
  year's selections (评选 of that year, announced; its members' own honours are not counted).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from uuid import UUID

from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils import timezone

from ronghe.dues import queries as dues_queries
from ronghe.education import queries as education_queries
from ronghe.orglife import facts as orglife_facts
from ronghe.orgs import queries as orgs_queries
from ronghe.outreach import queries as outreach_queries
from ronghe.points import queries as points_queries
from ronghe.selections import queries as selections_queries

NO_DATA = "暂无数据"
YES, NO = Decimal(1), Decimal(0)


@dataclass(frozen=True)
class DerivedIndicator:
    code: str
    name: str
    unit: str
    feeds: bool  # False: declared for schemes, its module is not built yet (value None)


@dataclass(frozen=True)
class DerivedValue:
    value: Decimal | None
    detail: str  # a short Chinese explanation of the value
    url: str  # the page showing the records behind it ("" when there is none)


INDICATORS: dict[str, DerivedIndicator] = {
    i.code: i
    for i in (
        DerivedIndicator("orglife.compliance_rate", "组织生活落实率", "%", True),
        DerivedIndicator("orgs.election_on_time", "按期换届", "是/否", True),
        DerivedIndicator("orgs.committee_complete", "班子配备齐全", "是/否", True),
        DerivedIndicator("points.average", "党员平均积分", "分", True),
        DerivedIndicator("points.share_5a", "5A 党员占比", "%", True),
        DerivedIndicator("points.claims_approved", "积分申报通过数", "件", True),
        DerivedIndicator("assessment.vanguard_achieved", "党员先锋岗、突击队任务完成数", "个", True),
        DerivedIndicator("education.hours_completion", "党员教育培训学时完成率", "%", True),
        DerivedIndicator("dues.paid_rate", "党费按时足额交纳率", "%", True),
        DerivedIndicator("outreach.survey_satisfaction", "群众满意度", "%", True),
        DerivedIndicator("selections.honours", "获评表彰次数", "次", True),
    )
}


@lru_cache(maxsize=1024)
def _reverse(name: str, code: UUID | None, prefix: str, urlconf: str | None) -> str:
    return django_reverse(name, kwargs={"code": code}) if code is not None else django_reverse(name)


def reverse(name: str, kwargs: dict[str, UUID] | None = None) -> str:
    """`django.urls.reverse` remembered per name (and organization code): every branch's values
    link to the same few pages, and reversing them anew each time was a tenth of a county's rating."""
    return _reverse(name, (kwargs or {}).get("code"), get_script_prefix(), get_urlconf())


def _no_link(name: str, kwargs: dict[str, UUID] | None = None) -> str:
    return ""


Linker = Callable[..., str]


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part * 100) / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def branch_values(
    year: int, organization_ids: Sequence[int], *, today: date | None = None, links: bool = True
) -> dict[int, dict[str, DerivedValue]]:
    """Every derived indicator (`INDICATORS`) of each organization of `organization_ids` for `year`:
    {organization id: {code: DerivedValue}}. Unknown ids are left out.

    A fixed number of queries whatever the number of branches (about twenty-five for a set of branches:
    orgs 3, orglife's compliance about 9 — once more per nesting level when a 总支 and its 支部 are
    both asked —, points 2, 先锋岗 1, dues 1, 学时 5, 满意度 3, 表彰 1). The term and officers are judged as of the year's last day, or today while
    the year runs (a term due later this year is not overdue yet); `today` is for tests.
    `links=False` does not reverse the pages' paths (the values' `url`s are then not links), for a
    caller that shows none (a preview of levels): the first reverse imports every page's and API's
    module — a second and a half in a fresh process — to make strings nobody reads.
    """
    today = today or timezone.localdate()
    link: Linker = reverse if links else _no_link
    as_of = min(date(year, 12, 31), today)
    ids = list(dict.fromkeys(organization_ids))
    standing = orgs_queries.standing(ids, as_of)
    ids = [pk for pk in ids if pk in standing]
    tallies = orglife_facts.compliance_by_organization(ids, year, today)
    points = points_queries.points_by_organization(ids, year)
    # 先锋岗 are kept by the assessment app, a floor above: read through its query, imported here only.
    from ronghe.assessment import vanguards

    vanguard = vanguards.achieved_by_organization(ids, year)
    dues = dues_queries.collection_by_organization(ids, year, today)
    hours = education_queries.completion_by_organization(ids, year, as_of)
    satisfaction = outreach_queries.satisfaction_by_organization(ids, year)
    honours = selections_queries.organization_honours(ids, year)
    out: dict[int, dict[str, DerivedValue]] = {}
    for pk in ids:
        st = standing[pk]
        values = {
            "orglife.compliance_rate": _compliance(tallies.get(pk), st.code, year, link),
            "orgs.election_on_time": _election(st, as_of, link),
            "orgs.committee_complete": _committee(st, link),
            **_points(points[pk], st.code, year, link),
            "assessment.vanguard_achieved": DerivedValue(
                Decimal(vanguard.get(pk, 0)),
                f"{year} 年完成党员先锋岗、突击队等任务 {vanguard.get(pk, 0)} 个",
                link("assessment:vanguard-list") + f"?org={st.code}&year={year}",
            ),
            "dues.paid_rate": _dues(dues[pk], st.code, year, link),
            "education.hours_completion": _hours(hours.get(pk), st.code, year, link),
            "outreach.survey_satisfaction": _satisfaction(satisfaction.get(pk), year, link),
            "selections.honours": _honours(honours.get(pk, []), st.code, year, link),
        }
        for code, indicator in INDICATORS.items():
            if not indicator.feeds:
                values[code] = DerivedValue(None, NO_DATA, "")
        out[pk] = values
    return out


def _hours(done: education_queries.Completion | None, code: UUID, year: int, link: Linker) -> DerivedValue:
    # The 学时 page of the branch for the year lists each member's hours against the requirement.
    url = link("education:hours") + f"?org={code}&year={year}"
    if done is None or done.members == 0:
        return DerivedValue(None, "支部没有在册党员", url)
    return DerivedValue(
        done.percent,
        f"在册党员 {done.members} 人，{done.completed} 人达到年度学时要求（共 {done.hours} 学时）",
        url,
    )


def _honours(names: list[str], code: UUID, year: int, link: Linker) -> DerivedValue:
    # The organization page lists its honours (selections' record section).
    url = link("orgs:organization-detail", kwargs={"code": code})
    if not names:
        return DerivedValue(Decimal(0), f"{year} 年度评选未获表彰", url)
    return DerivedValue(
        Decimal(len(names)), f"{year} 年度评选获表彰 {len(names)} 次：{'、'.join(names)}", url
    )


def _satisfaction(found: outreach_queries.Satisfaction | None, year: int, link: Linker) -> DerivedValue:
    url = link("outreach:survey-list")
    if found is None or found.respondents == 0:
        return DerivedValue(None, f"{year} 年没有已结束的满意度问卷", url)
    if found.percent is None:
        return DerivedValue(None, f"满意度问卷答卷 {found.respondents} 人，不足 5 人，为保护匿名不计算", url)
    return DerivedValue(
        found.percent, f"满意度问卷答卷 {found.respondents} 人，满意及非常满意占 {found.percent}%", url
    )


def _compliance(tally: orglife_facts.Tally | None, code: UUID, year: int, link: Linker) -> DerivedValue:
    # The drill-down page of the branch for the year shows this very tally and rate.
    url = link("orglife:compliance") + f"?org={code}&year={year}"
    if tally is None or tally.met + tally.overdue == 0:
        return DerivedValue(None, f"{year} 年尚无到期的组织生活要求", url)
    judged = tally.met + tally.overdue
    return DerivedValue(
        _percent(tally.met, judged), f"已到期 {judged} 项要求，按要求开展 {tally.met} 项", url
    )


def _election(st: orgs_queries.Standing, as_of: date, link: Linker) -> DerivedValue:
    # The organization page shows the last election, the term and the 换届 warning.
    url = link("orgs:organization-detail", kwargs={"code": st.code})
    if st.election_on_time is None or st.election_due is None:
        return DerivedValue(None, "未登记上次换届日期，无法判断是否按期换届", url)
    if st.election_on_time:
        detail = f"上次换届 {st.last_election_on:%Y-%m-%d}，任期 {st.term_years} 年，{st.election_due:%Y-%m-%d} 届满，截至 {as_of:%Y-%m-%d} 未逾期"
        return DerivedValue(YES, detail, url)
    detail = f"任期已于 {st.election_due:%Y-%m-%d} 届满，截至 {as_of:%Y-%m-%d} 未换届"
    return DerivedValue(NO, detail, url)


def _committee(st: orgs_queries.Standing, link: Linker) -> DerivedValue:
    # The organization page lists the officers and the size warnings.
    url = link("orgs:organization-detail", kwargs={"code": st.code})
    if st.members == 0:
        return DerivedValue(None, "支部暂无党员", url)
    needs = "应设支部委员会（3–7人）" if st.full_members >= 7 else "不设支部委员会，设书记"
    secretary = "有书记" if st.has_secretary else "无书记"
    detail = f"正式党员 {st.full_members} 人，{needs}；现有班子成员 {st.committee_size} 人，{secretary}"
    return DerivedValue(YES if st.officers_complete else NO, detail, url)


def _points(
    p: points_queries.OrganizationPoints, code: UUID, year: int, link: Linker
) -> dict[str, DerivedValue]:
    # The ranking page of the branch for the year lists its members' totals and grades, each
    # opening to the member's ledger (claims included).
    url = link("points:ranking") + f"?org={code}&year={year}"
    claims = DerivedValue(
        Decimal(p.claims_approved), f"{year} 年活动的申报审核通过 {p.claims_approved} 件", url
    )
    if p.members == 0:
        none = DerivedValue(None, f"{year} 年暂无党员积分结果", url)
        return {"points.average": none, "points.share_5a": none, "points.claims_approved": claims}
    return {
        "points.average": DerivedValue(p.average, f"{p.members} 名党员，总积分 {p.total}", url),
        "points.share_5a": DerivedValue(p.share_5a, f"{p.members} 名党员中 5A {p.five_a} 人", url),
        "points.claims_approved": claims,
    }


def _dues(c: dues_queries.Collection, code: UUID, year: int, link: Linker) -> DerivedValue:
    # The 收缴报表 of the branch for the year shows the months behind it.
    url = link("dues:statement") + f"?org={code}&year={year}"
    if c.due == 0:
        return DerivedValue(None, f"{year} 年尚无应交党费的记录", url)
    detail = f"应交 {c.due} 人次（不含免交），按时交纳 {c.on_time} 人次，补交 {c.paid - c.on_time} 人次"
    return DerivedValue(_percent(c.on_time, c.due), detail, url)
