"""A deterministic synthetic county: units, the Party organization tree, members and logins.

The same seed gives the same county. Rows are bulk-inserted so that 100,000 members work.
Each app adds its own steps (a year of meetings, points) with `@step` in a module `ronghe.<app>.demo`;
`demo_steps()` imports those modules only when a county is built, so a production process never
imports demo code (tests/demo/test_discovery.py checks it).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from ronghe.accounts.choices import Role
from ronghe.accounts.models import RoleAssignment, User
from ronghe.core import crypto
from ronghe.core.bulk import bulk_load  # noqa: F401 - demo steps import it from here
from ronghe.core.idnumbers import make_id_number, mask_id_number, mask_phone
from ronghe.demo import names
from ronghe.members.choices import Education, MemberStatus, Occupation
from ronghe.members.models import Member
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization, Unit, path_segment

BATCH = 2000


@dataclass
class County:
    seed: int
    today: date
    committee: Organization
    units: list[Unit] = field(default_factory=list)
    branches: list[Organization] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, scope)


Step = Callable[[County, random.Random], None]
STEPS: list[Step] = []


def step(func: Step) -> Step:
    """Register a demo step (in a module `ronghe.<app>.demo`); it runs after the tree and members."""
    STEPS.append(func)
    return func


STORY_MODULE = "ronghe.demo.story"  # the hand-placed rows that build on every other step's: last


def demo_steps() -> list[Step]:
    """The demo steps of every installed ronghe app, found now: `ronghe.<app>.demo` is imported for
    each app that has one, then the story. They run in INSTALLED_APPS order (orgs before orglife
    before points: meetings need officers, points need attendance), the story last."""
    order: dict[str, int] = {}
    for index, config in enumerate(apps.get_app_configs()):
        order[config.name] = index
        if config.name.startswith("ronghe.") and module_has_submodule(config.module, "demo"):
            import_module(f"{config.name}.demo")
    import_module(STORY_MODULE)

    def position(func: Step) -> tuple[bool, int, int]:
        app = apps.get_containing_app_config(func.__module__)
        return (
            func.__module__ == STORY_MODULE,
            order.get(app.name if app else "", len(order)),
            STEPS.index(func),
        )

    return sorted(STEPS, key=position)


class _Tree:
    """Allocates materialized paths in memory so the whole tree is one bulk insert."""

    def __init__(self) -> None:
        self.children: dict[str, int] = {}
        self.rows: list[Organization] = []
        self.parents: list[Organization | None] = []  # of each row, whose key is known once it is saved

    def add(self, parent: Organization | None, **fields: Any) -> Organization:
        prefix = parent.path if parent else ""
        n = self.children.get(prefix, 0)
        self.children[prefix] = n + 1
        org = Organization(
            path=prefix + path_segment(n) + ".", depth=0 if parent is None else parent.depth + 1, **fields
        )
        self.rows.append(org)
        self.parents.append(parent)
        return org

    def save(self) -> None:
        """Insert level by level so each child knows its parent's primary key."""
        for depth in sorted({o.depth for o in self.rows}):
            level = [(o, p) for o, p in zip(self.rows, self.parents, strict=True) if o.depth == depth]
            for org, parent in level:
                org.parent_id = parent.pk if parent is not None else None
            Organization.objects.bulk_create([o for o, _ in level], batch_size=BATCH)


def _split(total: int, rng: random.Random, lo: int, hi: int) -> list[int]:
    """Split `total` members into parts between lo and hi (last part may be smaller but ≥ 3)."""
    parts: list[int] = []
    left = total
    while left > hi:
        size = rng.randint(lo, hi)
        if left - size < 3:
            size = left - 3
        parts.append(size)
        left -= size
    parts.append(left)
    return parts


def _unit_sizes(n_members: int, n_units: int, rng: random.Random) -> list[int]:
    weights = [rng.lognormvariate(0, 0.9) for _ in range(n_units)]
    total = sum(weights)
    sizes = [max(2, int(n_members * w / total)) for w in weights]
    diff = n_members - sum(sizes)
    sizes[sizes.index(max(sizes))] += diff
    return sizes


def _person(rng: random.Random, today: date, seq: int) -> dict[str, Any]:
    gender = "女" if rng.random() < 0.44 else "男"
    retired = rng.random() < 0.04
    age = rng.randint(62, 80) if retired else min(60, max(23, int(rng.gauss(42, 9))))
    born = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    join_age = rng.randint(19, min(age - 1, 40))
    probationary = not retired and rng.random() < 0.10
    if probationary:
        joined = today - timedelta(days=rng.randint(20, 360))
    else:
        joined = date(born.year + join_age, rng.randint(1, 12), rng.randint(1, 28))
        if joined > today - timedelta(days=400):
            joined = today - timedelta(days=rng.randint(400, 900))
    number = make_id_number(rng.choice(names.AREA_CODES), born, seq, gender)
    phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
    edu = rng.choices(list(Education), weights=[18, 55, 17, 4, 4, 2])[0]
    return {
        "name": rng.choice(names.SURNAMES)
        + "".join(rng.choice(names.GIVEN) for _ in range(rng.choice((1, 2, 2)))),
        "gender": gender,
        "ethnicity": rng.choice(names.ETHNICITIES),
        "birth_date": born,
        "id_number": number,
        "phone": phone,
        "education": edu,
        "degree": {"研究生": "硕士", "大学本科": "学士"}.get(edu, ""),
        "occupation": Occupation.RETIRED
        if retired
        else rng.choices(
            [Occupation.CIVIL_SERVANT, Occupation.PROFESSIONAL, Occupation.MANAGER, Occupation.WORKER],
            weights=[60, 25, 10, 5],
        )[0],
        "joined_on": joined,
        "full_on": None if probationary else joined + timedelta(days=365),
        "status": MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
        "work_started_on": date(born.year + rng.randint(20, 24), rng.choice((7, 8, 9)), 1),
        "native_place": rng.choice(("山东济南", "山东聊城", "山东德州", "河北邢台", "河南濮阳", "山东泰安")),
    }


MEMBER_FIELDS = (
    "code",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number_encrypted",
    "id_number_index",
    "id_number_masked",
    "native_place",
    "education",
    "degree",
    "occupation",
    "work_position",
    "party_post",
    "joined_on",
    "full_on",
    "status",
    "organization",
    "phone_encrypted",
    "phone_masked",
    "work_started_on",
    "remarks",
    "created_at",
    "updated_at",
)


def _unique_number(person: dict[str, Any], seq: int, seen: set[str]) -> str:
    """The person's ID number, moved to the next free sequence code if an earlier person holds it.

    The 3-digit sequence code only has 500 values per sex, so at 100,000+ members two people
    of the same area and birth date collide; the blind index is unique, so we step past them.
    """
    number: str = person["id_number"]
    step_ = 0
    while number in seen:
        step_ += 1
        number = make_id_number(person["id_number"][:6], person["birth_date"], seq + step_, person["gender"])
    seen.add(number)
    return number


def build_county(
    n_members: int = 5000,
    seed: int = 2026,
    today: date | None = None,
    log: Callable[[str], None] = lambda s: None,
    until: str | None = None,
) -> County:
    """Create the whole demo county in one transaction and return a summary. Its dates follow
    `today` (the day it is generated unless given), so a demo made in any month shows that year
    up to that day: meetings held, points earned, a rating campaign in progress.

    `until` names the last step to run (e.g. "year_of_meetings"): a test that reads only the roster
    and a year of meetings need not wait for ratings, selections or recruitment. Each step draws from
    its own seeded generator, so the steps that run give the same county either way."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    steps = demo_steps()
    if until is not None:
        names = [s.__name__ for s in steps]
        if until not in names:
            raise ValueError(f"no demo step named {until!r}: {', '.join(names)}")
        steps = steps[: names.index(until) + 1]
    with transaction.atomic():
        county = _build_tree_and_members(n_members, rng, seed, today, log)
        for extra in steps:
            extra(county, random.Random(f"{seed}:{extra.__name__}"))
    return county


def _build_tree_and_members(
    n_members: int, rng: random.Random, seed: int, today: date, log: Callable[[str], None]
) -> County:
    tree = _Tree()
    committee = tree.add(
        None,
        name=f"中共{names.COUNTY}直属机关工作委员会",
        kind=OrgKind.COMMITTEE,
        founded_on=date(1984, 7, 1),
        term_years=5,
        last_election_on=date(today.year - 4, 6, 15),  # within its five-year term
    )
    n_units = min(len(names.UNITS), max(8, n_members // 80))
    unit_sizes = _unit_sizes(n_members, n_units, rng)
    units = []
    for i, uname in enumerate(names.UNITS[:n_units]):
        staff = int(unit_sizes[i] / rng.uniform(0.45, 0.75)) + 3
        units.append(
            Unit(
                name=f"{names.COUNTY}{uname[1:]}" if uname.startswith("县") else uname,
                short_name=uname,
                staff_count=staff,
            )
        )
    Unit.objects.bulk_create(units, batch_size=BATCH)
    units = list(Unit.objects.order_by("id"))

    branch_sizes: list[tuple[Organization, int]] = []
    small_units: list[tuple[Unit, int]] = []

    def election(term: int) -> date:
        return today - timedelta(days=rng.randint(60, int(term * 365 * 1.3)))

    for unit, size in zip(units, unit_sizes, strict=True):
        if size < 3:
            small_units.append((unit, size))
            continue
        if size >= 100:
            top = tree.add(
                committee,
                name=f"中共{unit.name}机关委员会",
                kind=OrgKind.PARTY_COMMITTEE,
                unit=unit,
                term_years=5,
                last_election_on=election(5),
                founded_on=date(1990, 1, 1),
            )
            tree.add(
                committee, name=f"中共{unit.name}党组", kind=OrgKind.LEADING_GROUP, unit=unit, term_years=5
            )
        elif size >= 50:
            top = tree.add(
                committee,
                name=f"中共{unit.name}总支部委员会",
                kind=OrgKind.GENERAL_BRANCH,
                unit=unit,
                term_years=3,
                last_election_on=election(3),
                founded_on=date(1995, 1, 1),
            )
        else:
            top = None
        if top is None:
            br = tree.add(
                committee,
                name=f"中共{unit.name}支部委员会",
                kind=OrgKind.BRANCH,
                unit=unit,
                term_years=3,
                last_election_on=election(3),
                founded_on=date(2000, 1, 1),
            )
            branch_sizes.append((br, size))
            continue
        for j, part in enumerate(_split(size, rng, 15, 45)):
            dept = names.DEPARTMENTS[j % len(names.DEPARTMENTS)]
            suffix = "" if j < len(names.DEPARTMENTS) else str(j // len(names.DEPARTMENTS) + 1)
            br = tree.add(
                top,
                name=f"{unit.short_name}{dept}{suffix}党支部",
                kind=OrgKind.BRANCH,
                unit=unit,
                term_years=3,
                last_election_on=election(3),
                founded_on=date(2005, 1, 1),
            )
            branch_sizes.append((br, part))
            if part > 30:
                for g in range(2):
                    tree.add(br, name=f"{br.name}第{'一二'[g]}党小组", kind=OrgKind.GROUP, unit=unit)
    joint_members: list[tuple[Organization, list[Unit], int]] = []
    for k in range(0, len(small_units), 5):
        chunk = small_units[k : k + 5]
        joint = tree.add(
            committee,
            name=f"{names.COUNTY}机关第{k // 5 + 1}联合党支部",
            kind=OrgKind.JOINT_BRANCH,
            unit=chunk[0][0],
            term_years=3,
            last_election_on=election(3),
        )
        joint_members.append((joint, [u for u, _ in chunk], sum(s for _, s in chunk)))
        branch_sizes.append((joint, sum(s for _, s in chunk)))

    tree.save()
    by_path = {o.path: o for o in Organization.objects.select_related("unit")}
    for joint, chunk_units, _ in joint_members:
        by_path[joint.path].joint_units.set(chunk_units)
    log(f"党组织 {len(tree.rows)} 个，单位 {len(units)} 个")

    # Members, streamed in bulk; committee posts for the first few of each branch.
    # the keyring read and the cipher built once (per-row stat + cipher construction dominated a 1M build)
    cipher = crypto.BatchCipher()
    seen_numbers: set[str] = set()
    now = timezone.now()
    seq = 0

    def member_rows() -> Iterator[tuple[Any, ...]]:
        nonlocal seq
        for branch, size in branch_sizes:
            saved_branch = by_path[branch.path]
            unit_short = saved_branch.unit.short_name if saved_branch.unit else ""
            for i in range(size):
                seq += 1
                p = _person(rng, today, seq)
                number = _unique_number(p, seq, seen_numbers)
                post = (
                    names.PARTY_POSTS[i]
                    if i < (5 if size >= 7 else 1) and p["status"] == MemberStatus.FULL
                    else ""
                )
                phone = p["phone"]
                yield (
                    uuid.uuid4(),
                    p["name"],
                    p["gender"],
                    p["ethnicity"],
                    p["birth_date"],
                    cipher.encrypt(number, "id_number"),
                    cipher.blind_index(number, "id_number"),
                    mask_id_number(number),
                    p["native_place"],
                    p["education"],
                    p["degree"],
                    p["occupation"],
                    f"{unit_short}{'科员' if not post else '负责人'}",
                    post,
                    p["joined_on"],
                    p["full_on"],
                    p["status"],
                    saved_branch.pk,
                    cipher.encrypt(phone, "phone"),
                    mask_phone(phone),
                    p["work_started_on"],
                    "",
                    now,
                    now,
                )

    bulk_load(Member, MEMBER_FIELDS, member_rows())
    log(f"党员 {seq} 名")

    committee_saved = by_path[committee.path]
    county = County(
        seed=seed,
        today=today,
        committee=committee_saved,
        units=units,
        branches=[by_path[b.path] for b, _ in branch_sizes],
    )
    _create_logins(county)
    return county


def _create_logins(county: County) -> None:
    password = settings.RONGHE_DEMO_PASSWORD
    # A branch under its unit's top organization; a small county may have only branches directly
    # under the committee, and then the unit administrator holds the branch itself.
    first_branch = next(
        (b for b in county.branches if b.parent_id != county.committee.pk), county.branches[0]
    )
    assert first_branch.parent_id is not None
    unit_top = (
        first_branch
        if first_branch.parent_id == county.committee.pk
        else Organization.objects.get(pk=first_branch.parent_id)
    )
    member = Member.objects.filter(organization=first_branch, party_post="").order_by("id").first()
    secretary_member = Member.objects.filter(organization=first_branch, party_post="书记").first()
    plan = [
        ("gwadmin", "工委管理员", Role.WORK_COMMITTEE_ADMIN, county.committee, None, "县直机关工委"),
        ("unitadmin", "单位党务管理员", Role.UNIT_ADMIN, unit_top, None, unit_top.name),
        (
            "secretary",
            "支部书记/党务",
            Role.BRANCH_SECRETARY,
            first_branch,
            secretary_member,
            first_branch.name,
        ),
        ("member", "党员", Role.MEMBER, first_branch, member, f"{member.name if member else ''}（本人）"),
        ("judge", "评委", Role.JUDGE, county.committee, None, "县直机关工委"),
        ("jijian", "纪检审核", Role.DISCIPLINE_REVIEWER, county.committee, None, "县直机关工委"),
        ("auditor", "审计管理员", Role.AUDIT_ADMIN, county.committee, None, "审计日志"),
        ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, county.committee, None, "用户与组织架构"),
        ("secadmin", "安全管理员", Role.SECURITY_ADMIN, county.committee, None, "角色与安全策略"),
    ]
    for username, label, role, org, linked, scope in plan:
        user = User(
            username=username, display_name=(linked.name if linked else label), member=linked, is_demo=True
        )
        user.set_password(password)
        user.save()
        RoleAssignment.objects.create(user=user, role=role, organization=org)
        county.logins.append((label, username, scope))
