"""`{% todo_record_url org ob %}`: the 记录 button of a to-do item, opening the meeting form prefilled."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from ronghe.orglife.compliance import Obligation
from ronghe.orglife.queries import record_title
from ronghe.orgs.models import Organization

register = template.Library()


@register.simple_tag
def todo_record_url(org: Organization, ob: Obligation) -> str:
    """The form for the obligation's organization and kind, its title proposed ("2026年第四季度党员大会")."""
    query = urlencode({"org": str(org.code), "kind": ob.kind, "title": record_title(ob)})
    return f"{reverse('orglife:meeting-create')}?{query}"
