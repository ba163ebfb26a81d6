"""Member points use-cases: the ledger, yearly totals, claims, year end, the default scheme.

Every change to the ledger refreshes the affected members' yearly results in the same
transaction (`refresh_member_years`); `recompute_year` rebuilds them from SQL aggregates and
must agree exactly. Finalized years are frozen: nothing dated in them is written.

One module per concern; callers use `points.services.<name>`.
"""

from ronghe.points.services.claims import submit_claim, transition_claim
from ronghe.points.services.dues import sync_late_dues
from ronghe.points.services.ledger import (
    adjust_points,
    record_activity_points,
    remove_meeting_points,
    sync_meeting_points,
)
from ronghe.points.services.resolve import FROZEN_MESSAGE, PointsError, Resolver, scheme_for
from ronghe.points.services.results import recompute_year, refresh_member_years
from ronghe.points.services.sanctions import sync_sanction_vetoes
from ronghe.points.services.schemes import activate_points_scheme, seed_default_scheme
from ronghe.points.services.year_end import finalize_year, start_publicity

__all__ = [
    "FROZEN_MESSAGE",
    "PointsError",
    "Resolver",
    "activate_points_scheme",
    "adjust_points",
    "finalize_year",
    "recompute_year",
    "record_activity_points",
    "refresh_member_years",
    "remove_meeting_points",
    "scheme_for",
    "seed_default_scheme",
    "start_publicity",
    "submit_claim",
    "sync_late_dues",
    "sync_meeting_points",
    "sync_sanction_vetoes",
    "transition_claim",
]
