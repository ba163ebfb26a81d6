"""Organization rules (domain-rules §2): terms, elections and the setup warnings. Pure functions.

Counting follows the sources: 支部/支委会 thresholds count 正式党员; the 机关 总支/党委 thresholds
count all 党员 (正式 + 预备). "以上" includes the boundary; "超过" is strictly greater.
"""

from __future__ import annotations

import calendar
import math
import unicodedata
from dataclasses import dataclass
from datetime import date

from ronghe.orgs.choices import ELECTED_KINDS, OrgKind

SIX_MONTHS = 6
COMMITTEE_MIN_FULL_MEMBERS = 7
DANGER = "danger"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class OrgWarning:
    code: str
    level: str  # danger / warning / info
    message: str


@dataclass(frozen=True)
class OrgFacts:
    """What the warnings need to know about one organization (counts already aggregated)."""

    kind: str
    full_members: int  # 正式党员 directly in this organization
    members: int  # 党员 (正式 + 预备) directly in this organization
    subtree_members: int  # 党员 in the whole subtree
    committee_size: int  # current officers (书记, 副书记, 委员 …)
    joint_units: int = 0
    is_unit_top: bool = False  # the highest organization of its unit (its parent serves another unit)
    term_years: int = 3
    last_election_on: date | None = None


def default_term_years(kind: str) -> int:
    """Term of office (任期意见 2018; 机关条例 第五—七条): 机关党委 一般5年, 总支 and 支部 一般3年.

    The work committee itself is a 基层委员会 too (5 years). Editable per organization.
    """
    return 5 if kind in (OrgKind.PARTY_COMMITTEE, OrgKind.COMMITTEE) else 3


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier); the 31st of a short month becomes its last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(total, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def next_election_due(last_election_on: date | None, term_years: int) -> date | None:
    """The term ends `term_years` after the last election (选举条例 第三条: 按期换届)."""
    if last_election_on is None:
        return None
    return add_months(last_election_on, 12 * term_years)


def evaluate_election(
    kind: str, last_election_on: date | None, term_years: int, today: date
) -> OrgWarning | None:
    """换届 reminders (任期意见 三, 选举条例 第三条, domain-rules §2.4).

    - due within 6 months (today ≥ due − 6 months and today ≤ due) → "换届即将到期";
    - overdue (today > due) → "换届已逾期";
    - overdue by more than one year (today > due + 1 year; postponing is allowed by at most 1 year) → escalate.
    """
    if kind not in ELECTED_KINDS:
        return None
    due = next_election_due(last_election_on, term_years)
    if due is None:
        if kind == OrgKind.COMMITTEE:
            return None
        return OrgWarning("election_unknown", INFO, "未登记上次换届日期，无法提醒换届")
    if today > add_months(due, 12):
        return OrgWarning("election_overdue_year", DANGER, f"换届已逾期超过1年（应于 {due:%Y-%m-%d} 换届）")
    if today > due:
        return OrgWarning("election_overdue", DANGER, f"换届已逾期（应于 {due:%Y-%m-%d} 换届）")
    if today >= add_months(due, -SIX_MONTHS):
        return OrgWarning("election_due", WARNING, f"将于 {due:%Y-%m-%d} 任期届满，请准备换届")
    return None


def has_committee(full_members: int) -> bool:
    """支部条例 第六章 (domain-rules §2.1): a branch with 7 or more 正式党员 ("7人以上", the boundary
    included) sets up a 支部委员会; with fewer it has none (1 书记, and 1 副书记 if needed).
    预备党员 are not counted."""
    return full_members >= COMMITTEE_MIN_FULL_MEMBERS


def evaluate_branch(facts: OrgFacts) -> list[OrgWarning]:
    """支部条例 第四—六条 (domain-rules §2.1) for 党支部 and 联合党支部.

    - 正式党员 < 3 → cannot stand as a branch (form a 联合党支部 instead);
    - 正式党员 ≥ 7 ("7人以上") → must have a 支部委员会 of 3–5, normally at most 7: warn if < 3 or > 7;
    - 党员 > 50 ("一般不超过50人") → too large, split or upgrade to a 总支;
    - a 联合党支部 covering more than 5 units ("一般不超过5个").
    """
    if facts.kind not in (OrgKind.BRANCH, OrgKind.JOINT_BRANCH):
        return []
    out: list[OrgWarning] = []
    if facts.full_members < 3:
        out.append(OrgWarning("branch_too_small", WARNING, f"正式党员 {facts.full_members} 人，不足3人"))
    if has_committee(facts.full_members) and not 3 <= facts.committee_size <= 7:
        if facts.committee_size < 3:
            text = f"正式党员 {facts.full_members} 人（7人以上），应设支部委员会（3–5人），现有委员 {facts.committee_size} 人"
        else:
            text = f"支部委员会 {facts.committee_size} 人，一般不超过5人、最多7人"
        out.append(OrgWarning("committee_missing", WARNING, text))
    if facts.members > 50:
        out.append(
            OrgWarning(
                "branch_too_large", WARNING, f"党员 {facts.members} 人，超过50人，宜分设支部或成立总支"
            )
        )
    if facts.kind == OrgKind.JOINT_BRANCH and facts.joint_units > 5:
        out.append(
            OrgWarning("joint_too_many_units", WARNING, f"联合党支部覆盖 {facts.joint_units} 个单位，超过5个")
        )
    return out


def evaluate_unit_level(facts: OrgFacts) -> list[OrgWarning]:
    """机关条例 第五、六条 (domain-rules §2.1): 党员 100人以上 → 机关党委; 50人以上、100人以下 → 总支.

    Exactly 100 falls in both bands; the ≥100 rule is applied first. Counts all 党员 of the subtree.
    Fewer members are allowed with 上级 approval, so a small 总支/机关党委 is only a reminder.
    """
    n = facts.subtree_members
    if facts.kind == OrgKind.PARTY_COMMITTEE:
        if n < 100:
            return [
                OrgWarning("party_committee_small", INFO, f"党员 {n} 人，不足100人，设立机关党委须经上级批准")
            ]
        return []
    if facts.kind == OrgKind.GENERAL_BRANCH:
        if n >= 100:
            return [
                OrgWarning("should_be_party_committee", WARNING, f"党员 {n} 人（100人以上），应设立机关党委")
            ]
        if n < 50:
            return [
                OrgWarning("general_branch_small", INFO, f"党员 {n} 人，不足50人，设立党总支须经上级批准")
            ]
        return []
    if facts.kind == OrgKind.BRANCH and facts.is_unit_top:
        if n >= 100:
            return [
                OrgWarning(
                    "should_be_party_committee", WARNING, f"本单位党员 {n} 人（100人以上），应设立机关党委"
                )
            ]
        if n >= 50:
            return [
                OrgWarning(
                    "should_be_general_branch", WARNING, f"本单位党员 {n} 人（50人以上），应设立党总支"
                )
            ]
    return []


def evaluate_organization(facts: OrgFacts, today: date) -> list[OrgWarning]:
    """All setup and term warnings for one organization, most serious first."""
    out = evaluate_branch(facts) + evaluate_unit_level(facts)
    election = evaluate_election(facts.kind, facts.last_election_on, facts.term_years, today)
    if election is not None:
        out.append(election)
    order = {DANGER: 0, WARNING: 1, INFO: 2}
    return sorted(out, key=lambda w: order[w.level])


def required_full_time_workers(staff_count: int) -> int:
    """机关条例 第三十条: full-time 党务 staff are 1%–2% of the unit's staff, and a unit with few staff
    still has a designated person: at least ceil(1% of staff), and at least 1 when there is any staff."""
    return math.ceil(staff_count / 100) if staff_count > 0 else 0


def evaluate_party_workers(staff_count: int, full_time: int) -> OrgWarning | None:
    """Warn when full-time party workers are fewer than 1% of the unit's staff (full_time × 100 < staff)."""
    if staff_count <= 0 or full_time * 100 >= staff_count:
        return None
    need = required_full_time_workers(staff_count)
    return OrgWarning(
        "party_workers_short",
        WARNING,
        f"专职党务干部 {full_time} 人，低于在编人数 {staff_count} 人的1%（应至少 {need} 人）",
    )


def election_on_time(kind: str, last_election_on: date | None, term_years: int, as_of: date) -> bool | None:
    """按期换届 as of a day (选举条例 第三条, 任期意见 二): the term `evaluate_election` judges has not
    expired (换届 on the due day itself is on time). None when it cannot be told: a kind that holds
    no elections, or no last election on record."""
    if kind not in ELECTED_KINDS or last_election_on is None:
        return None
    warning = evaluate_election(kind, last_election_on, term_years, as_of)
    return warning is None or warning.code not in ("election_overdue", "election_overdue_year")


def officers_complete(facts: OrgFacts, has_secretary: bool) -> bool:
    """The officers a branch's size requires (支部条例 第四—六章, domain-rules §2.1–2.2): with 7 or more
    正式党员 a 支部委员会 of 3–7 (`evaluate_branch`'s committee rule), with fewer no committee; a 书记
    in either case (a branch without a committee has "1 书记")."""
    committee_ok = not any(w.code == "committee_missing" for w in evaluate_branch(facts))
    return has_secretary and committee_ok


# ---------------------------------------------------------------- 统一社会信用代码 (GB 32100-2015)

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 3^(i−1) mod 31, i = 1…17 from the left
CREDIT_UNUSED = "IOSVZ"
# 登记管理部门代码 (position 1) and, where security.md B.2 lists them, the 机构类别代码 it allows (position 2).
CREDIT_AUTHORITIES = frozenset("123456789ANY")
CREDIT_CATEGORIES = {"1": "1239", "5": "1239", "9": "123"}


@dataclass(frozen=True)
class CreditCodeCheck:
    """`code` normalised; `problem` a structural fault (refuse); `check_mismatch` the 18th character is not the
    computed check character (`expected`): refused unless the user confirms the code as issued (security.md B.2:
    issued codes failing the check are reported, so a mismatch is confirm-and-audit, not a hard reject)."""

    code: str
    problem: str = ""
    check_mismatch: bool = False
    expected: str = ""

    @property
    def valid(self) -> bool:
        return not self.problem and not self.check_mismatch


def normalize_credit_code(text: str) -> str:
    """NFKC (full-width to half-width), upper case, spaces and hyphens removed (security.md B.2 step 1)."""
    return unicodedata.normalize("NFKC", text or "").upper().replace(" ", "").replace("-", "")


def credit_check_character(first17: str) -> str:
    """GB 32100-2015 校验码: C18 = (31 − Σ Ci·Wi mod 31) mod 31 over positions 1–17, Wi = 3^(i−1) mod 31,
    mapped back through the 31-character alphabet."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def check_credit_code(text: str) -> CreditCodeCheck:
    """统一社会信用代码 (GB 32100-2015, security.md B.2): 18 characters of the alphabet (digits and capital
    letters without I, O, S, V, Z), position 1 a registration authority and position 2 a category it allows,
    positions 3–8 the area code (digits), position 18 the check character. Lower case and full-width input
    is normalised first; an empty code is no code (blank allowed) and is valid."""
    code = normalize_credit_code(text)
    if not code:
        return CreditCodeCheck(code)
    if len(code) != 18:
        return CreditCodeCheck(code, f"应为18位，现为{len(code)}位")
    for i, c in enumerate(code, start=1):
        if c in CREDIT_UNUSED:
            return CreditCodeCheck(code, f"第{i}位“{c}”：统一社会信用代码不使用字母 I、O、S、V、Z")
        if c not in CREDIT_ALPHABET:
            return CreditCodeCheck(code, f"第{i}位“{c}”不是有效字符，只能是数字和大写字母")
    if code[0] not in CREDIT_AUTHORITIES:
        return CreditCodeCheck(code, f"第1位“{code[0]}”不是有效的登记管理部门代码")
    allowed = CREDIT_CATEGORIES.get(code[0])
    if allowed is not None and code[1] not in allowed:
        return CreditCodeCheck(
            code, f"第2位“{code[1]}”不是有效的机构类别代码（第1位为“{code[0]}”时应为{'、'.join(allowed)}）"
        )
    if not code[2:8].isdigit():
        return CreditCodeCheck(code, "第3–8位应为登记管理机关的行政区划代码（6位数字）")
    expected = credit_check_character(code[:17])
    if code[17] != expected:
        return CreditCodeCheck(code, check_mismatch=True, expected=expected)
    return CreditCodeCheck(code)


def credit_mismatch_message(check: CreditCodeCheck) -> str:
    return (
        f"校验位不符：按 GB 32100 计算第18位应为“{check.expected}”，填写的是“{check.code[17]}”。"
        "请核对；如确认与证照一致，请勾选“校验位不符，确认与证照一致”后保存"
    )
