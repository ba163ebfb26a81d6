"""发展党员 use-cases: register an application, record each step, the 考察 records; admission creates
the Member record and 转正 continues on the members status flow (`members.services.change_status`).

One module per concern; callers use `recruitment.services.<name>`.
"""

from ronghe.recruitment.services.applications import create_case
from ronghe.recruitment.services.errors import RecruitmentError
from ronghe.recruitment.services.facts import breaches, facts_of, person, policy, recorded_training
from ronghe.recruitment.services.imported import IMPORTED_FACTS, case_from, import_case
from ronghe.recruitment.services.observations import OBSERVED_STAGES, add_observation
from ronghe.recruitment.services.recording import (
    APPROVING_ACTIONS,
    FIELDS,
    PUBLICITY_OF,
    REQUIRED,
    allowed_actions,
    can_record,
    permission_for,
    record_step,
    require_record,
)

__all__ = [
    "APPROVING_ACTIONS",
    "FIELDS",
    "IMPORTED_FACTS",
    "OBSERVED_STAGES",
    "PUBLICITY_OF",
    "REQUIRED",
    "RecruitmentError",
    "add_observation",
    "allowed_actions",
    "breaches",
    "can_record",
    "case_from",
    "create_case",
    "facts_of",
    "import_case",
    "permission_for",
    "person",
    "policy",
    "record_step",
    "recorded_training",
    "require_record",
]
