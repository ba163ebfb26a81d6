"""Issue 17 finding 7: `Cache-Control: no-store` on every response with personal data — pages, htmx
fragments, unmasking, the API (reveal too), statements, ledgers and .docx/.xlsx downloads — set in one
place (core.middleware.NoStoreMiddleware), so no view can forget it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.crawl import api_get_urls, page_urls

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:  # noqa: ANN001
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_and_api_read_is_no_store(client, cast):
    client.force_login(cast.committee_admin)
    cached = []
    for url in page_urls(cast):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            if not _no_store(response):
                cached.append((url, response.status_code, response.get("Cache-Control")))
    for url in api_get_urls(client, cast):
        for params in ({}, {"reveal": "true"}):
            response = client.get(url, params)
            if not _no_store(response):
                cached.append((url, response.status_code, response.get("Cache-Control")))
    assert cached == []


def test_unmask_and_downloads_are_no_store(client, cast):
    member = cast.member_a_record
    client.force_login(cast.committee_admin)
    responses = {
        "unmask": client.post(reverse("members:member-unmask", args=[member.code])),
        "export": client.get(reverse("member_io:export"), {"download": "1"}),
        "card": client.get(reverse("member_io:member-card", args=[member.code])),
        "statement": client.get(reverse("points:member-statement", args=[member.code])),
        "statement docx": client.get(reverse("points:member-statement-docx", args=[member.code])),
        "ledger": client.get(reverse("orglife:ledger-xlsx", args=[cast.branch_a.code])),
        "points ledger": client.get(reverse("points:ledger-export", args=[cast.branch_a.code])),
    }
    assert {k: r.status_code for k, r in responses.items()} == dict.fromkeys(responses, 200)
    assert [k for k, r in responses.items() if not _no_store(r)] == []


def test_anonymous_and_error_responses_are_no_store_too(client, cast):
    assert _no_store(client.get(reverse("accounts:login")))
    client.force_login(cast.outsider_b)
    response = client.get(reverse("members:member-detail", args=[cast.member_a_record.code]))
    assert response.status_code == 404 and _no_store(response)
