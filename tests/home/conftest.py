# The organizational-life fixtures (a branch with members, recording a meeting) for the dashboard's tests.
from tests.orglife.conftest import branch_members, record  # noqa: F401
