"""Selection use-cases: open a campaign, nominate (eligibility and quota checked), judge, rank,
联审, 公示, announce and award. 两优一先 runs on the same engine with its own categories.

Scores come from the judges' sheets (`core.judging`), combined and ranked by `core.scoring.levels` on
the campaign's own scheme; 联审 and 公示 are the core mechanisms. Services are keyword-only, one
transaction each, audited; refusals are `DomainError`s with a Chinese message.

One module per concern; callers use `selections.services.<name>`.
"""

from ronghe.selections.services.announcement import announce, publication_of, publish
from ronghe.selections.services.errors import SelectionError
from ronghe.selections.services.judging import standings, start_judging
from ronghe.selections.services.nominations import (
    SUBJECT_TYPE,
    check_eligibility,
    facts_for,
    nominate,
    nominees,
    period_of,
    unit_usage,
    withdraw,
)
from ronghe.selections.services.opening import (
    add_judge,
    criteria_scheme,
    judge_candidates,
    open_campaign,
    panel_of,
)
from ronghe.selections.services.review import (
    promote_runner_up,
    propose,
    replaceable,
    review_of,
    set_aside,
    upheld_in_publicity,
)

__all__ = [
    "SUBJECT_TYPE",
    "SelectionError",
    "add_judge",
    "announce",
    "check_eligibility",
    "criteria_scheme",
    "facts_for",
    "judge_candidates",
    "nominate",
    "nominees",
    "open_campaign",
    "panel_of",
    "period_of",
    "promote_runner_up",
    "propose",
    "publication_of",
    "publish",
    "replaceable",
    "review_of",
    "set_aside",
    "standings",
    "start_judging",
    "unit_usage",
    "upheld_in_publicity",
    "withdraw",
]
