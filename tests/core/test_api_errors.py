"""Every API error has one shape: {"detail": "<中文>"}, and on 422 also {"errors": {field: [message]}}.

The last test walks every operation of the OpenAPI schema as a user who may call it, with bad input of
every kind (not JSON, wrong types, out-of-range paging, unknown codes), and checks each answer.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date
from typing import Any

import pytest

from ronghe.accounts.choices import Role
from ronghe.orgs.models import Organization
from ronghe.points.services import seed_default_scheme
from tests import routes
from tests.core.test_routes import _fill_api
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db
HAN = re.compile(r"[\u4e00-\u9fff]")
ERROR_STATUSES = {"400", "401", "403", "404", "422"}


def assert_error_shape(response: Any, where: Any = None) -> dict[str, Any]:
    """The one shape: JSON, a Chinese `detail`; on 422 `errors` maps fields to lists of strings."""
    assert response.status_code != 500, where
    assert response["Content-Type"].startswith("application/json"), (where, response.content[:200])
    body = response.json()
    assert isinstance(body.get("detail"), str) and HAN.search(body["detail"]), (where, body)
    if response.status_code == 422:
        assert set(body) == {"detail", "errors"}, (where, body)
        assert isinstance(body["errors"], dict) and body["errors"], (where, body)
        for field, messages in body["errors"].items():
            assert isinstance(field, str), (where, body)
            assert isinstance(messages, list) and messages, (where, body)
            assert all(isinstance(m, str) and m for m in messages), (where, body)
    else:
        assert set(body) == {"detail"}, (where, body)
    return body


def _post(client, url: str, body: Any, method: str = "post"):  # noqa: ANN001, ANN202
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


# ------------------------------------------------------------------ each kind of error


def test_schema_error_names_the_fields_in_chinese(client_for, cast):
    response = _post(
        client_for(cast.secretary_a),
        "/api/v1/organizations",
        {"name": "", "kind": "branch", "parent_code": str(cast.org_a.code), "term_years": 99},
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "输入有误：name 不能为空；term_years 不能大于 10",
        "errors": {"name": ["不能为空"], "term_years": ["不能大于 10"]},
    }
    assert not Organization.objects.filter(parent=cast.org_a, name="").exists()


def test_form_error_names_the_field_by_its_label(client_for, cast):
    response = _post(
        client_for(cast.secretary_a),
        "/api/v1/organizations",
        {
            "name": "甲局联合支部",
            "kind": "branch",
            "parent_code": str(cast.org_a.code),
            "joint_units": ["甲局"],
        },
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "联合支部覆盖单位：只有联合党支部可以选择覆盖单位",
        "errors": {"joint_units": ["只有联合党支部可以选择覆盖单位"]},
    }
    assert not Organization.objects.filter(name="甲局联合支部").exists()


def test_domain_error_from_a_service_is_422_on_its_field(client_for, cast):
    seed_default_scheme(organization=cast.committee, year=date.today().year)
    response = _post(
        client_for(cast.member_a),
        "/api/v1/points/claims",
        {
            "indicator": "theme_day",
            "occurred_on": date.today().isoformat(),
            "points": "3",
            "description": "x",
        },
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "该指标由系统自动采集，不能申报",
        "errors": {"indicator": ["该指标由系统自动采集，不能申报"]},
    }


@pytest.mark.parametrize(
    ("url", "query", "field", "message"),
    [
        ("/api/v1/organizations", {"offset": -1}, "offset", "不能小于 0"),
        ("/api/v1/organizations", {"offset": 10**12}, "offset", "不能大于 10000000"),
        ("/api/v1/members", {"offset": 10**30}, "offset", "不能大于 10000000"),
        ("/api/v1/members", {"limit": 0}, "limit", "不能小于 1"),
        ("/api/v1/orglife/meetings", {"offset": -1}, "offset", "不能小于 0"),
        ("/api/v1/orglife/meetings", {"limit": 201}, "limit", "不能大于 200"),
        ("/api/v1/points/claims", {"offset": -1}, "offset", "不能小于 0"),
        ("/api/v1/points/claims", {"limit": 501}, "limit", "不能大于 500"),
        ("/api/v1/points/grades", {"offset": 10**12}, "offset", "不能大于 10000000"),
        ("/api/v1/points/grades", {"offset": "前面"}, "offset", "应为整数"),
        ("/api/v1/orglife/compliance", {"year": 10**30}, "year", "不能大于 2100"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.startswith("/") else None,
)
def test_paging_out_of_range_is_422(client_for, cast, url, query, field, message):
    response = client_for(cast.committee_admin).get(url, query)
    assert response.status_code == 422
    assert response.json() == {"detail": f"输入有误：{field} {message}", "errors": {field: [message]}}


def test_points_entries_out_of_range_is_422(client_for, cast):
    response = client_for(cast.committee_admin).get(
        "/api/v1/points/entries", {"member": str(cast.member_a_record.code), "offset": -1}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"offset": ["不能小于 0"]}


def test_body_that_is_not_json_is_400(client_for, cast):
    response = client_for(cast.secretary_a).post(
        "/api/v1/organizations", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是有效的 JSON"}


def test_not_found_forbidden_and_unauthenticated_carry_a_chinese_detail(client, client_for, cast):
    # given: a reader of the whole tree (评委, read only)
    reader = UserFactory()
    grant(reader, "judge", cast.committee)
    url = f"/api/v1/organizations/{cast.branch_a.code}"
    # when / then
    assert client.get(url).json() == {"detail": "请先登录，或在 Authorization 头中提供有效的访问令牌"}
    outsider = client_for(cast.outsider_b).get(url)
    assert (outsider.status_code, outsider.json()) == (404, {"detail": "未找到或无权访问"})
    refused = client_for(reader).patch(url, data={"name": "改"}, content_type="application/json")
    assert (refused.status_code, refused.json()) == (403, {"detail": "您没有执行此操作的权限"})
    assert Organization.objects.get(pk=cast.branch_a.pk).name == "甲局第一党支部"


def test_every_operation_documents_the_error_shape(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert set(spec["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "errors"}
    undocumented = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status in ERROR_STATUSES:
                schema = op["responses"].get(status, {}).get("content", {}).get("application/json", {})
                if schema.get("schema") != {"$ref": "#/components/schemas/ErrorOut"}:
                    undocumented.append((method, path, status))
    assert undocumented == []


# ------------------------------------------------------------------ every operation, bad input


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(spec, option)
    return schema


def _wrong(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A value of the wrong type for `schema`."""
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    if kind == "string":
        return {"uuid": "不是编码", "date": "2026-13-45", "date-time": "昨天上午"}.get(
            schema.get("format"), 12345
        )
    if kind in ("integer", "number"):
        return "很多"
    if kind == "boolean":
        return "也许"
    if kind == "array":
        return "不是列表"
    if "enum" in schema:
        return "no_such_choice"
    return "不是对象"


def _plausible(spec: dict[str, Any], schema: dict[str, Any], huge: bool = False) -> Any:
    """A value of the right type that names nothing: unknown codes, future dates; numbers of 1 or huge."""
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "string":
        return {"uuid": str(uuid.uuid4()), "date": "2099-01-01", "date-time": "2099-01-01T09:00:00"}.get(
            schema.get("format"), "无此项"
        )
    if kind in ("integer", "number"):
        return 10**30 if huge else 1
    if kind == "boolean":
        return True
    if kind == "array":
        return [_plausible(spec, schema.get("items", {}), huge)]
    props = schema.get("properties", {})
    return {name: _plausible(spec, prop, huge) for name, prop in props.items()}


def _query_cases(spec: dict[str, Any], params: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cases = []
    for param in params:
        schema = _resolve(spec, param.get("schema", {}))
        name = param["name"]
        if schema.get("type") == "integer":
            cases += [{name: v} for v in ("很多", -1, 10**12, 10**30)]
        elif schema.get("format") == "uuid":
            cases += [{name: "不是编码"}, {name: str(uuid.uuid4())}]
        elif schema.get("type") == "boolean":
            cases.append({name: "也许"})
        else:
            cases.append({name: "长" * 300})
    return cases


@pytest.fixture
def caller(cast):
    """Member A's account, also 工委管理员 at the root: may call every operation, has own points."""
    grant(cast.member_a, Role.WORK_COMMITTEE_ADMIN, cast.committee)
    seed_default_scheme(organization=cast.committee, year=date.today().year)
    return cast.member_a


def test_every_operation_answers_bad_input_in_the_one_shape(client, cast, caller):
    spec = client.get("/api/v1/openapi.json").json()
    client.force_login(caller)
    errors_per_operation: dict[tuple[str, str], int] = {}
    for path, ops in spec["paths"].items():
        samples = routes.API_SAMPLES[path](cast) if "{" in path else {}
        url = _fill_api(path, samples)
        for method, op in ops.items():
            key, seen = (method, path), 0
            requests: list[tuple[str, dict[str, Any]]] = []
            if "{" in path:
                requests.append((_fill_api(path, {k: uuid.uuid4() for k in samples}), {}))
            query = [p for p in op.get("parameters", []) if p["in"] == "query"]
            requests += [(url, {"query": q}) for q in _query_cases(spec, query)]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body is not None:
                props = _resolve(spec, body).get("properties", {})
                requests += [
                    (url, {"raw": "{not json"}),
                    (url, {"raw": "[]"}),
                    (url, {"raw": json.dumps({name: _wrong(spec, p) for name, p in props.items()})}),
                    (url, {"raw": json.dumps(_plausible(spec, body))}),
                    (url, {"raw": json.dumps(_plausible(spec, body, huge=True))}),
                ]
                requests += [
                    (url, {"raw": json.dumps({**_plausible(spec, body), name: _wrong(spec, p)})})
                    for name, p in props.items()
                ]
            for target, how in requests:
                if "raw" in how:
                    response = getattr(client, method)(
                        target, data=how["raw"], content_type="application/json"
                    )
                elif method == "get":
                    response = client.get(target, how.get("query"))
                else:
                    query_string = "&".join(f"{k}={v}" for k, v in how.get("query", {}).items())
                    response = getattr(client, method)(
                        f"{target}?{query_string}", data="{}", content_type="application/json"
                    )
                if response.status_code >= 400:
                    assert_error_shape(response, (method.upper(), target, how))
                    seen += 1
            if requests:  # an operation without input (GET /me) has no bad input to send
                errors_per_operation[key] = seen
    assert len(errors_per_operation) >= 15
    assert [key for key, seen in errors_per_operation.items() if seen == 0] == []


def test_every_operation_refuses_anonymous_callers_in_the_one_shape(client, cast):
    spec = client.get("/api/v1/openapi.json").json()
    for path, ops in spec["paths"].items():
        url = _fill_api(path, routes.API_SAMPLES[path](cast) if "{" in path else {})
        for method in ops:
            if method == "get":
                response = client.get(url)
            else:
                response = getattr(client, method)(url, data="{}", content_type="application/json")
            assert response.status_code == 401, (method, url)
            assert_error_shape(response, (method, url))


# ------------------------------------------------------- found by schemathesis (test_api_schemathesis)


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        # a unit name with NUL went to the database: PostgreSQL's text cannot hold it, a 500
        ("post", "/api/v1/organizations", {"joint_units": ["甲\x00局"]}, "joint_units.0"),
        ("patch", "/api/v1/organizations/{branch}", {"joint_units": ["甲\x00局"]}, "joint_units.0"),
        ("patch", "/api/v1/organizations/{branch}", {"unit": "\x00"}, "unit"),
        ("patch", "/api/v1/members/{member}", {"name": "张\x00甲"}, "name"),
        ("get", "/api/v1/members?q=%00", None, "q"),
        ("get", "/api/v1/organizations?q=a%00b", None, "q"),
    ],
)
def test_nul_character_is_refused_on_its_field(client_for, cast, method, url, body, field):
    url = url.format(branch=cast.branch_a.code, member=cast.member_a_record.code)
    client = client_for(cast.committee_admin)
    if method == "get":
        response = client.get(url)
    else:
        payload = {"name": "甲局联合支部", "kind": "joint_branch", "parent_code": str(cast.org_a.code)} | body
        response = _post(client, url, payload, method)
    assert response.status_code == 422, response.content
    body_out = assert_error_shape(response)
    assert body_out["errors"] == {field: ["不能包含空字符（\\u0000）"]}


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [
        ("held_at", "2026-11-20T09:00:00-19:02", 422),  # PostgreSQL refused the offset: a 500
        ("ends_at", "2026-11-20T10:00:00+15:30", 422),
        ("held_at", "2026-11-20T09:00:00+14:00", 201),  # Kiribati: the last real offset
        ("held_at", "2026-11-20T09:00:00-12:00", 201),
    ],
)
def test_meeting_time_zone_offset_is_bounded(client_for, cast, field, value, status):
    body = {
        "organization_code": str(cast.branch_a.code),
        "kind": "party_lecture",
        "title": "党课",
        "held_at": "2026-11-20T09:00:00+08:00",
        # the branch's one member marked: a held meeting cannot be saved with anyone unmarked
        "attendance": [{"member_code": str(cast.member_a_record.code), "status": "present"}],
    } | {field: value}
    response = _post(client_for(cast.committee_admin), "/api/v1/orglife/meetings", body)
    assert response.status_code == status, response.content
    if status == 422:
        assert assert_error_shape(response)["errors"] == {
            field: [f"{'开始' if field == 'held_at' else '结束'}时间的时区偏移须在 -12:00 到 +14:00 之间"]
        }
