"""发展党员 rules (中国共产党发展党员工作细则 2014; domain-rules §3): pure functions, no ORM.

Every rule returns the breaches it finds as `Breach(field, message)`; the message names the rule in
Chinese, so a refused form, an import row error and the pipeline board all say the same thing.
`evaluate(facts, policy, today)` runs every rule over one person's recorded dates; services refuse a
change that adds a breach, the import reports each breach as a row error.

Local practice ([C] in domain-rules) is a `Policy` default, never hard-coded: the 公示 stages and
length, how the activist's year is counted, the training minimums.

One module per concern; callers use `recruitment.rules.<name>` (the names below); each clause's
check is in its module (`application`, `admission`), `evaluate` runs them all.
"""

from ronghe.recruitment.rules.admission import check_approval, check_publicity, publicity_end
from ronghe.recruitment.rules.application import check_age, check_talk, hours_text, training_hours
from ronghe.recruitment.rules.dates import add_months, age_on, full_on, joined_on, probation_end
from ronghe.recruitment.rules.evaluation import evaluate
from ronghe.recruitment.rules.facts import (
    APPROVAL_MONTHS,
    APPROVAL_MONTHS_MAX,
    APPROVE,
    CASE,
    DEFAULT_POLICY,
    EDIT,
    FULL_APPROVAL_MONTHS,
    PUBLICITY_LABELS,
    TALK_MONTHS,
    Breach,
    Facts,
    Person,
    Policy,
    policy_from,
)

__all__ = [
    "APPROVAL_MONTHS",
    "APPROVAL_MONTHS_MAX",
    "APPROVE",
    "Breach",
    "CASE",
    "DEFAULT_POLICY",
    "EDIT",
    "FULL_APPROVAL_MONTHS",
    "Facts",
    "PUBLICITY_LABELS",
    "Person",
    "Policy",
    "TALK_MONTHS",
    "add_months",
    "age_on",
    "check_age",
    "check_approval",
    "check_publicity",
    "check_talk",
    "evaluate",
    "full_on",
    "hours_text",
    "joined_on",
    "policy_from",
    "probation_end",
    "publicity_end",
    "training_hours",
]
