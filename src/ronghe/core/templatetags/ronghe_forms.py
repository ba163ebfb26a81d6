"""Form helpers every page shares: the "错误：" title of a page whose form failed."""

from __future__ import annotations

import copy
from typing import Any

from django import forms, template

register = template.Library()

ERROR_TITLE_PREFIX = "错误："


def failed_forms(context: template.Context) -> list[forms.BaseForm]:
    """The bound forms in the page's context that were validated and refused. Never validates a form itself
    (a view may narrow a form's choices after binding it): only forms whose errors are already known count."""
    found: list[forms.BaseForm] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        candidates: Any = value if isinstance(value, list | tuple) else [value]
        for item in candidates:
            if isinstance(item, forms.BaseForm) and id(item) not in seen:
                seen.add(id(item))
                if item.is_bound and getattr(item, "_errors", None):  # validated already, with errors
                    found.append(item)
    return found


@register.simple_tag(takes_context=True)
def error_title_prefix(context: template.Context) -> str:
    """ "错误：" before the page title after a failed submit (WCAG 3.3.1: the first thing a screen reader
    says on the page that came back is that it came back with errors)."""
    return ERROR_TITLE_PREFIX if failed_forms(context) else ""


@register.simple_tag
def form_ids(form: forms.BaseForm, *parts: Any) -> forms.BaseForm:
    """The same form with every element id under a prefix made of `parts` ("attendance", 7 →
    "attendance-7-status"): a form repeated on one page (each row's 更正) gets ids of its own, so each label
    names its own control (WCAG 4.1.1, 1.3.1), while the field names — what is posted — stay the same."""
    clone = copy.copy(form)
    clone.auto_id = "-".join(str(p) for p in parts) + "-%s"
    clone.__dict__["_bound_fields_cache"] = {}  # the bound fields carry the old ids
    return clone
