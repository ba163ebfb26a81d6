"""Form plumbing shared by every app: Bootstrap classes on widgets, Chinese error texts."""

from __future__ import annotations

from typing import Any

from django import forms


class StyledFormMixin:
    """Give every widget its Bootstrap class and mark invalid fields, so templates stay plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:
        # Mark invalid fields after cleaning, not in __init__: subclasses set querysets and
        # choices after super().__init__(), and validating earlier would use the stale ones.
        super().full_clean()  # type: ignore[misc]
        for name in self._errors or {}:  # type: ignore[attr-defined]
            field = self.fields.get(name)  # type: ignore[attr-defined]
            if field is not None and "is-invalid" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " is-invalid").strip()


class StyledForm(StyledFormMixin, forms.Form):
    pass
