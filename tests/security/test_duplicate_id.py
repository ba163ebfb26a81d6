"""Issue 17 finding 7: registering an ID number already on the roll outside one's scope gets exactly the
answer a duplicate inside the scope gets — on the create page, the incoming-transfer page and the API —
and nothing says where (which organization, which member) the number is registered."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from ronghe.members.models import Member
from ronghe.members.services import reveal_id_number

pytestmark = pytest.mark.django_db

DUPLICATE = "公民身份号码：该号码已登记在册，不能重复登记"


def _form(cast, number: str) -> dict[str, str]:  # noqa: ANN001
    return {
        "name": "赵新",
        "gender": "男",
        "id_number": number,
        "organization": str(cast.branch_a.code),
        "status": "full",
        "ethnicity": "汉族",
        "joined_on": "2015-07-01",
        "full_on": "2016-07-01",
        "counterpart": "外县某支部",
        "issued_on": "2026-03-01",
    }


def _answers(client, cast, number: str) -> dict[str, str]:  # noqa: ANN001
    data = _form(cast, number)
    out = {}
    for name in ("members:member-create", "members:transfer-incoming"):
        body = client.post(reverse(name), data).content.decode()
        body = re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", body.replace(number, "NUMBER"))
        out[name] = body
    api = {k: v for k, v in data.items() if k not in ("organization", "counterpart", "issued_on")}
    api["organization_code"] = str(cast.branch_a.code)
    response = client.post("/api/v1/members", json.dumps(api), content_type="application/json")
    out["api"] = f"{response.status_code} {response.content.decode()}"
    return out


def test_out_of_scope_number_gets_the_same_answer_as_any_duplicate(client_for, cast):
    inside, outside = cast.member_a_record, cast.member_b_record
    Member.objects.filter(pk__in=[inside.pk, outside.pk]).update(gender="男")
    client = client_for(cast.secretary_a)
    same_scope = _answers(client, cast, reveal_id_number(inside))
    other_scope = _answers(client, cast, reveal_id_number(outside))
    for where, text in same_scope.items():
        assert other_scope[where].splitlines() == text.splitlines(), where
    for text in other_scope.values():
        assert DUPLICATE in text or DUPLICATE.encode("unicode_escape").decode() in text
        for leak in (outside.name, cast.branch_b.name, cast.org_b.name, str(outside.code)):
            assert leak not in text
    assert Member.objects.filter(name="赵新").count() == 0
