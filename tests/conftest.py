"""The standard cast: one tree with two sibling subtrees A and B, and users in each."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from ronghe.accounts.choices import Role
from ronghe.accounts.middleware import OTP_PENDING
from ronghe.accounts.models import User
from ronghe.members.models import Member
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization, Unit
from tests.factories import MemberFactory, OrganizationFactory, UnitFactory, UserFactory, grant

# The machine running CI may be loaded: property tests check rules, not speed.
settings.register_profile("ronghe", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ronghe")


@dataclass
class Cast:
    committee: Organization
    unit_a: Unit
    unit_b: Unit
    org_a: Organization  # 总支 of unit A
    branch_a: Organization
    org_b: Organization
    branch_b: Organization
    member_a_record: Member
    member_b_record: Member
    committee_admin: User  # 工委管理员 at the root
    secretary_a: User  # writer in A
    member_a: User  # plain member in A (own records only)
    outsider_b: User  # writer in B
    auditor: User
    sysadmin: User


@pytest.fixture
def cast(db) -> Cast:  # noqa: ANN001
    committee = OrganizationFactory(name="测试县直机关工委", kind=OrgKind.COMMITTEE)
    unit_a, unit_b = UnitFactory(name="甲局"), UnitFactory(name="乙局")
    org_a = OrganizationFactory(name="甲局总支", kind=OrgKind.GENERAL_BRANCH, parent=committee, unit=unit_a)
    branch_a = OrganizationFactory(name="甲局第一党支部", parent=org_a, unit=unit_a)
    org_b = OrganizationFactory(name="乙局总支", kind=OrgKind.GENERAL_BRANCH, parent=committee, unit=unit_b)
    branch_b = OrganizationFactory(name="乙局第一党支部", parent=org_b, unit=unit_b)
    member_a_record = MemberFactory(name="张甲", organization=branch_a)
    member_b_record = MemberFactory(name="李乙", organization=branch_b)

    committee_admin = UserFactory(username="gw")
    grant(committee_admin, Role.WORK_COMMITTEE_ADMIN, committee)
    secretary_a = UserFactory(username="sec_a")
    grant(secretary_a, Role.BRANCH_SECRETARY, org_a)
    member_a = UserFactory(username="mem_a", member=member_a_record)
    grant(member_a, Role.MEMBER, branch_a)
    outsider_b = UserFactory(username="sec_b")
    grant(outsider_b, Role.BRANCH_SECRETARY, org_b)
    auditor = UserFactory(username="auditor")
    grant(auditor, Role.AUDIT_ADMIN, committee)
    sysadmin = UserFactory(username="sysadmin")
    grant(sysadmin, Role.SYSTEM_ADMIN, committee)
    return Cast(
        committee,
        unit_a,
        unit_b,
        org_a,
        branch_a,
        org_b,
        branch_b,
        member_a_record,
        member_b_record,
        committee_admin,
        secretary_a,
        member_a,
        outsider_b,
        auditor,
        sysadmin,
    )


@pytest.fixture
def client_for(client):  # noqa: ANN001, ANN201
    """Log the test client in as a user: `client_for(cast.secretary_a)`."""

    def login(user: User):  # noqa: ANN202
        client.force_login(user)
        return client

    return login


_force_login = Client.force_login


@pytest.fixture(autouse=True)
def _force_login_includes_second_factor(monkeypatch):  # noqa: ANN001, ANN202
    """`client.force_login(user)` (and `journey.login`) stands for a finished login, the second factor
    included. The two-factor tests sign in through the login form, which leaves the OTP step pending."""

    def force_login(self: Client, user: User, backend: str | None = None) -> None:
        _force_login(self, user, backend)
        session = self.session
        if session.pop(OTP_PENDING, None):
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


# CI (`.ci/run`) sets RONGHE_TIMES_BY_DIR=1: the seconds each test directory took (setup, call and
# teardown summed over the workers), so the next change to the suite's length knows where to look.
_seconds_by_dir: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    parts = report.nodeid.split("::")[0].split("/")
    key = "/".join(parts[:2]) if len(parts) > 2 else parts[0]
    _seconds_by_dir[key] = _seconds_by_dir.get(key, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    if not os.environ.get("RONGHE_TIMES_BY_DIR") or not _seconds_by_dir:
        return
    terminalreporter.section("seconds by test directory (all workers)")
    total = sum(_seconds_by_dir.values())
    for key, seconds in sorted(_seconds_by_dir.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{seconds:8.0f} s  {seconds / total:5.1%}  {key}")
    terminalreporter.write_line(f"{total:8.0f} s  total")


# The longest tests start first (and the Makefile runs xdist with --dist worksteal), so the workers finish
# together instead of one running a four-minute test alone at the end. From `.ci/run`'s slowest list.
LONGEST_FIRST = (
    "tests/browser/test_accessibility.py",
    "tests/browser/test_tour.py",
    "tests/security/test_csrf.py::test_get_never_changes_state",
    "tests/demo/test_demo.py",
    "tests/core/test_words.py",
    "tests/workflow/test_migrations.py",
    "tests/server/",
)


def _django_group(item: pytest.Item) -> int:
    """pytest-django's order, kept: database tests, then transactional ones (their teardown empties the
    tables, the migrations' seeded rows too), then tests without a database."""
    fixtures = getattr(item, "fixturenames", [])
    marker = item.get_closest_marker("django_db")
    if (
        "transactional_db" in fixtures
        or "live_server" in fixtures
        or (marker and marker.kwargs.get("transaction"))
    ):
        return 1
    return 0 if marker or "db" in fixtures else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # after pytest-django's own sort (tryfirst): stable, so the rest keep their order within each group
    items.sort(key=lambda item: (_django_group(item), not item.nodeid.startswith(LONGEST_FIRST)))


# The migrations' seeded rows (meeting requirements, the 2008 dues rate table), put back after every
# transactional test: its teardown empties the tables, and with xdist's work stealing a worker may run
# database tests after one. Done after all the test's fixtures are torn down (the flush is one of them).
SEED_MIGRATIONS = (
    "ronghe.orglife.migrations.0003_seed_requirements",
    "ronghe.orglife.migrations.0005_seed_study_day",
    "ronghe.dues.migrations.0002_seed_rate_table",
)


_RAN = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):  # noqa: ANN201
    item.stash[_RAN] = True  # its fixtures, the test database among them, were set up
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # noqa: ANN201
    yield
    # Only after a test that ran (a skipped one never set the test database up: the connection would
    # still name the real one), and not after the last test of a run (the test database is gone).
    if nextitem is None or not item.stash.get(_RAN, False) or _django_group(item) != 1:
        return
    from importlib import import_module

    from django.apps import apps
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for name in SEED_MIGRATIONS:
            import_module(name).seed(apps, None)
