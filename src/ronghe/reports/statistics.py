"""党内统计 (domain-rules §6): the year's tables for internal checking before the official system.

Stock figures are as at 12月31日 and count each member by the organization that held their formal relation
on that day, read from the transfer and status history (`members.queries.standing`), not from today's
roster. Flows (发展, 转正, 出党, transfers …) are the year's changes of that standing, counted by the
organization the member was in when it happened. Every table has a 合计 row (the sum of the other rows:
the chosen organization itself and each of its direct children with their subtrees), and the tables agree
with each other: last year's end + the year's increases − its decreases = this year's end, per row.

Members' attributes (sex, education, occupation …) are today's values: the roster keeps no history of
them. Organizations are counted when founded by the day and not dissolved (撤销) by then.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from ronghe.core.errors import DomainError
from ronghe.core.workflow.models import History
from ronghe.education.models import SessionAttendance, TrainingClass
from ronghe.members import rules as member_rules
from ronghe.members.choices import (
    ACTIVE_STATUSES,
    Education,
    MemberStatus,
    Occupation,
    StatusAction,
    TransferKind,
    TransferStatus,
)
from ronghe.members.models import Member, Transfer
from ronghe.members.queries import Standing, standing, standings_on
from ronghe.orglife.choices import Grade, MeetingKind, MeetingState
from ronghe.orglife.compliance import year_bounds
from ronghe.orglife.models import Attendance
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import SEGMENT, Organization, subtree_filter
from ronghe.selections.choices import NominationState, SubjectKind
from ronghe.selections.models import Nomination

TOTAL_LABEL = "合计"
UNFILLED = "未填写"


class StatisticsError(DomainError):
    """A year that cannot be counted, with the reason in Chinese."""


def reference_date(year: int) -> date:
    return date(year, 12, 31)


def draft_month() -> int:
    return int(getattr(settings, "RONGHE_YEAR_END_DRAFT_MONTH", 12))


def as_at(year: int, today: date) -> date:
    """The day the year's stock is counted on: 31 December, or today for a draft of the current year."""
    return min(reference_date(year), today)


def default_year(today: date) -> int:
    """The year a page offers first: the current one once it may be drafted, else the last ended one."""
    return today.year if today.month >= draft_month() else today.year - 1


def too_early(year: int, today: date) -> bool:
    """`year` (not after today's) has not ended and its draft month has not come: nothing can be counted yet."""
    return reference_date(year) > today and today.month < draft_month()


def check_year(year: int, today: date) -> None:
    """The stock is as at 12月31日: a year whose 31 December has not come cannot be counted yet, except as
    a draft as at today from `RONGHE_YEAR_END_DRAFT_MONTH` (December by default) of that year."""
    if year < 1949:
        raise StatisticsError("统计年度：请填写 1949 年以后的年度", "year")
    if year > today.year:  # compared as a year first: 1288756 is no date
        raise StatisticsError(f"统计年度：{year}年尚未开始", "year")
    if too_early(year, today):
        raise StatisticsError(
            f"统计年度：{year}年尚未结束，{draft_month()}月1日起可生成截至当日的草稿，正式统计以12月31日为准",
            "year",
        )


@dataclass
class Row:
    label: str
    organization: Organization | None  # None for the 合计 row
    values: list[int]


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[Row]  # the 合计 row first
    notes: list[str] = field(default_factory=list)

    def value(self, column: str, row: int = 0) -> int:
        """A cell by column name; row 0 is 合计."""
        return self.rows[row].values[self.columns.index(column)]


@dataclass
class PartyStatistics:
    organization: Organization
    year: int
    on: date
    tables: list[Table]

    @property
    def draft(self) -> bool:
        """Counted before the year's 31 December: the figures are as at `on`, to be regenerated."""
        return self.on < reference_date(self.year)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    @property
    def headline(self) -> dict[str, int]:
        """The page's four figures, from the tables' 合计 rows."""
        return {
            "total": self.table("basic").value("党员总数"),
            "last_total": self.table("comparison").value("上年末党员数"),
            "developed": self.table("developed").value("发展党员"),
            "organizations": self.table("organizations").value("党组织总数"),
        }


# ---- the columns -------------------------------------------------------------------------------------

AGE_LABELS = [label for label, _, _ in member_rules.AGE_BANDS]
EDUCATION_COLUMNS = [(value, label) for value, label in Education.choices] + [("", UNFILLED)]
OCCUPATION_COLUMNS = [(value, label) for value, label in Occupation.choices] + [("", UNFILLED)]
BASIC_COLUMNS = ["党员总数", "正式党员", "预备党员", "女", "少数民族", "大专及以上", *AGE_LABELS]
INCREASES = ["发展党员", "转入（系统外）", "转入（系统内）", "恢复党籍", "其他增加"]
DECREASES = ["出党", "死亡", "停止党籍", "取消预备党员资格", "转出（系统外）", "转出（系统内）", "其他减少"]
COMPARISON_COLUMNS = ["上年末党员数", *INCREASES, "增加合计", *DECREASES, "减少合计", "本年末党员数", "增减"]
DEVELOPED_COLUMNS = [
    "发展党员",
    "女",
    "少数民族",
    "35岁及以下",
    "大专及以上",
    *(lbl for _, lbl in Occupation.choices),
]
PROBATION_COLUMNS = ["转正", "延长预备期", "取消预备党员资格"]
ORG_KINDS = [(value, label) for value, label in OrgKind.choices if value != OrgKind.GROUP]
APPRAISAL_COLUMNS = ["参加评议", *(lbl for _, lbl in Grade.choices), "未评定等次"]
TRAINING_COLUMNS = ["培训班", "参训人次", "参训人数", "学时合计"]
HONOUR_COLUMNS = [lbl for _, lbl in SubjectKind.choices]


def is_minority(ethnicity: str) -> bool:
    return bool(ethnicity) and ethnicity != "汉族"


def _age_cutoffs(on: date) -> list[tuple[str, date]]:
    """(band, earliest birth date in it) from the youngest band on: a member is in the first band whose
    earliest birth date is on or before theirs (周岁 as `members.rules.age`)."""
    out = []
    for label, _, hi in member_rules.AGE_BANDS[:-1]:
        # aged ≤ hi on `on` ⇔ born after the day they would have turned hi + 1
        out.append((label, member_rules.add_years(on, -(hi + 1)) + _ONE_DAY))
    return out


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


def _age_case(on: date) -> Case:
    whens = [When(birth_date__gte=earliest, then=Value(label)) for label, earliest in _age_cutoffs(on)]
    return Case(*whens, default=Value(AGE_LABELS[-1]), output_field=CharField())


_PERIOD_CASE = Case(
    When(joined_on__lt=date(1949, 10, 1), then=Value(member_rules.JOIN_PERIODS[0])),
    When(joined_on__lt=date(1979, 1, 1), then=Value(member_rules.JOIN_PERIODS[1])),
    When(joined_on__lt=date(2012, 11, 1), then=Value(member_rules.JOIN_PERIODS[2])),
    default=Value(member_rules.JOIN_PERIODS[3]),
    output_field=CharField(),
)
_MINORITY_CASE = Case(
    When(Q(ethnicity="") | Q(ethnicity="汉族"), then=Value("")),
    default=Value("少数民族"),
    output_field=CharField(),
)


def member_keys(member: Member, status: str, on: date) -> list[str]:
    """The stock cells a member counts in on `on`: "总数", status, and one key per dimension."""
    keys = [
        "党员总数",
        "正式党员" if status == MemberStatus.FULL else "预备党员",
        f"age:{member_rules.age_band(member_rules.age(member.birth_date, on))}",
        f"period:{member_rules.join_period(member.joined_on)}",
        f"edu:{member.education}",
        f"occ:{member.occupation}",
    ]
    if member.gender == "女":
        keys.append("女")
    if is_minority(member.ethnicity):
        keys.append("少数民族")
    return keys


# ---- rows: the organization itself and its direct children ------------------------------------------


@dataclass
class _Rows:
    root: Organization
    children: list[Organization]
    row_of: dict[int, int]  # organization id → the id of its row (root or a direct child)
    # (row, kind, founded_on, dissolved_on, active) of every organization
    kinds: list[tuple[int, str, date | None, date | None, bool]]

    @property
    def in_tree(self) -> Any:  # QuerySet of {"pk"} rows
        """The subtree's organizations, as a subquery of ids."""
        return Organization.objects.filter(subtree_filter(self.root.path)).values("pk")

    @property
    def order(self) -> list[Organization]:
        return [self.root, *self.children]

    def label(self, org: Organization) -> str:
        return f"{org.name}（本级）" if org.pk == self.root.pk and self.children else org.name


def _rows(root: Organization) -> _Rows:
    cut = len(root.path) + SEGMENT + 1
    orgs = list(
        Organization.objects.filter(subtree_filter(root.path))
        .only(
            "id", "path", "kind", "founded_on", "is_active", "dissolved_on", "name", "parent_id", "sort_order"
        )
        .order_by("path")
    )
    by_path = {o.path: o for o in orgs}
    children = sorted((o for o in orgs if o.parent_id == root.pk), key=lambda o: (o.sort_order, o.path))
    row_of: dict[int, int] = {}
    kinds = []
    for o in orgs:
        head = root if o.path == root.path else by_path[o.path[:cut]]
        row_of[o.pk] = head.pk
        kinds.append(
            (head.pk, o.kind, o.founded_on, o.dissolved_on if not o.is_active else None, o.is_active)
        )
    return _Rows(root, children, row_of, kinds)


def _table(key: str, title: str, columns: list[str], rows: _Rows, cells: dict[int, Counter[str]]) -> Table:
    body = [Row(rows.label(o), o, [cells.get(o.pk, Counter())[c] for c in columns]) for o in rows.order]
    total = [sum(r.values[i] for r in body) for i in range(len(columns))]
    return Table(key, title, columns, [Row(TOTAL_LABEL, None, total), *body])


# ---- stock on a day ----------------------------------------------------------------------------------


def _changed_after(on: date) -> Q:
    """Members whose standing may differ between `on` and today (the rest stand today as they did)."""
    moved = Transfer.objects.filter(status=TransferStatus.COMPLETED, completed_on__gt=on)
    changed = History.objects.filter(process=member_rules.STATUS_PROCESS.name, effective_on__gt=on)
    return (
        Q(joined_on__gt=on)
        | Q(full_on__gt=on)
        | Q(pk__in=moved.values("member_id"))
        | Q(pk__in=changed.values("object_id"))
    )


def _candidates(rows: _Rows, since: date) -> QuerySet[Member]:
    """Members in the subtree today, or moved out of it after `since`, whose standing changed after `since`."""
    in_tree = rows.in_tree
    moved_away = Transfer.objects.filter(
        status=TransferStatus.COMPLETED, completed_on__gt=since, from_organization__in=in_tree
    ).values("member_id")
    return Member.objects.filter(Q(organization__in=in_tree) | Q(pk__in=moved_away)).filter(
        _changed_after(since)
    )


_ATTRIBUTES = (
    "id",
    "organization_id",
    "status",
    "joined_on",
    "full_on",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "occupation",
)


def stock(rows: _Rows, on: date) -> dict[int, Counter[str]]:
    """Active members per row on `on`: today's roster grouped in the database (seven grouped queries) for
    the members whose standing has not changed since, and the changed ones unwound one by one."""
    cells: dict[int, Counter[str]] = defaultdict(Counter)
    steady = (
        Member.objects.filter(organization__in=rows.in_tree, status__in=ACTIVE_STATUSES)
        .exclude(_changed_after(on))
        .order_by()
    )
    groups: list[tuple[str, Case | F]] = [
        ("status", F("status")),
        ("gender", F("gender")),
        ("minority", _MINORITY_CASE),
        ("edu", F("education")),
        ("occ", F("occupation")),
        ("age", _age_case(on)),
        ("period", _PERIOD_CASE),
    ]
    for name, expr in groups:
        for org_id, value, n in (
            steady.annotate(k=expr)
            .values_list("organization_id", "k")
            .annotate(n=Count("id"))
            .values_list("organization_id", "k", "n")
        ):
            row = cells[rows.row_of[org_id]]
            if name == "status":
                row["党员总数"] += n
                row["正式党员" if value == MemberStatus.FULL else "预备党员"] += n
            elif name == "gender":
                if value == "女":
                    row["女"] += n
            elif name == "minority":
                if value:
                    row["少数民族"] += n
            else:
                row[f"{name}:{value}"] += n
    for s in standings_on(_candidates(rows, on).only(*_ATTRIBUTES), on):
        if s.active and s.organization_id in rows.row_of and s.status is not None:
            cells[rows.row_of[s.organization_id]].update(member_keys(s.member, s.status, on))
    for row in cells.values():
        row["大专及以上"] = sum(row[f"edu:{e}"] for e in member_rules.COLLEGE_OR_ABOVE)
        for label in AGE_LABELS:
            row[label] = row[f"age:{label}"]
    return cells


# ---- the year's flows --------------------------------------------------------------------------------


@dataclass
class _Flows:
    cells: dict[int, Counter[str]]
    developed: dict[int, Counter[str]]


def flows(rows: _Rows, year: int) -> _Flows:
    """The changes of standing from last 31 December to this one, each at the day it took effect."""
    start, end = reference_date(year - 1), reference_date(year)
    members = list(_candidates(rows, start).only(*_ATTRIBUTES).prefetch_related("transfers"))
    history: dict[int, list[History]] = defaultdict(list)
    if members:
        for h in History.objects.filter(
            process=member_rules.STATUS_PROCESS.name,
            object_id__in=[m.pk for m in members],
            effective_on__gt=start,
        ):
            history[h.object_id].append(h)
    cells: dict[int, Counter[str]] = defaultdict(Counter)
    developed: dict[int, Counter[str]] = defaultdict(Counter)
    for m in members:
        changes = history[m.pk]
        transfers = [t for t in m.transfers.all() if t.status == TransferStatus.COMPLETED and t.completed_on]
        days = sorted(
            {
                d
                for d in (
                    m.joined_on,
                    m.full_on,
                    *(t.completed_on for t in transfers),
                    *(c.effective_on for c in changes),
                )
                if d is not None and start < d <= end
            }
        )
        before = standing(m, start, changes)
        for day in days:
            after = standing(m, day, changes)
            kinds = {t.kind for t in transfers if t.completed_on == day}
            actions = {c.action for c in changes if c.effective_on == day}
            _classify(m, day, before, after, kinds, actions, rows, cells, developed)
            before = after
    return _Flows(cells, developed)


def _row(s: Standing, rows: _Rows) -> int | None:
    return rows.row_of.get(s.organization_id) if s.active and s.organization_id is not None else None


def _classify(
    m: Member,
    day: date,
    before: Standing,
    after: Standing,
    kinds: set[str],
    actions: set[str],
    rows: _Rows,
    cells: dict[int, Counter[str]],
    developed: dict[int, Counter[str]],
) -> None:
    was, now = _row(before, rows), _row(after, rows)
    if was is not None and now != was:
        if now is not None:
            reason = "转出（系统内）"
        elif TransferKind.OUTGOING in kinds:
            reason = "转出（系统外）"
        elif TransferKind.INTERNAL in kinds:
            reason = "转出（系统内）"
        else:
            reason = next((label for action, label in _DECREASE_ACTIONS if action in actions), "其他减少")
        cells[was][reason] += 1
    if now is not None and now != was:
        if was is not None or (TransferKind.INTERNAL in kinds and TransferKind.INCOMING not in kinds):
            reason = "转入（系统内）"
        elif TransferKind.INCOMING in kinds:
            reason = "转入（系统外）"
        elif m.joined_on == day:
            reason = "发展党员"
        elif StatusAction.RESTORE in actions:
            reason = "恢复党籍"
        else:
            reason = "其他增加"
        cells[now][reason] += 1
        if reason == "发展党员":
            developed[now].update(developed_keys(m))
    if now is not None and before.status == MemberStatus.PROBATIONARY and after.status == MemberStatus.FULL:
        cells[now]["转正"] += 1
    if now is not None and StatusAction.EXTEND_PROBATION in actions:
        cells[now]["延长预备期"] += 1


_DECREASE_ACTIONS = [
    (StatusAction.EXPEL, "出党"),
    (StatusAction.DECEASE, "死亡"),
    (StatusAction.SUSPEND, "停止党籍"),
    (StatusAction.CANCEL_PROBATION, "取消预备党员资格"),
]


def developed_keys(m: Member) -> list[str]:
    """The 发展党员 columns a newly admitted member counts in (age at admission, domain-rules §6)."""
    keys = ["发展党员"]
    if m.gender == "女":
        keys.append("女")
    if is_minority(m.ethnicity):
        keys.append("少数民族")
    if member_rules.age(m.birth_date, m.joined_on) <= 35:
        keys.append("35岁及以下")
    if member_rules.is_college_or_above(m.education):
        keys.append("大专及以上")
    if m.occupation:
        keys.append(Occupation(m.occupation).label)
    return keys


# ---- the other tables --------------------------------------------------------------------------------


def _organizations(rows: _Rows, on: date) -> dict[int, Counter[str]]:
    cells: dict[int, Counter[str]] = defaultdict(Counter)
    labels = dict(OrgKind.choices)
    for row, kind, founded_on, dissolved_on, active in rows.kinds:
        # a dissolved organization counts in the years before its 撤销; one made inactive with no date, never
        existed = active or (dissolved_on is not None and dissolved_on > on)
        if existed and kind != OrgKind.GROUP and (founded_on is None or founded_on <= on):
            cells[row][labels[kind]] += 1
            cells[row]["党组织总数"] += 1
    return cells


def _grouped(qs: QuerySet[Any], org_field: str, key: str) -> list[tuple[int, str, int]]:
    """(organization id, key, count) of `qs` grouped in the database."""
    return list(
        qs.values_list(org_field, key).annotate(n=Count("id")).values_list(org_field, key, "n").order_by()
    )


def _appraisal(rows: _Rows, year: int) -> dict[int, Counter[str]]:
    """民主评议党员, counted by the organization that ran it (held meetings of the year)."""
    begin, end = year_bounds(year)
    labels = dict(Grade.choices)
    cells: dict[int, Counter[str]] = defaultdict(Counter)
    held = Attendance.objects.filter(
        meeting__kind=MeetingKind.DEMOCRATIC_APPRAISAL,
        meeting__state=MeetingState.HELD,
        meeting__held_at__gte=begin,
        meeting__held_at__lt=end,
        meeting__organization__in=rows.in_tree,
    )
    for org_id, grade, n in _grouped(held, "meeting__organization_id", "grade"):
        row = cells[rows.row_of[org_id]]
        row["参加评议"] += n
        row[labels.get(grade, "未评定等次")] += n
    return cells


def _training(rows: _Rows, year: int) -> dict[int, Counter[str]]:
    """Classes held by the organizations of the subtree in the year, and their attendance."""
    in_tree = rows.in_tree
    cells: dict[int, Counter[str]] = defaultdict(Counter)
    for org_id, n in (
        TrainingClass.objects.filter(organization__in=in_tree, year=year)
        .values_list("organization_id")
        .annotate(n=Count("id"))
        .values_list("organization_id", "n")
        .order_by()
    ):
        cells[rows.row_of[org_id]]["培训班"] += n
    attended = SessionAttendance.objects.filter(
        session__training_class__organization__in=in_tree, session__training_class__year=year
    )
    hours: dict[int, Decimal] = defaultdict(Decimal)
    # (row, member): a member trained by two classes of a row counts once
    people: set[tuple[int, int]] = set()
    for org_id, member_id, n, h in (
        attended.values_list("session__training_class__organization_id", "member_id")
        .annotate(n=Count("id"), h=Sum("hours"))
        .values_list("session__training_class__organization_id", "member_id", "n", "h")
        .order_by()
    ):
        row = cells[rows.row_of[org_id]]
        row["参训人次"] += n
        people.add((rows.row_of[org_id], member_id))
        hours[rows.row_of[org_id]] += h or Decimal(0)
    for row_id, h in hours.items():
        cells[row_id]["学时合计"] += int(h.to_integral_value())
    for row_id, _ in people:
        cells[row_id]["参训人数"] += 1
    return cells


def _honours(rows: _Rows, year: int) -> dict[int, Counter[str]]:
    """Honours announced in the year to the subtree's members and organizations (评选表彰), by kind."""
    begin, end = year_bounds(year)
    labels = dict(SubjectKind.choices)
    cells: dict[int, Counter[str]] = defaultdict(Counter)
    awarded = Nomination.objects.filter(
        state=NominationState.AWARDED,
        awarded_at__gte=begin,
        awarded_at__lt=end,
        organization__in=rows.in_tree,
    )
    for org_id, kind, n in _grouped(awarded, "organization_id", "campaign__selection__subject_kind"):
        cells[rows.row_of[org_id]][labels.get(kind, kind)] += n
    return cells


# ---- the report ----------------------------------------------------------------------------------------


def party_statistics(root: Organization, year: int, today: date | None = None) -> PartyStatistics:
    """Every table of the year for `root`'s subtree. Callers check the user's scope at `root`."""
    today = today or timezone.localdate()
    check_year(year, today)
    on, last = as_at(year, today), reference_date(year - 1)
    rows = _rows(root)
    now, before = stock(rows, on), stock(rows, last)
    moved = flows(rows, year)
    comparison: dict[int, Counter[str]] = {}
    for org in rows.order:
        c: Counter[str] = Counter(moved.cells.get(org.pk, Counter()))
        c["上年末党员数"] = before.get(org.pk, Counter())["党员总数"]
        c["本年末党员数"] = now.get(org.pk, Counter())["党员总数"]
        c["增加合计"] = sum(c[k] for k in INCREASES)
        c["减少合计"] = sum(c[k] for k in DECREASES)
        c["增减"] = c["本年末党员数"] - c["上年末党员数"]
        comparison[org.pk] = c
    tables = [
        _table("comparison", "两年党员数综合比较", COMPARISON_COLUMNS, rows, comparison),
        _table("basic", "党员基本情况", BASIC_COLUMNS, rows, now),
        _keyed("periods", "党员入党时间", "period", [(p, p) for p in member_rules.JOIN_PERIODS], rows, now),
        _keyed("education", "党员学历", "edu", EDUCATION_COLUMNS, rows, now),
        _keyed("occupation", "党员职业", "occ", OCCUPATION_COLUMNS, rows, now),
        _table("developed", "发展党员", DEVELOPED_COLUMNS, rows, moved.developed),
        _table("probation", "预备党员转正", PROBATION_COLUMNS, rows, moved.cells),
        _table("decreases", "党员出党及减少", DECREASES[:-1], rows, moved.cells),
        _table(
            "organizations",
            "党组织",
            ["党组织总数", *(label for _, label in ORG_KINDS)],
            rows,
            _organizations(rows, on),
        ),
        _table("appraisal", "民主评议党员", APPRAISAL_COLUMNS, rows, _appraisal(rows, year)),
        _table("training", "党员培训", TRAINING_COLUMNS, rows, _training(rows, year)),
        _table("honours", "党内表彰", HONOUR_COLUMNS, rows, _honours(rows, year)),
    ]
    tables[0].notes.append(
        "本年末党员数 = 上年末党员数 + 增加合计 − 减少合计；合计行中的系统内转入、转出含本范围内各党组织之间的转接。"
    )
    tables[1].notes.append(
        f"截至{on:%Y年%m月%d日}，按当日正式组织关系所在党组织统计；年龄按当日周岁计算。"
        + ("年度尚未结束，本表为草稿，12月31日后请重新生成。" if on < reference_date(year) else "")
    )
    tables[5].notes.append("按接收预备党员时所在党组织统计，年龄按入党时周岁计算。")
    tables[8].notes.append("党小组不计入党组织数；按成立日期和撤销日期统计当日存在的党组织。")
    return PartyStatistics(root, year, on, tables)


def _keyed(
    key: str,
    title: str,
    prefix: str,
    columns: Iterable[tuple[str, str]],
    rows: _Rows,
    cells: dict[int, Counter[str]],
) -> Table:
    columns = list(columns)
    renamed = {
        org_id: Counter({label: c[f"{prefix}:{value}"] for value, label in columns})
        for org_id, c in cells.items()
    }
    return _table(key, title, [label for _, label in columns], rows, renamed)
