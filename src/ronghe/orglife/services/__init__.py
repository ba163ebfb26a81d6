"""Use-cases of organizational life: one function per user intent, scoped and audited.

One module per concern; callers use `orglife.services.<name>`.
"""

from ronghe.orglife.services.decisions import (
    add_decision,
    add_voter_exclusion,
    delete_decision,
    remove_voter_exclusion,
    set_grades,
    voters_of,
)
from ronghe.orglife.services.evidence import (
    ALLOWED_UPLOADS,
    ATTACHMENT_FOLDER,
    add_attachment,
    check_in,
    check_out,
    correct_attendance,
    open_checkin,
)
from ronghe.orglife.services.meetings import (
    COMMITTEE_KINDS,
    MEETING_FIELDS,
    AttendanceEntry,
    OrgLifeError,
    advance_meetings,
    committee_on,
    delete_meeting,
    expected_attendees,
    expects_committee,
    members_for_attendance,
    record_meeting,
    refresh_quorum,
    update_meeting,
)
from ronghe.orglife.services.requirements import copy_requirements, update_policy, update_requirement

__all__ = [
    "ALLOWED_UPLOADS",
    "ATTACHMENT_FOLDER",
    "COMMITTEE_KINDS",
    "MEETING_FIELDS",
    "AttendanceEntry",
    "OrgLifeError",
    "add_attachment",
    "add_decision",
    "add_voter_exclusion",
    "advance_meetings",
    "check_in",
    "check_out",
    "committee_on",
    "copy_requirements",
    "correct_attendance",
    "delete_decision",
    "delete_meeting",
    "expected_attendees",
    "expects_committee",
    "members_for_attendance",
    "open_checkin",
    "record_meeting",
    "refresh_quorum",
    "remove_voter_exclusion",
    "set_grades",
    "update_meeting",
    "update_policy",
    "update_requirement",
    "voters_of",
]
