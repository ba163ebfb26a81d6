"""The one workflow mechanism: processes declared as tables, one `transition()`, one history.

A process is a `Process` (pure data, `process.py`) listing `(state, action) → Step`. Services call
`services.transition(process, obj, action, by=..., comment=...)`: it checks the step, the actor's
permission at the object's organization (declared, or read from the object: `permission_from`), who may not act (the applicant), a required comment, applies the
step with a conditional UPDATE (two concurrent actors cannot both succeed), and writes one `History` row
and one audit entry in one transaction. Deadlines per state are counted in working days (`core.workdays`)
so `services.overdue()` lists what waits too long.
"""

from ronghe.core.workflow.process import OWNER, SYSTEM, Process, Step

__all__ = ["OWNER", "SYSTEM", "Process", "Step"]
