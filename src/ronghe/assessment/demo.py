"""Demo step: a finished 2025 融合考核 and this year's in progress.

Every unit of the county has KPIs for both years with results reported by the business system's
token (last year's annual figures, this year's quarters so far); last year's 述职评议 was voted by
the attendees on their phones and finalized; this year's round is prepared. Business strength is
drawn per unit independently of its Party building, so the quadrant shows units in every corner.
Everything goes through the services (history, audit, idempotency keys).
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.conf import settings

from ronghe.accounts.choices import Role
from ronghe.accounts.models import RoleAssignment, User
from ronghe.assessment import debriefs, kpis, services
from ronghe.core.voting import services as voting
from ronghe.demo.generator import County, step

# (code, name, unit of measure, direction, target range, weight)
KPIS = (
    ("key_projects", "重点项目完成数", "项", "higher", (8, 30), 3),
    ("budget", "预算执行率", "%", "higher", (95, 100), 2),
    ("service", "政务服务好评率", "%", "higher", (96, 99), 2),
    ("accidents", "安全生产事故", "起", "lower", (0, 0), 1),
)
STRENGTHS = (0.6, 0.72, 0.85, 0.95, 1.0, 1.05)  # share of the targets a unit reaches
ATTENDEES = 24


def _login(username: str, label: str, role: str, org_id: int, county: County, scope: str) -> User:
    user = User(username=username, display_name=label, is_demo=True)
    user.set_password(settings.RONGHE_DEMO_PASSWORD)
    user.save()
    RoleAssignment.objects.create(user=user, role=role, organization_id=org_id)
    county.logins.append((label, username, scope))
    return user


def _value(direction: str, target: Decimal, strength: float, rng: random.Random, share: float) -> Decimal:
    if direction == "lower":
        return Decimal(0 if strength >= 0.85 or rng.random() < 0.5 else rng.randint(1, 2))
    reached = float(target) * share * min(strength * rng.uniform(0.96, 1.04), 1.1)
    return Decimal(str(round(reached, 1)))


@step
def demo_assessment(county: County, rng: random.Random) -> None:
    admin = User.objects.filter(username="gwadmin").first()
    unit_admin = (
        RoleAssignment.objects.filter(user__username="unitadmin").select_related("organization").first()
    )
    if admin is None:
        return
    units = sorted(services.units_under(county.committee), key=lambda pair: pair[0].name)
    if not units:
        return
    this_year = county.today.year
    last_year = this_year - 1
    if unit_admin is not None:
        _login(
            "leader",
            "单位领导",
            Role.UNIT_LEADER,
            unit_admin.organization_id,
            county,
            unit_admin.organization.name,
        )
    erp = _login(
        "erp", "业务系统接口", Role.BUSINESS_SYSTEM, county.committee.pk, county, "报送业务指标完成值"
    )

    strength = {unit.pk: rng.choice(STRENGTHS) for unit, _ in units}
    quarters_done = (county.today.month - 1) // 3  # quarters closed this year
    for unit, _org in units:
        for year in (last_year, this_year):
            for code, name, measure, direction, (low, high), weight in KPIS:
                target = Decimal(rng.randint(low, high))
                kpis.define_kpi(
                    actor=admin,
                    unit=unit,
                    year=year,
                    data={
                        "code": code,
                        "name": name,
                        "target": target,
                        "measure": measure,
                        "direction": direction,
                        "weight": weight,
                    },
                )
                periods = (
                    [(str(year), 1.0)]
                    if year == last_year
                    else [(f"{year}Q{q}", q / 4) for q in range(1, quarters_done + 1)]
                )
                for period, share in periods:
                    kpis.record_result(
                        actor=erp,
                        unit_code=str(unit.code),
                        kpi_code=code,
                        period=period,
                        value=_value(direction, target, strength[unit.pk], rng, share),
                        source_system="县政务绩效管理系统",
                        idempotency_key=f"demo-{unit.pk}-{code}-{period}",
                    )

    # ---- last year's 述职评议: voted on phones, counted, finalized
    names = debriefs.secretaries_of([u for u, _ in units])
    rnd = debriefs.create_round(
        actor=admin,
        organization=county.committee,
        year=last_year,
        title=f"{last_year}年度党组织书记抓基层党建述职评议",
        held_on=date(last_year, 12, 26),
        secretaries=[(u, *names.get(u.pk, (f"{u.short_name or u.name}书记", "党组书记"))) for u, _ in units],
    )
    debriefs.open_vote(actor=admin, rnd=rnd, minutes=60)
    rnd.refresh_from_db()
    assert rnd.ballot is not None
    speakers = list(rnd.debriefs.all())
    leaning = {d.pk: rng.choice((0.75, 0.55, 0.4, 0.25)) for d in speakers}  # share voting 好
    attendees = User.objects.bulk_create(
        User(username=f"attendee{i:02d}", display_name=f"述职评议参会人员{i:02d}", is_active=True)
        for i in range(1, ATTENDEES + 1)
    )
    for attendee in attendees:
        choices = {}
        for d in speakers:
            x = rng.random()
            good = leaning[d.pk]
            choices[str(d.pk)] = (
                "good" if x < good else "fair_good" if x < good + 0.3 else "average" if x < 0.97 else "poor"
            )
        voting.cast(user=attendee, ballot=rnd.ballot, choices=choices)
    User.objects.filter(pk__in=[a.pk for a in attendees]).update(is_active=False)
    debriefs.count_votes(actor=admin, rnd=rnd)
    debriefs.finalize_round(actor=admin, rnd=rnd)

    # ---- this year's round is prepared for the end of the year
    debriefs.create_round(
        actor=admin,
        organization=county.committee,
        year=this_year,
        title=f"{this_year}年度党组织书记抓基层党建述职评议",
        held_on=date(this_year, 12, 28),
        secretaries=[(u, *names.get(u.pk, (f"{u.short_name or u.name}书记", "党组书记"))) for u, _ in units],
    )

    # ---- 先锋岗 and 突击队 on this year's KPIs: some achieved, some under way
    _vanguards(county, rng, this_year)

    # ---- last year's assessment finished; this year's computed so far, not final
    old = services.open_assessment(
        actor=admin, organization=county.committee, year=last_year, party_weight=30
    )
    # Organizational life was not yet recorded on the platform last year: the 工委 leaves it out.
    services.update_rules(
        actor=admin,
        campaign=old,
        party_weight=30,
        indicator_weights={
            "ratings.star_mean": "0.40",
            "orglife.compliance_rate": "0",
            "assessment.debrief": "0.30",
        },
        unit_lines={4: 90, 3: 80, 2: 60},
        arules=services.settings_of(old),
    )
    services.evaluate(actor=admin, campaign=old, today=date(last_year, 12, 31))
    services.finalize(actor=admin, campaign=old)
    current = services.open_assessment(
        actor=admin, organization=county.committee, year=this_year, party_weight=30
    )
    services.evaluate(actor=admin, campaign=current, today=county.today)


VANGUARD_NAMES = (
    ("post", "窗口服务党员先锋岗", "service"),
    ("commando", "重点项目攻坚党员突击队", "key_projects"),
    ("area", "安全生产党员责任区", "accidents"),
)


def _vanguards(county: County, rng: random.Random, year: int) -> None:
    from ronghe.assessment import vanguards
    from ronghe.assessment.models import KpiDefinition
    from ronghe.members.models import Member
    from ronghe.orgs.models import Organization

    admin = User.objects.get(username="gwadmin")
    branches = [b for b in county.branches if b.unit_id][:40]
    people: dict[int, list[int]] = {}
    for pk, org_id in Member.objects.filter(organization__in=branches).values_list("pk", "organization_id"):
        people.setdefault(org_id, []).append(pk)
    kpis = {(k.unit_id, k.code): k for k in KpiDefinition.objects.filter(year=year)}
    for i, branch in enumerate(branches):
        if not people.get(branch.pk) or rng.random() < 0.4:
            continue
        kind, name, code = VANGUARD_NAMES[i % len(VANGUARD_NAMES)]
        org = Organization.objects.get(pk=branch.pk)
        post = vanguards.create(
            actor=admin,
            organization=org,
            data={
                "kind": kind,
                "name": name,
                "year": year,
                "kpi": kpis.get((branch.unit_id or 0, code)),
                "goal": "亮身份、作表率，确保完成年度目标任务。",
            },
            member_ids=rng.sample(people[branch.pk], min(len(people[branch.pk]), rng.randint(3, 6))),
        )
        first = vanguards.add_milestone(
            actor=admin, vanguard=post, title="制定攻坚方案", due_on=date(year, 3, 31)
        )
        vanguards.complete_milestone(
            actor=admin, milestone=first, done_on=min(date(year, 3, 28), county.today)
        )
        if rng.random() < 0.5:
            vanguards.close(
                actor=admin,
                vanguard=post,
                achieved=True,
                result="提前完成节点目标，服务对象满意度明显提升。",
                on=min(date(year, 10, 30), county.today),
            )
        else:
            vanguards.add_milestone(
                actor=admin, vanguard=post, title="年底总结验收", due_on=date(year, 12, 31)
            )
