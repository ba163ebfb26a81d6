"""Chinese names for codes a person would otherwise read (audit events, object types)."""

from __future__ import annotations

from django import template

from ronghe.core import auditlabels

register = template.Library()


@register.filter
def event_label(event: str) -> str:
    return auditlabels.event_label(event)


@register.filter
def object_type_label(object_type: str) -> str:
    return auditlabels.object_type_label(object_type)
