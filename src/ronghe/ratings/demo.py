"""Demo step: a finished 2025 star-rating campaign and the current year's in progress.

Everything goes through the services (so history, audit, 联审, 公示 and results stay consistent).
2025 used an earlier scheme where judges also scored 支部建设 (no records of that year exist in the
demo to derive it); the current year's scheme derives it from organizational life, 换届 and the
committee. Levels spread like the seed: a few 5★, most 3–4★, some ≤3★ with improvement plans; last
year's 5★ are being re-checked; branches sit at every step of this year's campaign.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ronghe.accounts.choices import Role
from ronghe.accounts.models import RoleAssignment, User
from ronghe.core.evidence import services as evidence
from ronghe.core.jointreview import services as jointreview
from ronghe.core.judging import services as judging
from ronghe.core.publicity import services as publicity
from ronghe.core.scoring import levels
from ronghe.core.scoring.choices import IndicatorKind
from ronghe.core.scoring.models import Campaign, Dimension, Indicator, Scheme
from ronghe.demo.generator import County, step
from ronghe.orglife.models import Meeting
from ronghe.ratings import rules, services
from ronghe.ratings.choices import EntryState
from ronghe.ratings.models import Entry, Recheck

PDF = b"%PDF-1.4\n% demo self-assessment\n"
# Branches taken through the steps per campaign, whatever the county's size: each step is a service
# call with its history and audit rows, so a 1M-member county (30,000 branches) keeps a bounded demo
# time. The rest of a large county simply did not apply (they are listed, as in a real first year).
DRIVEN_MAX = 240
TIERS: tuple[
    tuple[float, dict[str, float]], ...
] = (  # share of branches, and the judges' scores around which they land
    (
        0.12,
        {
            "political_study": 14,
            "style": 14,
            "satisfaction": 95,
            "work_results": 18,
            "brand": 9,
            "innovation": 1,
        },
    ),
    (
        0.50,
        {
            "political_study": 13,
            "style": 13,
            "satisfaction": 88,
            "work_results": 16.5,
            "brand": 6,
            "innovation": 0,
        },
    ),
    (
        0.25,
        {
            "political_study": 12.5,
            "style": 11,
            "satisfaction": 82,
            "work_results": 14,
            "brand": 5,
            "innovation": 0,
        },
    ),
    (
        0.13,
        {
            "political_study": 10,
            "style": 10,
            "satisfaction": 70,
            "work_results": 12,
            "brand": 4,
            "innovation": 0,
        },
    ),
)


def _tier(rng: random.Random) -> dict[str, float]:
    roll, acc = rng.random(), 0.0
    for share, scores in TIERS:
        acc += share
        if roll < acc:
            return scores
    return TIERS[-1][1]


def _sheet(
    rng: random.Random, base: dict[str, float], panel_indicators: list[dict[str, str]]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for ind in panel_indicators:
        code, high = ind["code"], Decimal(ind["max"] or "100")
        centre = base.get(code, float(high) * 0.8)
        if code == "innovation":
            out[code] = str(int(centre))
            continue
        value = Decimal(str(round(centre + rng.uniform(-0.8, 0.8), 1)))
        out[code] = str(max(Decimal("0"), min(high, value)))
    return out


def _judges(county: County) -> list[User]:
    judges = list(User.objects.filter(username="judge"))
    for n in (2, 3):
        user, created = User.objects.get_or_create(
            username=f"judge{n}", defaults={"display_name": f"评委{n}", "is_demo": False}
        )
        if created:
            user.set_unusable_password()
            user.save()
            RoleAssignment.objects.create(user=user, role=Role.JUDGE, organization=county.committee)
        judges.append(user)
    return judges


def _with_branch_building(scheme_year: int, scheme: Scheme) -> None:
    """2025's scheme: 支部建设 scored by the judges instead of derived from records."""
    Indicator.objects.filter(scheme=scheme, kind=IndicatorKind.DERIVED).delete()
    Indicator.objects.create(
        scheme=scheme,
        dimension=Dimension.objects.get(scheme=scheme, code="solid"),
        code="branch_building",
        name="支部建设（组织生活、班子、换届）",
        kind=IndicatorKind.ENTERED,
        points=Decimal("0"),
        weight=Decimal("1"),
        floor=Decimal("0"),
        ceiling=Decimal("20"),
        order=6,
    )
    rules_dict = scheme.level_rules
    for star in rules_dict["stars"]:
        if star["code"] == "solid":
            star["criteria"] = [{"ref": "branch_building", "op": ">=", "value": "16"}]
    scheme.level_rules = rules_dict
    scheme.description = f"{scheme_year} 年度方案：支部建设由评委评分（次年起改为按记录自动采集）。"
    scheme.save(update_fields=["level_rules", "description", "updated_at"])


def _attach_pdf(entry: Entry, actor: User, year: int) -> None:
    upload = SimpleUploadedFile(f"{year}年度自评材料.pdf", PDF, content_type="application/pdf")
    evidence.attach_file(
        actor=actor,
        kind=rules.ENTRY,
        object_id=entry.pk,
        organization=entry.organization,
        upload=upload,
        permission="ratings.apply",
    )


def _attach_meeting(entry: Entry, actor: User) -> bool:
    meeting = Meeting.objects.filter(organization=entry.organization).order_by("-held_at").first()
    if meeting is None:
        return False
    evidence.attach_link(
        actor=actor,
        kind=rules.ENTRY,
        object_id=entry.pk,
        organization=entry.organization,
        link_kind="orglife.meeting",
        link_id=meeting.pk,
        permission="ratings.apply",
    )
    return True


def _apply(
    entry: Entry, admin: User, rng: random.Random, base: dict[str, float], pdf_year: int | None
) -> None:
    guess = 5 if base["innovation"] else rng.choice([3, 4, 4])
    services.save_self_assessment(
        actor=admin,
        entry=entry,
        applied_level=guess,
        self_scores={
            "political_study": Decimal(str(base["political_study"])),
            "brand": Decimal(str(base["brand"])),
        },
        summary="全年严格落实“三会一课”，围绕中心工作开展主题党日和志愿服务，党建与业务同部署同考核。",
    )
    if pdf_year is not None or not _attach_meeting(entry, admin):
        _attach_pdf(entry, admin, pdf_year or entry.campaign.year)
    services.apply(actor=admin, entry=entry)


def _score(
    campaign: Campaign, entry: Entry, judges: list[User], rng: random.Random, base: dict[str, float]
) -> None:
    panel = services.panel_of(campaign)
    subject = panel.subjects.get(key=str(entry.pk))
    for judge in judges:
        row = judging.judge_row(panel, judge)
        if row is None or judging.recused(row, subject):
            continue
        judging.submit_sheet(
            actor=judge,
            panel=panel,
            subject=subject,
            scores=_sheet(rng, base, panel.indicators),
            comment="材料翔实，特色鲜明。",
        )


def _driven(campaign: Campaign) -> list[Entry]:
    """Up to DRIVEN_MAX entries spread evenly over the county (all of them in a small county)."""
    entries = list(
        Entry.objects.filter(campaign=campaign).select_related("organization", "campaign").order_by("id")
    )
    if len(entries) <= DRIVEN_MAX:
        return entries
    stride = len(entries) / DRIVEN_MAX
    return [entries[int(i * stride)] for i in range(DRIVEN_MAX)]


@step
def demo_ratings(county: County, rng: random.Random) -> None:
    admin = User.objects.filter(username="gwadmin").first()
    jijian = User.objects.filter(username="jijian").first()
    if admin is None or jijian is None:
        return
    this_year = county.today.year
    last_year = this_year - 1
    judges = _judges(county)
    scores: dict[int, dict[str, float]] = {}

    # ---- last year: from opening to naming, with the follow-up of ≤3★ branches
    scheme = services.seed_default_scheme(organization=county.committee, year=last_year, actor=admin)
    _with_branch_building(last_year, scheme)
    old = services.open_campaign(
        actor=admin,
        organization=county.committee,
        year=last_year,
        scheme=scheme,
        timetable={
            "apply": date(last_year, 11, 20),
            "check": date(last_year, 11, 30),
            "evaluate": date(last_year, 12, 20),
        },
    )
    for judge in judges:
        services.add_judge(actor=admin, campaign=old, judge=judge)
    for entry in _driven(old):
        if rng.random() < 0.06:  # a few branches never applied
            continue
        base = _tier(rng) | {"branch_building": 17 if rng.random() < 0.7 else 13}
        scores[entry.organization_id] = base
        _apply(entry, admin, rng, base, last_year)
        services.check(actor=admin, entry=entry, approve=True)
        _score(old, entry, judges, rng, base)
        services.evaluate(actor=admin, entry=entry, vetoes={"discipline_case": rng.random() < 0.01})
    services.propose(actor=admin, campaign=old, due_on=max(county.today, timezone.localdate()))
    jointreview.give_opinion(
        actor=jijian, review=services.review_of(old), department="discipline", verdict="agree"
    )
    services.publish(actor=admin, campaign=old, starts_on=min(date(this_year, 1, 5), county.today))
    publicity.close(
        actor=admin, publication=services.publication_of(old), today=max(county.today, timezone.localdate())
    )
    services.name(actor=admin, campaign=old)
    low = list(
        Entry.objects.filter(
            campaign=old, state=EntryState.NAMED, current_level__lte=rules.FOLLOW_UP_MAX_LEVEL
        )
        .select_related("organization", "campaign")
        .order_by("organization__path")
    )
    for i, entry in enumerate(low[: max(1, len(low) * 2 // 3)]):
        late = i % 3 == 0  # a third of the plans are past their deadline
        services.start_follow_up(
            actor=admin,
            entry=entry,
            leader="分管副局长",
            measures="每月开展一次主题党日；补齐支部委员；与先进支部结对共建。",
            owner="支部书记",
            due_on=max(county.today, timezone.localdate()) + timedelta(days=60),
        )
        if late:
            from ronghe.core.rectification.models import Item

            Item.objects.filter(kind=rules.ENTRY, object_id=entry.pk).update(
                due_on=county.today - timedelta(days=10)
            )

    # ---- this year: in progress
    current = services.seed_default_scheme(organization=county.committee, year=this_year, actor=admin)
    campaign = services.open_campaign(
        actor=admin,
        organization=county.committee,
        year=this_year,
        scheme=current,
        timetable={
            "apply": county.today - timedelta(days=2),
            "check": county.today + timedelta(days=14),
            "evaluate": county.today + timedelta(days=24),
        },
        quotas=[levels.Quota(5, Decimal("15"))],
    )
    for judge in judges:
        services.add_judge(actor=admin, campaign=campaign, judge=judge)
    secretary_branch = (
        RoleAssignment.objects.filter(user__username="secretary", role=Role.BRANCH_SECRETARY)
        .values_list("organization__path", flat=True)
        .first()
    )
    for i, entry in enumerate(_driven(campaign)):
        if secretary_branch and entry.organization.path.startswith(secretary_branch):
            continue  # the demo secretary's branch is left for the journey: still to self-assess
        stage = i % 10
        if stage < 3:
            continue  # not yet applied (and late: the deadline passed two days ago)
        base = scores.get(entry.organization_id) or _tier(rng)
        _apply(entry, admin, rng, base, None)
        if stage < 5:
            continue  # waiting for the unit's 初审
        services.check(actor=admin, entry=entry, approve=True)
        if stage < 7:
            continue  # at the 工委's evaluation, judges still scoring
        _score(campaign, entry, judges, rng, base)
        if stage < 9:
            continue
        services.evaluate(actor=admin, entry=entry)
    rechecks = list(
        Recheck.objects.filter(campaign=campaign).select_related("previous").order_by("organization__path")
    )
    for n, recheck in enumerate(rechecks[: len(rechecks) // 2]):
        if n % 3 == 2 and recheck.previous.stars:
            services.decide_recheck(
                actor=admin,
                recheck=recheck,
                keep=False,
                comment="复核发现党建创新项目未持续开展",
                star="品牌示范星" if "品牌示范星" in recheck.previous.stars else recheck.previous.stars[-1],
            )
        else:
            services.decide_recheck(actor=admin, recheck=recheck, keep=True, comment="复核合格")
