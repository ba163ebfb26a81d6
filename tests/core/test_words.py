"""No raw codes where a person reads (issue 16 item 14): every demo login walks the pages its
navigation leads to, and the text of each page carries no code ("branch", "party_lecture",
"auth.login"), no empty choice "---------" and no English from Django's defaults."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from ronghe.accounts.models import User
from ronghe.demo.generator import build_county

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)
SKIP = re.compile(r"logout|export|download|/files/|\.xlsx|\.csv|\.pdf|qr|print|/api/|/static/|/media/")
PER_LOGIN = 90  # pages per login (more modules, more navigation): the navigation and one sample of each kind of page below it

# snake_case or dotted lower-case codes (party_lecture, auth.login, joint_branch); the choice values
# of OrgKind on their own ("branch" would also be an English word, so those are listed)
CODE = re.compile(r"(?<![\w./@-])[a-z]+(?:[_.][a-z]+)+(?![\w./@-])")
BARE_CODES = re.compile(r"(?<![\w-])(?:joint_branch|general_branch|leading_group|party_committee)(?![\w-])")
ENGLISH = re.compile(
    r"This field is required|Enter a valid|Select a valid choice|Ensure this value|---------|"
    r"\bNone\b|\bTrue\b|\bFalse\b"
)


def visible_text(body: str) -> str:
    """The page as read: no scripts, styles, tags or attributes (a title may keep the code)."""
    body = re.sub(r"<(script|style|template)\b.*?</\1>", " ", body, flags=re.S | re.I)
    body = re.sub(r"<code\b.*?</code>", " ", body, flags=re.S | re.I)  # shown as code on purpose
    body = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(body)


def pattern(path: str) -> str:
    """One sample per kind of page: numbers and codes in the path collapse."""
    return re.sub(r"/[^/]*\d[^/]*(?=/)", "/#", path.split("?")[0])


def walk(client: Client, start: str) -> dict[str, str]:
    seen: set[str] = set()
    pages: dict[str, str] = {}
    queue = [start]
    while queue and len(pages) < PER_LOGIN:
        path = queue.pop(0)
        key = pattern(path)
        if key in seen or SKIP.search(path):
            continue
        seen.add(key)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        pages[path] = body
        for href in re.findall(r'href="(/[^"#]*)"', body):
            href = html.unescape(href)
            if pattern(href) not in seen:
                queue.append(href)
    return pages


def problems(body: str) -> list[str]:
    text = visible_text(body)
    found = [m.group(0) for m in CODE.finditer(text)]
    found += [m.group(0) for m in BARE_CODES.finditer(text)]
    found += [m.group(0) for m in ENGLISH.finditer(text)]
    # an empty <option> reads as a blank line; a select names what to pick (请选择 / 全部 / 不限 …)
    found += ["<option>（空）" for _ in re.findall(r'<option value=""[^>]*>\s*</option>', body)]
    return found


def post_nonsense(client: Client, path: str, body: str) -> str | None:
    """Submit the page's form with a value no field accepts: the errors come back on the page."""
    form = re.search(r'<form[^>]*method="post"[^>]*>(.*?)</form>', body, re.S | re.I)
    if form is None:
        return None
    data: dict[str, str] = {}
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", form.group(1)):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name is None or (kind and kind.group(1) in ("hidden", "file", "checkbox", "radio", "submit")):
            continue
        data[name.group(1)] = "x1"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1))
    if token:
        data["csrfmiddlewaretoken"] = token.group(1)
    response = client.post(path, data)
    return response.content.decode() if response.status_code == 200 else None


def test_pages_read_in_chinese_for_every_demo_login(time_machine):
    time_machine.move_to(datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    build_county(200, seed=3, today=TODAY)
    report: dict[str, list[str]] = {}
    walked = 0
    paths: set[str] = set()
    for user in User.objects.filter(is_demo=True).order_by("username"):
        client = Client()
        client.force_login(user)
        pages = walk(client, "/")
        walked += len(pages)
        for path, body in pages.items():
            found = problems(body)
            if re.search(r"/(create|update)/", path):
                paths.add(pattern(path))
                answer = post_nonsense(client, path, body)
                found += problems(answer) if answer else []
            if found:
                report[f"{user.username} {path}"] = sorted(set(found))[:8]
        paths |= {pattern(p) for p in pages}
    assert walked > 60
    # the pages this issue named were among them (the audit log, the requirements, a form posted)
    assert {"/audit/", "/orglife/requirements/", "/members/create/"} <= paths
    assert not report, "\n".join(f"{where}: {found}" for where, found in sorted(report.items()))


def test_audit_events_read_in_chinese_with_the_code_kept_in_the_title(client_for, cast):
    from ronghe.core import audit
    from ronghe.core.auditlabels import event_label, object_type_label

    # named events, a workflow step (its process's noun and action label), an unknown one
    assert event_label("auth.login") == "登录"
    assert event_label("points.claim_approve") == "申报：通过"
    assert event_label("orglife.something.export") == "组织生活：导出"
    assert event_label("brand_new") == "系统：其他操作"
    assert object_type_label("members.member") == "党员"
    assert object_type_label("nope.nothing") == "其他对象"
    audit.record("auth.login", username="gw")
    body = client_for(cast.auditor).get("/audit/").content.decode()
    assert '<span title="auth.login">登录</span>' in body


def test_a_refused_request_is_logged_on_one_line(client_for, cast, caplog):
    import logging

    # when a member opens a page they may not (a PermissionDenied raised in the view)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client_for(cast.member_a).get("/audit/").status_code == 403
    record = next(r for r in caplog.records if getattr(r, "status_code", None) == 403)
    # then the console handler writes one line, without the exception's traceback
    console = next(h for h in logging.getLogger().handlers if h.filters)
    assert console.filter(record)
    line = console.format(record)
    assert "\n" not in line and "Traceback" not in line
    assert "/audit/" in line


def test_requirements_name_kinds_and_who_is_expected_in_chinese(client_for, cast):
    from ronghe.orglife.models import MeetingRequirement

    life = MeetingRequirement.objects.get(year=2026, kind="leadership_life_meeting")
    body = client_for(cast.committee_admin).get("/orglife/requirements/?year=2026").content.decode()
    row = re.search(rf'id="requirement-{life.pk}-row">(.*?)</tr>', body, re.S)
    assert row
    # 民主生活会 is the 党组's: its 党组成员 are expected, not 支委委员
    assert "<td>党组成员</td>" in row.group(1) and "党组" in row.group(1)
    assert "leading_group" not in visible_text(body) and "joint_branch" not in visible_text(body)
    assert "联合党支部" in body


def test_audit_filter_picks_an_area_by_its_chinese_name(client_for, cast):
    from ronghe.core import audit

    audit.record("orglife.meeting.create", username="sec_a")
    audit.record("org.update", username="gw")
    c = client_for(cast.auditor)
    body = c.get("/audit/").content.decode()
    assert '<option value="orglife">组织生活</option>' in body
    # 党组织 covers org.* and orgs.*, not orglife.*
    rows = c.get("/audit/?event=org", headers={"HX-Request": "true"}).content.decode()
    assert 'title="org.update"' in rows and "orglife.meeting.create" not in rows
