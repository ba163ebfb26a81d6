"""Demo step: last year's “五个十佳” finished with ten winners per category, this year's “两优一先·优秀
共产党员” at judging (the demo judge still has sheets to fill), brands with logos, demonstration sites
and innovation cases.

Everything goes through the services, so eligibility is checked from the records: a member with a
处分 in force (the discipline demo) or a branch below the stars is refused and another nominee taken.
"""

from __future__ import annotations

import random
import struct
import zlib
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core.errors import DomainError
from ronghe.core.evidence import services as evidence
from ronghe.core.jointreview import services as jointreview
from ronghe.core.publicity import services as publicity
from ronghe.core.scoring import levels
from ronghe.core.scoring.models import Campaign
from ronghe.demo.generator import County, step
from ronghe.members.choices import MemberStatus
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.selections import brands, defaults, rules, services
from ronghe.selections.models import Brand, Nomination

PER_CATEGORY = 13  # nominees per category: ten win, three do not
BRAND_NAMES = (
    "红色引擎",
    "先锋领航",
    "初心驿站",
    "党旗映山河",
    "同心圆",
    "清风廉韵",
    "数智先锋",
    "为民服务站",
)
LECTURES = (
    "学习贯彻党的二十届三中全会精神",
    "深入学习贯彻习近平新时代中国特色社会主义思想",
    "以党建引领推动业务高质量发展",
    "弘扬伟大建党精神",
    "纪律教育专题党课",
)
SITES = ("党员活动室", "党建文化长廊", "红色书屋", "党员先锋岗示范窗口", "廉政教育基地")
CASES = (
    ("“党建+业务”双融双促工作法", "数字化,党建+业务"),
    ("支部建在项目上：重点工程一线的临时党支部", "临时党组织,项目"),
    ("“三结对五联系”推动党员下沉社区", "结对共建,基层治理"),
    ("党员积分与绩效考核同步运用", "积分,考核"),
    ("廉政风险点清单化管理", "廉政,风险防控"),
)


def png(color: tuple[int, int, int], size: int = 48) -> bytes:
    """A one-color square PNG (the demo logos)."""
    row = b"\x00" + bytes(color) * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _judges() -> list[User]:
    return list(User.objects.filter(username__in=["judge", "judge2", "judge3"]).order_by("username"))


def _brands(county: County, admin: User, rng: random.Random) -> None:
    """一局一品牌: one brand per unit's top organization, a few branch features, each with a logo."""
    tops = list(
        Organization.objects.filter(parent=county.committee, unit__isnull=False, is_active=True).order_by(
            "path"
        )
    )
    for i, org in enumerate(tops):
        name = f"{BRAND_NAMES[i % len(BRAND_NAMES)]}·{org.unit.name if org.unit else org.name}"
        brand = brands.register_brand(
            actor=admin,
            organization=org,
            name=name[:60],
            meaning="以党建品牌引领业务工作，做到党建与业务同部署、同推进、同考核。",
        )
        color = (150 + rng.randrange(100), rng.randrange(60), rng.randrange(60))
        evidence.attach_file(
            actor=admin,
            kind=rules.BRAND,
            object_id=brand.pk,
            organization=org,
            upload=SimpleUploadedFile(f"{name}标识.png", png(color), content_type="image/png"),
            permission="selections.nominate",
            note="品牌标识",
        )
    for i, branch in enumerate(county.branches[: max(3, len(county.branches) // 8)]):
        brands.register_brand(
            actor=admin,
            organization=branch,
            name=f"{BRAND_NAMES[(i + 3) % len(BRAND_NAMES)]}支部特色",
            meaning="一支部一特色：结合处室业务开展特色活动。",
        )


def _sites_and_cases(county: County, admin: User, rng: random.Random) -> None:
    levels_ = (("county", "县委组织部"), ("city", "市直机关工委"), ("province", "省直机关工委"))
    for i, branch in enumerate(rng.sample(county.branches, min(6, len(county.branches)))):
        level, named_by = levels_[i % 3]
        brands.name_site(
            actor=admin,
            organization=branch,
            name=f"{branch.name}{SITES[i % len(SITES)]}",
            level=level,
            named_by=named_by,
            starts_on=date(county.today.year - 1 - i % 2, 7, 1),
            ends_on=date(county.today.year + 2, 6, 30),
            description="规范化建设示范，承担全县现场观摩。",
        )
    for i, (title, tags) in enumerate(CASES):
        branch = county.branches[(i * 7) % len(county.branches)]
        case = brands.submit_case(
            actor=admin, organization=branch, title=title, summary=f"{title}：做法、成效与经验。", tags=tags
        )
        if i < len(CASES) - 1:  # the last one still waits for review
            brands.review_case(actor=admin, case=case, publish=True, comment="经验可复制推广")


def _nominate(
    campaign: Campaign, admin: User, county: County, rng: random.Random, count: int
) -> list[Nomination]:
    """Nominees of the campaign's kind across the units, within each unit's quota; an ineligible one
    is refused by the rules (the failure is the point of the rule) and the next candidate tried."""
    kind = campaign.selection.subject_kind
    branches = list(county.branches)
    if kind == "organization":  # a unit's Party organization as well as its branches
        branches += list(
            Organization.objects.filter(parent=county.committee, unit__isnull=False, is_active=True).order_by(
                "path"
            )
        )
    rng.shuffle(branches)
    out: list[Nomination] = []
    if kind == "brand":
        pool = list(Brand.objects.order_by("pk"))
        rng.shuffle(pool)
        for brand in pool[: count * 3]:
            if len(out) >= count:
                break
            try:
                out.append(
                    services.nominate(
                        actor=admin, campaign=campaign, brand=brand, summary="品牌内涵鲜明，带动业务提升。"
                    )
                )
            except DomainError:
                continue
        return out
    tries = 0
    for branch in branches * 3:
        if len(out) >= count or tries > count * 8:
            break
        tries += 1
        try:
            if kind == "member":
                members = list(
                    Member.objects.filter(organization=branch, status=MemberStatus.FULL)
                    .exclude(pk__in=[n.member_id for n in out])
                    .order_by("pk")[:20]
                )
                if not members:
                    continue
                member = rng.choice(members)
                n = services.nominate(
                    actor=admin,
                    campaign=campaign,
                    member=member,
                    summary=f"{member.name}同志立足岗位、带头示范，事迹突出。",
                )
            elif kind == "organization":
                n = services.nominate(
                    actor=admin,
                    campaign=campaign,
                    organization=branch,
                    summary="档案规范齐全，台账管理示范。",
                )
            else:
                names = LECTURES if kind == "lecture" else SITES
                n = services.nominate(
                    actor=admin,
                    campaign=campaign,
                    organization=branch,
                    title=f"{names[len(out) % len(names)]}（{branch.name}）"[:100],
                    summary="内容充实，形式新颖，效果良好。",
                )
        except DomainError:
            continue
        out.append(n)
    return out


def _score(
    campaign: Campaign, nominees: list[Nomination], judges: list[User], rng: random.Random, every: bool = True
) -> None:
    from ronghe.core.judging import services as judging

    panel = services.panel_of(campaign)
    quality = {n.pk: rng.uniform(0.6, 0.95) for n in nominees}
    for judge in judges if every else judges[1:]:
        row = judging.judge_row(panel, judge)
        for subject in panel.subjects.all():
            if row is not None and judging.recused(row, subject):
                continue
            q = quality[int(subject.key)]
            scores = {}
            for ind in panel.indicators:
                top = float(ind["max"])
                value = round(top * (q + rng.uniform(-0.08, 0.08)))
                scores[ind["code"]] = str(max(0, min(int(top), value)))
            judging.submit_sheet(actor=judge, panel=panel, subject=subject, scores=scores)


@step
def demo_selections(county: County, rng: random.Random) -> None:
    admin = User.objects.filter(username="gwadmin").first()
    jijian = User.objects.filter(username="jijian").first()
    judges = _judges()
    if admin is None or jijian is None or not judges or not county.branches:
        return
    today = max(county.today, timezone.localdate())
    last_year = county.today.year - 1
    _brands(county, admin, rng)
    _sites_and_cases(county, admin, rng)
    quota = max(2, -(-PER_CATEGORY // max(1, len(county.units))))

    # ---- last year's 五个十佳: every category from opening to announcement
    for cat in defaults.FIVE_TENS:
        eligibility = rules.Eligibility.from_dict(cat.eligibility)
        if cat.subject_kind == "member":
            eligibility = rules.Eligibility(
                full_member=True, no_sanction=True
            )  # no 5A grades kept for last year
        campaign = services.open_campaign(
            actor=admin,
            organization=county.committee,
            year=last_year,
            category=cat.code,
            places=10,
            unit_quota=quota,
            timetable={"nominate": date(last_year, 11, 15), "judge": date(last_year, 12, 10)},
            aggregation=levels.TRIMMED_MEAN,
            tie_rule=levels.TIES_INCLUDE,
            eligibility=eligibility,
        )
        for judge in judges:
            services.add_judge(actor=admin, campaign=campaign, judge=judge)
        nominees = _nominate(campaign, admin, county, rng, PER_CATEGORY)
        if not nominees:
            continue
        services.start_judging(actor=admin, campaign=campaign)
        _score(campaign, nominees, judges, rng)
        services.propose(actor=admin, campaign=campaign, due_on=today)
        review = services.review_of(campaign)
        if review is not None:
            jointreview.give_opinion(actor=jijian, review=review, department="discipline", verdict="agree")
        services.publish(
            actor=admin, campaign=campaign, starts_on=min(date(county.today.year, 1, 5), county.today)
        )
        publication = services.publication_of(campaign)
        if publication is not None:
            publicity.close(actor=admin, publication=publication, today=today + timedelta(days=1))
        services.announce(actor=admin, campaign=campaign)

    # ---- this year's 两优一先·优秀共产党员 at judging; 五个十佳·精品党课 still taking nominations
    year = county.today.year
    current = services.open_campaign(
        actor=admin,
        organization=county.committee,
        year=year,
        category="excellent_member",
        places=10,
        unit_quota=quota,
        timetable={"nominate": county.today - timedelta(days=3), "judge": county.today + timedelta(days=10)},
        eligibility=rules.Eligibility(full_member=True, no_sanction=True),
    )
    for judge in judges:
        services.add_judge(actor=admin, campaign=current, judge=judge)
    nominees = _nominate(current, admin, county, rng, PER_CATEGORY)
    if nominees:
        services.start_judging(actor=admin, campaign=current)
        _score(current, nominees, judges, rng, every=False)  # the demo judge has not scored yet
    services.open_campaign(
        actor=admin,
        organization=county.committee,
        year=year,
        category="lecture",
        places=10,
        unit_quota=quota,
        timetable={"nominate": county.today + timedelta(days=20), "judge": county.today + timedelta(days=40)},
    )
