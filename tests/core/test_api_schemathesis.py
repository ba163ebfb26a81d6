"""A real client: schemathesis walks every operation of /api/v1 with generated input (issue 17 item 13).

It calls the Django app in process (WSGI), authenticated with a Bearer token of the 工委管理员 at the
root of the standard cast (the widest business rights), and requires no server error, every answer
conforming to the schema of its operation, and every status documented (each operation declares ERRORS).
Generated codes are unknown to the database (a 404 or 422 every time), so in about half of the examples
the codes are swapped for real ones of subtree A (`tests.routes.API_SAMPLES`, the cast's organizations
and members), and the answers that carry data (200) are checked too.
Bounded and deterministic: derandomized, `MAX_EXAMPLES` per operation.
"""

from __future__ import annotations

import os
import zlib
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from ronghe.accounts.services import issue_token
from tests import routes

# More for a local hunt: RONGHE_SCHEMATHESIS_EXAMPLES=500 pytest tests/core/test_api_schemathesis.py
MAX_EXAMPLES = int(os.environ.get("RONGHE_SCHEMATHESIS_EXAMPLES", "100"))
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


ORG_FIELDS = {"organization", "parent", "org", "organization_code", "parent_code"}
MEMBER_FIELDS = {"member", "member_code", "host_code", "recorder_code"}


def _swap(value: Any, codes: dict[str, str]) -> Any:
    """Code-valued fields (by name) in a query or body, nested lists and objects included, made real."""
    if isinstance(value, dict):
        return {
            k: codes[k] if k in codes and isinstance(v, str) else _swap(v, codes) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_swap(v, codes) for v in value]
    return value


def _use_real_codes(case: Any, cast: Any) -> None:
    # decided by the example's content, so hypothesis replays (and shrinks) it the same way
    if zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 2:
        return
    codes = {name: str(cast.branch_a.code) for name in ORG_FIELDS}
    codes |= {name: str(cast.member_a_record.code) for name in MEMBER_FIELDS}
    path = case.operation.path
    if case.path_parameters and path in routes.API_SAMPLES:
        real = {k: str(v) for k, v in routes.API_SAMPLES[path](cast).items()}
        case.path_parameters = {**case.path_parameters, **real}
    if isinstance(case.query, dict):
        case.query = _swap(case.query, codes)
    if isinstance(case.body, (dict, list)):
        case.body = _swap(case.body, codes)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler's request signals would close the connection of the
    test's transaction (on PostgreSQL; SQLite's in-memory database ignores the close)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(cast) -> str:  # noqa: ANN001
    return issue_token(user=cast.committee_admin).secret


# Loaded at collection, from the app itself (the schema view needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db(transaction=False)
def test_api_conforms_to_its_schema(case: Any, cast: Any, token: str) -> None:
    _use_real_codes(case, cast)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
