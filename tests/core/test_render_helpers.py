"""Per-row rendering shortcuts (issue 19 item 3) give exactly what Django's own path gives."""

from __future__ import annotations

import uuid

import pytest
from django import forms
from django.urls import reverse

from ronghe.core.forms import PlainSelect
from ronghe.core.htmx import code_urls

CHOICES = [("", "全部"), ("a<1", "甲&乙"), ("b", '丙"丁'), ("b", "重复"), (uuid.UUID(int=5), "编码")]


@pytest.mark.parametrize("value", [None, "", "b", "zz", str(uuid.UUID(int=5)), ["b", "a<1"]])
def test_plain_select_is_djangos_select_byte_for_byte(value):
    attrs = {"id": "id_organization", "required": False, "disabled": True, "aria-invalid": "true"}
    django_select = forms.Select(attrs={"class": "form-select"}, choices=CHOICES)
    plain = PlainSelect(attrs={"class": "form-select"}, choices=CHOICES)
    assert plain.render("organization", value, attrs) == django_select.render("organization", value, attrs)


def test_code_urls_are_the_reversed_urls():
    codes = [uuid.uuid4() for _ in range(3)]
    url_of = code_urls("members:member-detail")
    assert [url_of(c) for c in codes] == [reverse("members:member-detail", kwargs={"code": c}) for c in codes]
