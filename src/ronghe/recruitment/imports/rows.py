"""Rows of a 发展党员 import: each cell parsed, each person checked against every §3 rule
(`rules.evaluate`), each breach a row error naming the rule; then the write, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import crypto
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.idnumbers import IdentifierError, parse_id_number
from ronghe.core.imports.errors import CellError, RowError
from ronghe.core.imports.jobs import Outcome
from ronghe.core.imports.reading import Header, locate_header, open_rows
from ronghe.core.imports.rejected import RejectedWriter
from ronghe.core.imports.values import clean_text, parse_date
from ronghe.members.models import Member
from ronghe.orgs.choices import BRANCH_KINDS
from ronghe.orgs.models import Organization
from ronghe.recruitment import services
from ronghe.recruitment.choices import ReviewResult
from ronghe.recruitment.imports.columns import ALIASES, DATE_FIELDS, REQUIRED, RULE_COLUMN
from ronghe.recruitment.models import RecruitmentCase

KIND = "recruitment"
RESULTS = {label: value for value, label in ReviewResult.choices}


@dataclass
class Parsed:
    number: int
    cells: list[object]
    values: dict[str, Any] = field(default_factory=dict)
    organization: Organization | None = None
    contacts: list[Member] = field(default_factory=list)
    introducers: list[Member] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class Context:
    """What every row is checked against: the target's branches and members, the IDs already seen."""

    def __init__(self, target: Organization) -> None:
        self.target = target
        subtree = Organization.objects.filter(path__startswith=target.path)
        self.branches = {o.name: o for o in subtree if o.kind in BRANCH_KINDS}
        self.members: dict[str, list[Member]] = {}
        for m in Member.objects.filter(organization__path__startswith=target.path).only(
            "id", "name", "status"
        ):
            self.members.setdefault(m.name, []).append(m)
        self.seen: set[str] = set()


def _people(raw: str, ctx: Context, label: str, errors: list[str]) -> list[Member]:
    out = []
    for name in [n for n in raw.replace("，", "、").replace(",", "、").split("、") if n.strip()]:
        found = ctx.members.get(name.strip(), [])
        if len(found) != 1:
            errors.append(f"{label}：本组织内{'没有' if not found else '有多名'}名为“{name.strip()}”的党员")
            continue
        out.append(found[0])
    return out


def parse_row(number: int, cells: list[object], header: Header, ctx: Context, today: date) -> Parsed:
    row = Parsed(number, cells)
    label = header.labels

    def cell(name: str) -> object:
        index = header.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def error(name: str, message: str) -> None:
        row.errors.append(RowError(number, label.get(name, ALIASES[name][0]), message))

    for name in ("name", "education", "work_position"):
        row.values[name] = clean_text(cell(name))
    for name in REQUIRED:
        if name not in DATE_FIELDS and not clean_text(cell(name)):
            error(name, f"请填写{ALIASES[name][0]}")
    raw_id = cell("id_number")
    if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
        error("id_number", "公民身份号码须以文本格式填写（数字格式会丢失末尾几位）")
    elif clean_text(raw_id):
        try:
            info = parse_id_number(clean_text(raw_id), today=today)
        except IdentifierError as exc:
            error("id_number", str(exc))
        else:
            row.values["id_number"] = info.number
            row.values["birth_date"] = info.birth_date
            if info.number in ctx.seen:
                error("id_number", "与本文件中前面的行重复")
            ctx.seen.add(info.number)
            if RecruitmentCase.objects.filter(
                id_number_index__in=crypto.blind_indexes(info.number, "id_number")
            ).exists():
                error("id_number", "此人已有发展党员纪实，不能重复导入")
    for name in DATE_FIELDS:
        try:
            row.values[name] = parse_date(cell(name))
        except CellError as exc:
            error(name, str(exc))
    applied_label = label.get("applied_on", ALIASES["applied_on"][0])
    if row.values.get("applied_on") is None and applied_label not in {e.column for e in row.errors}:
        error("applied_on", f"请填写{ALIASES['applied_on'][0]}")
    hours = clean_text(cell("training_hours"))
    if hours:
        if hours.isdigit() and int(hours) <= 1000:
            row.values["training_hours"] = int(hours)
        else:
            error("training_hours", "培训学时应为整数")
    result = clean_text(cell("political_review_result"))
    if result:
        if result not in RESULTS:
            error("political_review_result", "政审结论应为“合格”或“不合格”")
        row.values["political_review_result"] = RESULTS.get(result, "")
    branch = clean_text(cell("branch"))
    if branch:
        row.organization = ctx.branches.get(branch)
        if row.organization is None:
            error("branch", f"本组织内没有名为“{branch}”的党支部")
    elif ctx.target.kind in BRANCH_KINDS:
        row.organization = ctx.target
    else:
        error("branch", "导入到非党支部时须填写党支部")
    problems: list[str] = []
    row.contacts = _people(clean_text(cell("contacts")), ctx, "培养联系人", problems)
    for p in problems:
        error("contacts", p)
    problems = []
    row.introducers = _people(clean_text(cell("introducers")), ctx, "入党介绍人", problems)
    for p in problems:
        error("introducers", p)
    if not row.errors:
        _check_rules(row, label, today)
    return row


def _publicity(values: dict[str, Any]) -> dict[str, list[str]]:
    out = {}
    for stage in ("activist", "candidate"):
        start, end = values.get(f"publicity_{stage}_start"), values.get(f"publicity_{stage}_end")
        if start and end:
            out[stage] = [str(start), str(end)]
    return out


def build_case(row: Parsed) -> RecruitmentCase:
    """An unsaved case with the row's facts (the stage follows the latest decision recorded)."""
    v = row.values
    return services.case_from(
        organization=row.organization,  # type: ignore[arg-type]
        name=v["name"],
        id_number=v["id_number"],
        education=v.get("education", ""),
        work_position=v.get("work_position", ""),
        facts={k: v.get(k) for k in services.IMPORTED_FACTS},
        publicity=_publicity(v),
    )


def _check_rules(row: Parsed, label: dict[str, str], today: date) -> None:
    case = build_case(row)
    facts = services.facts_of(case, contacts=row.contacts, introducers=row.introducers)
    for breach in services.breaches(facts, today):
        column = RULE_COLUMN.get(breach.field, breach.field)
        header = label.get(column, ALIASES.get(column, (column,))[0])
        row.errors.append(RowError(row.number, header, breach.message))


def _rows(path: Path, kind: str, target: Organization) -> tuple[Header, Context, Any]:
    rows = open_rows(path, kind)
    header = locate_header(rows, ALIASES, REQUIRED)
    return header, Context(target), rows


def preview(
    *,
    path: Path,
    kind: str,
    target: Organization,
    user: User | None,
    progress: Callable[[int], None] | None = None,
    rejected_path: Path | None = None,
) -> Outcome:
    """Check every row; write nothing. Each broken rule is a row error naming it."""
    header, ctx, rows = _rows(path, kind, target)
    outcome = Outcome()
    today = timezone.localdate()
    rejected = RejectedWriter(rejected_path) if rejected_path else None
    for number, cells in rows:
        row = parse_row(number, cells, header, ctx, today)
        outcome.total += 1
        if row.errors:
            outcome.invalid += row.errors
            outcome.invalid_rows += 1
            if rejected:
                rejected.add(header, number, cells, row.errors)
        else:
            outcome.valid += 1
        if progress:
            progress(outcome.total)
    if rejected:
        rejected.close()
    return outcome


def commit(
    *,
    path: Path,
    kind: str,
    target: Organization,
    user: User | None,
    valid_only: bool,
    original_name: str,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Write the valid rows in one transaction; with any bad row and not `valid_only`, write nothing."""
    header, ctx, rows = _rows(path, kind, target)
    today = timezone.localdate()
    parsed = []
    outcome = Outcome()
    for number, cells in rows:
        row = parse_row(number, cells, header, ctx, today)
        outcome.total += 1
        if row.errors:
            outcome.invalid += row.errors
            outcome.invalid_rows += 1
        else:
            outcome.valid += 1
            parsed.append(row)
    if outcome.invalid and not valid_only:
        return outcome
    with transaction.atomic():
        for row in parsed:
            try:
                services.import_case(
                    actor=user,
                    case=build_case(row),
                    contacts=row.contacts,
                    introducers=row.introducers,
                    source=original_name,
                )
            except (InvalidInput, DomainError) as exc:  # a rule changed between the passes: refuse all
                raise DomainError(f"第 {row.number} 行：{exc.message}") from exc
            outcome.created += 1
            if progress:
                progress(outcome.created)
    return outcome
