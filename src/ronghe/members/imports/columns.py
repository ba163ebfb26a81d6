"""The roster's columns: the headers each field is found under, which are required, length limits,
the vocabularies of the enum columns and the parsers for those cells (pure functions).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

from django.db.models import TextChoices

from ronghe.core.imports.errors import CellError
from ronghe.core.imports.mapping import Check, ColumnSpec
from ronghe.core.imports.values import clean_text, parse_date
from ronghe.members.choices import Education, Gender, MemberStatus, Occupation
from ronghe.members.services import EDITABLE_FIELDS

# Header names written by the national and provincial systems, then common aliases.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月", "出生时间"),
    "id_number": ("公民身份号码", "身份证号", "身份证号码", "身份证", "证件号码"),
    "native_place": ("籍贯",),
    "education": ("学历", "最高学历", "全日制学历"),
    "degree": ("学位", "最高学位"),
    "occupation": ("职业/人员类别", "职业", "工作岗位"),
    "work_position": ("工作单位及职务", "单位及职务", "工作单位"),
    "party_post": ("党内职务",),
    "joined_on": ("入党日期", "入党时间"),
    "full_on": ("转正日期", "转正时间"),
    "status": ("党员状态", "人员类别", "党员类别"),
    "organization": ("所在党组织", "所在党支部", "所在支部", "党组织名称"),
    "phone": ("手机号码", "手机号", "联系电话", "联系方式"),
    "work_started_on": ("参加工作时间", "参加工作日期"),
    "remarks": ("备注",),
}
REQUIRED = ("name", "id_number", "joined_on")
KEY_COLUMNS = ("name", "id_number", "joined_on", "full_on", "organization")
TEXT_LIMITS = {
    "name": 50,
    "ethnicity": 20,
    "native_place": 50,
    "degree": 20,
    "work_position": 100,
    "party_post": 50,
    "remarks": 1000,
}
EDUCATION_ALIASES = {
    "本科": Education.UNDERGRADUATE,
    "大学": Education.UNDERGRADUATE,
    "大专": Education.JUNIOR_COLLEGE,
    "专科": Education.JUNIOR_COLLEGE,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
    "中技": Education.TECHNICAL,
    "技校": Education.TECHNICAL,
    "职高": Education.HIGH_SCHOOL,
    "初中": Education.MIDDLE_SCHOOL,
    "小学": Education.MIDDLE_SCHOOL,
}
STATUS_BY_LABEL = {label: value for value, label in MemberStatus.choices}
# Fields set from the file when their column is present.
PLAIN_FIELDS = EDITABLE_FIELDS
DATE_FIELDS = ("birth_date", "joined_on", "full_on", "work_started_on")
GENDERS = frozenset(Gender.values)
STATUSES = frozenset(MemberStatus.values)


@functools.cache
def _lookup(choices: type[TextChoices]) -> tuple[frozenset[str], dict[str, str]]:
    """An enum's values and label → value map, built once (Choices.values rebuilds a list per call)."""
    return frozenset(choices.values), {label: value for value, label in choices.choices}


def _choice(text: str, choices: type[TextChoices], aliases: Mapping[str, str], what: str) -> str:
    values, by_label = _lookup(choices)
    if text in values:
        return text
    if text in by_label:
        return by_label[text]
    if text in aliases:
        return aliases[text]
    allowed = "、".join(choices.values)
    raise CellError(f"{what}“{text}”无法识别，应为：{allowed}")


def parse_gender(raw: object) -> str:
    """The gender as written (男/女, a trailing 性 dropped); the row checks it against the ID number."""
    return clean_text(raw).removesuffix("性")


def parse_education(raw: object) -> str:
    """An Education value from its value, label or a common alias (本科, 大专, 硕士 …); "" if empty."""
    text = clean_text(raw)
    return _choice(text, Education, EDUCATION_ALIASES, "学历") if text else ""


def parse_occupation(raw: object) -> str:
    """An Occupation value from its value or label; "" if empty."""
    text = clean_text(raw)
    return _choice(text, Occupation, {}, "职业/人员类别") if text else ""


# What a column's values must look like for the mapping to take it as the field its header names
# (core.imports.mapping). Loose on purpose: a mistyped ID number or date is a row error, not a
# reason to doubt the column; a column of names under 身份证号 is.
_ID_SHAPE = re.compile(r"\d{10,18}[Xx]?")
_PHONE_SHAPE = re.compile(r"\+?[\d\- ()]{7,20}")


def _looks_like_id_number(raw: object) -> bool:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return raw >= 10**9  # a number cell: the row says it must be text
    return bool(_ID_SHAPE.fullmatch(clean_text(raw).replace(" ", "")))


def _looks_like_date(raw: object) -> bool:
    try:
        return parse_date(raw) is not None
    except CellError:
        return False


def _parses(parse: Callable[[object], str]) -> Callable[[object], bool]:
    def fits(raw: object) -> bool:
        try:
            parse(raw)
        except CellError:
            return False
        return True

    return fits


def _looks_like_name(raw: object) -> bool:
    text = clean_text(raw)
    return any(ch.isalpha() for ch in text)  # not a number, a date or an ID number


def _looks_like_status(raw: object) -> bool:
    text = clean_text(raw)
    return text in STATUS_BY_LABEL or text in STATUSES


CHECKS: dict[str, Check] = {
    "name": Check("姓名", _looks_like_name),
    "id_number": Check("公民身份号码", _looks_like_id_number),
    "gender": Check("性别", lambda raw: parse_gender(raw) in GENDERS),
    "education": Check("学历", _parses(parse_education)),
    "occupation": Check("职业/人员类别", _parses(parse_occupation)),
    "status": Check("党员状态", _looks_like_status),
    "phone": Check("电话号码", lambda raw: bool(_PHONE_SHAPE.fullmatch(clean_text(raw)))),
    **{name: Check("日期", _looks_like_date) for name in DATE_FIELDS},
}
SPEC = ColumnSpec(aliases=ALIASES, required=REQUIRED, checks=CHECKS)
