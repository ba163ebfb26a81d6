"""What every purpose's scheme pages do alike around the editing services: find an indicator of
the scheme (404 otherwise) and delete it with the outcome as a message. The pages stay in the apps."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest

from ronghe.core.errors import DomainError
from ronghe.core.scoring import editing
from ronghe.core.scoring.models import Indicator, Scheme
from ronghe.core.types import Actor


def indicator_or_404(scheme: Scheme, pk: int) -> Indicator:
    try:
        return scheme.indicators.select_related("dimension").get(pk=pk)
    except Indicator.DoesNotExist as exc:
        raise Http404("未找到该指标") from exc


def delete_indicator(request: HttpRequest, actor: Actor, scheme: Scheme, pk: int) -> None:
    """Delete the scheme's indicator `pk` (`editing.delete_indicator`); say how it went."""
    indicator = indicator_or_404(scheme, pk)
    try:
        editing.delete_indicator(actor=actor, indicator=indicator)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"指标“{indicator.name}”已删除")
