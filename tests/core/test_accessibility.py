"""Accessibility in the markup every page shares (GB/T 37668-2019, WCAG 2.1 AA; docs/accessibility.md).

The browser gate (tests/browser/test_accessibility.py) runs axe-core over every page; these tests pin the
parts a user of a screen reader or a keyboard relies on: the one form field's ids, the error summary and
the "错误：" title, unique ids in repeated forms, the skip link, the charts' tables and ISO dates.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from ronghe.core.forms import StyledForm
from ronghe.core.views.audit import AuditFilterForm
from ronghe.orglife.models import Attendance, Meeting
from ronghe.points import services as points
from tests.factories import MemberFactory

TZ = ZoneInfo("Asia/Shanghai")


class _Form(StyledForm):
    name = forms.CharField(label="姓名", help_text="与身份证一致")
    kind = forms.ChoiceField(label="类别", choices=[("a", "甲"), ("b", "乙")], widget=forms.RadioSelect)
    agreed = forms.BooleanField(label="同意", required=False)


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def test_field_points_to_its_help_text_and_errors():
    # given: a form that failed
    form = _Form(data={"name": "", "kind": ""})
    assert not form.is_valid()

    # when
    html = render_to_string("components/_form.html", {"form": form})

    # then: the input is described by its help text and its error, both present with those ids
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<div class="form-text" id="id_name_helptext">与身份证一致</div>' in html
    assert re.search(r'id="id_name_error"><div>这个字段是必填项。</div>', html)
    # a radio group is a fieldset named by its legend and described by its error
    assert re.search(r'<fieldset class="mb-3" aria-describedby="id_kind_error">\s*<legend', html)
    # and the summary at the top is announced and links to each field
    summary = html[: html.index("</ul>")]
    assert 'role="alert"' in summary and "提交未成功，请修改以下 2 处" in summary
    assert '<a class="alert-link" href="#id_name">姓名</a>：这个字段是必填项。' in summary
    assert '<a class="alert-link" href="#id_kind_0">类别</a>' in summary


def test_unbound_form_has_no_summary_and_a_labelled_checkbox():
    html = render_to_string("components/_form.html", {"form": _Form()})
    assert "data-error-summary" not in html and "aria-invalid" not in html
    assert re.search(r'<input type="checkbox" name="agreed" class="form-check-input" id="id_agreed">', html)
    assert '<label class="form-check-label" for="id_agreed">同意</label>' in html


def test_failed_claim_says_error_in_title_summary_and_field(client_for, cast):
    # given
    points.seed_default_scheme(organization=cast.committee, year=datetime.now(TZ).year)
    client = client_for(cast.member_a)
    page = client.get(reverse("points:claim-create")).content.decode()
    assert "<title>申报积分 · 融合党建平台</title>" in page

    # when: a negative score is sent
    indicator = re.search(r'<option value="(\d+)"', page).group(1)
    body = client.post(
        reverse("points:claim-create"),
        {"indicator": indicator, "occurred_on": "2026-03-01", "points": "-3", "description": "心得"},
    ).content.decode()

    # then
    assert "<title>错误：申报积分 · 融合党建平台</title>" in body
    assert '<a class="alert-link" href="#id_points">申报分值</a>：申报分值必须大于 0' in body
    field = re.search(r'<input[^>]*name="points"[^>]*>', body).group(0)
    described = re.search(r'aria-describedby="([^"]*)"', field).group(1).split()
    assert 'aria-invalid="true"' in field and "id_points_error" in described
    assert re.search(r'id="id_points_error"><div>申报分值必须大于 0', body)


def test_claim_form_prefills_the_date_in_iso(client_for, cast):
    points.seed_default_scheme(organization=cast.committee, year=datetime.now(TZ).year)
    body = client_for(cast.member_a).get(reverse("points:claim-create")).content.decode()
    today = datetime.now(TZ).date().isoformat()
    assert re.search(rf'<input type="date" name="occurred_on" value="{today}"', body)


def test_every_date_input_is_prefilled_in_iso():
    # one setting (FORMAT_MODULE_PATH → ronghe/formats/zh_Hans) for every DateInput, with or without a format
    form = AuditFilterForm(initial={"start": date(2026, 12, 2), "end": date(2026, 12, 31)})
    html = str(form["start"]) + str(form["end"])
    assert 'value="2026-12-02"' in html and 'value="2026-12-31"' in html
    # and a date typed the old way is still accepted
    assert AuditFilterForm(data={"start": "2026/12/02"}).is_valid()


def test_meeting_rows_correction_forms_have_ids_of_their_own(client_for, cast):
    # given: a meeting with three members on its attendance list
    meeting = Meeting.objects.create(
        organization=cast.branch_a,
        kind="branch_meeting",
        title="支部党员大会",
        held_at=datetime(2026, 11, 2, 9, tzinfo=TZ),
    )
    others = [MemberFactory(organization=cast.branch_a, name=f"党员{i}") for i in range(2)]
    rows = [
        Attendance.objects.create(meeting=meeting, member=m, status="present")
        for m in [cast.member_a_record, *others]
    ]

    # when
    body = (
        client_for(cast.secretary_a)
        .get(reverse("orglife:meeting-detail", args=[meeting.code]))
        .content.decode()
    )

    # then: every id on the page once, and each row's 更正 fields labelled under the row's own ids
    assert [i for i, n in Counter(_ids(body)).items() if n > 1] == []
    for row in rows:
        for part in ("status", "reason", "note"):
            assert f'for="attendance-{row.pk}-{part}"' in body and f'id="attendance-{row.pk}-{part}"' in body
    assert f'aria-label="更正{cast.member_a_record.name}的出席情况"' in body


def test_failed_correction_shows_its_errors_on_its_row_only(client_for, cast):
    meeting = Meeting.objects.create(
        organization=cast.branch_a,
        kind="branch_meeting",
        title="支部党员大会",
        held_at=datetime(2026, 11, 2, 9, tzinfo=TZ),
    )
    other = MemberFactory(organization=cast.branch_a, name="党员乙")
    row = Attendance.objects.create(meeting=meeting, member=cast.member_a_record, status="present")
    Attendance.objects.create(meeting=meeting, member=other, status="present")

    body = (
        client_for(cast.secretary_a)
        .post(reverse("orglife:attendance-correct", args=[meeting.code, row.pk]), {"status": "absent"})
        .content.decode()
    )

    assert body.count("data-error-summary") == 1
    assert f'id="attendance-{row.pk}-note_error"' in body
    assert "<title>错误：支部党员大会" in body


@pytest.mark.parametrize("who", ["committee_admin", "member_a"])
def test_every_page_starts_with_a_skip_link_to_main(client_for, cast, who):
    body = client_for(getattr(cast, who)).get(reverse("home:home")).content.decode()
    first_link = re.search(r"<body[^>]*>\s*(<a [^>]*>[^<]*</a>)", body).group(1)
    assert first_link == '<a class="skip-link" href="#main-content">跳到主要内容</a>'
    assert '<main class="content" id="main-content" tabindex="-1">' in body
    assert (
        '<nav class="sidenav offcanvas-lg offcanvas-start" tabindex="-1" id="sidenav" aria-label="主导航">'
        in body
    )
    assert 'aria-controls="sidenav" aria-expanded="false" aria-label="导航菜单"' in body


def test_organization_tree_can_be_skipped_and_folded(client_for, cast):
    body = (
        client_for(cast.committee_admin)
        .get(reverse("orgs:organization-detail", args=[cast.branch_a.code]))
        .content.decode()
    )
    tree = body[body.index("data-org-tree") :]
    assert '<a class="visually-hidden-focusable" href="#main-content">跳过组织树，到主要内容</a>' in tree
    assert 'data-tree-toggle aria-expanded="true" aria-controls="org-tree-list">收起</button>' in tree


def test_age_chart_has_its_numbers_as_a_table(client_for, cast):
    body = client_for(cast.committee_admin).get(reverse("home:home")).content.decode()
    assert 'data-table="age-table"' in body
    table = body[body.index('id="age-table">') :]
    table = table[: table.index("</table>")]
    assert "<caption>党员年龄结构（人数）</caption>" in table
    counts = [int(n) for n in re.findall(r'</th><td class="text-end">(\d+)</td>', table)]
    assert sum(counts) == 2  # the two members of the cast, one row per age band
