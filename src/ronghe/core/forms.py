"""Form plumbing shared by every app: Bootstrap classes on widgets, Chinese error texts."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.db.models import Model
from django.forms.renderers import BaseRenderer
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

_M = TypeVar("_M", bound=Model)

if TYPE_CHECKING:
    _FormBase = forms.BaseForm  # what the mixin is combined with; at run time it adds no base class
    GenericModelForm = forms.ModelForm
    GenericModelChoiceField = forms.ModelChoiceField
else:
    _FormBase = object

    # django-stubs makes ModelForm and ModelChoiceField generic in their model, but Django's classes
    # cannot be subscripted at run time (that needs django_stubs_ext.monkeypatch()): subclass these,
    # `class ThingForm(GenericModelForm[Thing])`, and the type argument works in both worlds.
    class GenericModelForm(forms.ModelForm, Generic[_M]):
        pass

    class GenericModelChoiceField(forms.ModelChoiceField, Generic[_M]):
        pass


DASHES = "---------"  # Django's empty choice (BLANK_CHOICE_DASH, ModelChoiceField.empty_label)
BLANK_LABEL = "请选择"


def _name_the_blank_choice(field: forms.Field) -> None:
    """Django's empty choice reads "---------"; ours says what to do. Forms that name their blank
    choice themselves ("全部", "不限", "（无）") keep it."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = BLANK_LABEL
    elif isinstance(field, forms.ChoiceField) and not callable(field.choices):
        choices = list(field.choices)
        if any(value == "" and label == DASHES for value, label in choices):
            field.choices = [
                (v, BLANK_LABEL if v == "" and label == DASHES else label) for v, label in choices
            ]


class StyledFormMixin(_FormBase):
    """Give every widget its Bootstrap class and mark invalid fields, so templates stay plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            _name_the_blank_choice(field)

    def full_clean(self) -> None:
        # Mark invalid widgets after validation (never validate during __init__: views narrow choices first).
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()


class StyledForm(StyledFormMixin, forms.Form):
    pass


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """Django's `attrs.html`: in order; False left out, True as a bare name, anything else as text."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _escaped(value: Any) -> str:
    """Django's `conditional_escape` without its lazy-string wrapper (a few µs a call, per option)."""
    return str(value.__html__()) if hasattr(value, "__html__") else html.escape(str(value))


class PlainSelect(forms.Select):
    """A single select written by string joins: Django renders each option through a template, which for
    the few hundred organizations of a province's filter was most of a roster page's time (issue 19
    item 3). The same markup, byte for byte, as Django's `select.html` for plain (ungrouped) choices."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        chosen = set(self.format_value(value))
        rows, has_selected = [], False
        for option, label in self.choices:
            selected = not has_selected and str(option) in chosen  # only the first match, as Django
            has_selected = has_selected or selected
            mark = " selected" if selected else ""
            rows.append(f'\n  <option value="{html.escape(str(option))}"{mark}>{_escaped(label)}</option>\n')
        options = mark_safe("".join(rows))  # noqa: S308 - every value and label escaped above
        return format_html(
            '<select name="{}"{}>{}\n</select>', name, _attrs(self.build_attrs(self.attrs, attrs)), options
        )


class CheckList(forms.CheckboxSelectMultiple):
    """Check boxes that `components/_field.html` can render: Django gives the widget's class to the list
    around the boxes too, so "form-check-input" made the list 1em wide and squeezed every label. The class
    stays on each box only."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("class", None)  # the list's own attrs; each option has a copy
        return context
