"""The member pickers of the unit and organization pages (`MemberChoiceField`) write exactly the markup
Django's own select writes for the same queryset, and a posted code still cleans to the full member."""

from __future__ import annotations

import pytest
from django import forms

from ronghe.orgs.forms import CodeChoiceField, LeaderForm, OfficerForm
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _django_markup(form: forms.Form, label: str) -> str:
    """The member field rendered the way Django renders a `CodeChoiceField` (a template per option)."""
    field = form.fields["member"]
    assert isinstance(field, forms.ModelChoiceField)
    plain = CodeChoiceField(queryset=field.queryset, required=field.required, empty_label=label)
    plain.widget.attrs = dict(field.widget.attrs)
    twin = forms.Form(initial=form.initial)
    twin.fields["member"] = plain
    return str(twin["member"])


@pytest.fixture
def awkward_names(cast):
    """Names that need escaping and names that sort together, in the unit's branch."""
    for name in ("<b>王</b>", "李&张", '赵"钱', "李&张"):
        MemberFactory(organization=cast.branch_a, name=name)


@pytest.mark.usefixtures("awkward_names")
def test_the_officer_picker_is_djangos_select_byte_for_byte(cast):
    # given the organization page's officer form for 甲局总支
    form = OfficerForm(org=cast.org_a)
    # then its member select is Django's, option for option, escaped alike
    markup = str(form["member"])
    assert markup == _django_markup(form, "请选择")
    assert markup.count("<option") == form.fields["member"].queryset.count() + 1
    assert "&lt;b&gt;王&lt;/b&gt;" in markup


@pytest.mark.usefixtures("awkward_names")
def test_the_leader_picker_is_djangos_select_byte_for_byte_with_a_member_chosen(cast):
    # given the unit page's leader form, editing a leader linked to member_a
    form = LeaderForm(unit=cast.unit_a, initial={"member": cast.member_a_record.code})
    # then the same markup, the linked member selected
    markup = str(form["member"])
    assert markup == _django_markup(form, "（无）")
    assert f'<option value="{cast.member_a_record.code}" selected>' in markup


def test_a_posted_code_cleans_to_the_whole_member(cast):
    # when the officer form is posted with a member's code
    form = OfficerForm(
        {"member": str(cast.member_a_record.code), "post": "secretary", "started_on": "2026-01-05"},
        org=cast.org_a,
    )
    # then the cleaned value is that member, every field loaded
    assert form.is_valid(), form.errors
    member = form.cleaned_data["member"]
    assert member == cast.member_a_record
    assert member.get_deferred_fields() == set()
