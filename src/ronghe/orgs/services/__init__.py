"""Organization use-cases: create, update, move a subtree, officers and party workers. Scoped and audited.

One module per concern; callers use `orgs.services.<name>`.
"""

from ronghe.orgs.services.errors import OrganizationError
from ronghe.orgs.services.officers import (
    add_party_worker,
    appoint_officer,
    end_officer,
    end_party_worker,
    officer_candidates,
)
from ronghe.orgs.services.organizations import (
    DISSOLVE_NAMES_SHOWN,
    ORG_FIELDS,
    create_organization,
    dissolve_organization,
    dissolved_roles,
    move_subtree,
    update_organization,
)
from ronghe.orgs.services.units import (
    UNIT_FIELDS,
    can_manage_units,
    create_unit,
    leader_candidates,
    remove_department,
    remove_leader,
    require_unit_manager,
    save_department,
    save_leader,
    update_unit,
)

__all__ = [
    "DISSOLVE_NAMES_SHOWN",
    "ORG_FIELDS",
    "OrganizationError",
    "UNIT_FIELDS",
    "add_party_worker",
    "appoint_officer",
    "can_manage_units",
    "create_organization",
    "create_unit",
    "dissolve_organization",
    "dissolved_roles",
    "end_officer",
    "end_party_worker",
    "leader_candidates",
    "move_subtree",
    "officer_candidates",
    "remove_department",
    "remove_leader",
    "require_unit_manager",
    "save_department",
    "save_leader",
    "update_organization",
    "update_unit",
]
