"""The roster's columns: the headers each field is found under, which are required, length limits,
the vocabularies of the enum columns and the parsers for those cells (pure functions).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from django.db.models import TextChoices

from ronghe.core.imports.errors import CellError
from ronghe.core.imports.values import clean_text
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
