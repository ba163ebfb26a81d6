"""党费 use-cases: one function per intent, keyword-only, one transaction, scope checked, audited.

Rules come from `dues.rules`; the rate table and per-organization settings are data read here.
少交/免交, 正当理由 and the 支部大会 cases are `relief.py`.

One module per concern; callers use `dues.services.<name>`.
"""

from ronghe.dues.services.bases import reprice, set_base
from ronghe.dues.services.late_points import late_dues_changed
from ronghe.dues.services.monthly import BATCH, RunResult, open_cases, run_month
from ronghe.dues.services.payments import (
    pay_difference,
    record_collection,
    record_payment,
    record_use,
    record_voluntary,
)
from ronghe.dues.services.pricing import Due, due_for
from ronghe.dues.services.settings import (
    DEFAULT_SETTING,
    SETTING_FIELDS,
    Settings,
    rate_table_on,
    save_settings,
    settings_by_path,
    settings_for,
)

__all__ = [
    "BATCH",
    "DEFAULT_SETTING",
    "SETTING_FIELDS",
    "Due",
    "RunResult",
    "Settings",
    "due_for",
    "late_dues_changed",
    "open_cases",
    "pay_difference",
    "rate_table_on",
    "record_collection",
    "record_payment",
    "record_use",
    "record_voluntary",
    "reprice",
    "run_month",
    "save_settings",
    "set_base",
    "settings_by_path",
    "settings_for",
]
