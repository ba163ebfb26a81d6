"""Form plumbing shared by every app: Bootstrap classes on widgets, Chinese error texts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.db.models import Model

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
