"""Form plumbing shared by every app: Bootstrap classes on widgets, Chinese error texts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:
    _FormBase = forms.BaseForm  # what the mixin is combined with; at run time it adds no base class
else:
    _FormBase = object


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
