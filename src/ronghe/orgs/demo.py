"""Demo steps: committee posts from the generator's `party_post` data and party workers per unit; the units'
register (kind, credit code, leaders, departments)."""

from __future__ import annotations

import random

from ronghe.demo import names
from ronghe.demo.generator import County, step
from ronghe.members.models import Member
from ronghe.orgs.choices import POST_BY_LABEL, OrgKind, UnitKind, WorkerKind
from ronghe.orgs.models import Department, Leader, Officer, Organization, PartyWorker, Unit
from ronghe.orgs.rules import credit_check_character, required_full_time_workers


@step
def officers_and_party_workers(county: County, rng: random.Random) -> None:
    """Every member with a 党内职务 holds that post in their branch; about two units in three
    have enough full-time party workers (the rest show the 1% warning)."""
    elected = {o.pk: o.last_election_on or o.founded_on or county.today for o in county.branches}
    officers = [
        Officer(
            organization_id=m.organization_id,
            member_id=m.pk,
            post=POST_BY_LABEL[m.party_post],
            started_on=elected.get(m.organization_id, county.today),
        )
        for m in Member.objects.filter(party_post__in=POST_BY_LABEL).only(
            "pk", "organization_id", "party_post"
        )
    ]
    Officer.objects.bulk_create(officers, batch_size=2000)
    tops = (
        Organization.objects.filter(parent=county.committee, unit__isnull=False)
        .exclude(kind__in=[OrgKind.LEADING_GROUP, OrgKind.JOINT_BRANCH])
        .select_related("unit")
    )
    workers = []
    for top in tops:
        people = list(
            Member.objects.filter(organization__path__startswith=top.path, party_post="")
            .order_by("id")
            .values_list("pk", "name")[:6]
        )
        assert top.unit is not None  # unit__isnull=False above
        need = required_full_time_workers(top.unit.staff_count)
        full_time = need if rng.random() < 0.65 else max(0, need - 1)
        for i, (pk, name) in enumerate(people[: full_time + 2]):
            workers.append(
                PartyWorker(
                    organization=top,
                    member_id=pk,
                    name=name,
                    kind=WorkerKind.FULL_TIME if i < full_time else WorkerKind.PART_TIME,
                    started_on=county.today.replace(year=county.today.year - rng.randint(1, 6)),
                )
            )
    PartyWorker.objects.bulk_create(workers, batch_size=2000)


MASS_ORGANIZATIONS = ("总工会", "团县委", "妇联", "科协", "残联")
INSTITUTIONS = ("医院", "中学", "中心", "档案馆", "疾病预防控制", "职业教育")
LEADER_TITLES: dict[str, tuple[tuple[str, bool], ...]] = {
    UnitKind.STATE_OWNED: (
        ("党委书记、董事长", True),
        ("总经理", True),
        ("副总经理", True),
        ("纪委书记", True),
    ),
    UnitKind.MASS_ORGANIZATION: (("党组书记、主席", True), ("副主席", True), ("副主席", False)),
    UnitKind.INSTITUTION: (
        ("党委书记", True),
        ("院长（主任）", True),
        ("副院长（副主任）", True),
        ("纪委书记", True),
    ),
}
DEFAULT_TITLES = (
    ("党组书记、局长", True),
    ("党组成员、副局长", True),
    ("党组成员、副局长", True),
    ("党组成员、纪检组长", True),
    ("总工程师", False),
)


def unit_kind(name: str) -> str:
    """The demo unit's kind from its name: 公司 are state-owned, 群团 by name, hospitals and schools 事业单位."""
    if "公司" in name:
        return UnitKind.STATE_OWNED
    if any(word in name for word in MASS_ORGANIZATIONS):
        return UnitKind.MASS_ORGANIZATION
    if any(word in name for word in INSTITUTIONS):
        return UnitKind.INSTITUTION
    if "合作社" in name:
        return UnitKind.OTHER
    return UnitKind.PARTY_GOVERNMENT


CREDIT_PREFIX: dict[str, str] = {
    UnitKind.PARTY_GOVERNMENT: "11",
    UnitKind.INSTITUTION: "12",
    UnitKind.MASS_ORGANIZATION: "13",
    UnitKind.STATE_OWNED: "91",
    UnitKind.OTHER: "Y1",
}


def demo_credit_code(kind: str, rng: random.Random) -> str:
    """A code that passes the GB 32100 check: authority and category by kind, the county's area code."""
    body = CREDIT_PREFIX[kind] + "371525" + "".join(rng.choice("0123456789") for _ in range(9))
    return body + credit_check_character(body)


@step
def unit_profiles(county: County, rng: random.Random) -> None:
    """Every unit gets its kind, a valid credit code, its leaders (most on the 党组/党委) and 2–4 departments."""
    units = list(Unit.objects.order_by("id"))
    seen: set[str] = set()
    leaders, departments = [], []
    for unit in units:
        unit.kind = unit_kind(unit.name)
        code = demo_credit_code(unit.kind, rng)
        while code in seen:
            code = demo_credit_code(unit.kind, rng)
        seen.add(code)
        unit.credit_code = code
        titles = LEADER_TITLES.get(unit.kind, DEFAULT_TITLES)
        for order, (title, on_group) in enumerate(titles):
            name = rng.choice(names.SURNAMES) + "".join(
                rng.choice(names.GIVEN) for _ in range(rng.choice((1, 2)))
            )
            leaders.append(
                Leader(unit=unit, name=name, title=title, is_party_group_member=on_group, order=order)
            )
        for order, dept in enumerate(rng.sample(names.DEPARTMENTS[:14], rng.randint(2, 4))):
            head = rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(2))
            departments.append(Department(unit=unit, name=dept, head_name=head, order=order))
    Unit.objects.bulk_update(units, ["kind", "credit_code"], batch_size=500)
    Leader.objects.bulk_create(leaders, batch_size=2000)
    Department.objects.bulk_create(departments, batch_size=2000)
