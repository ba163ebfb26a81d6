"""The one error contract: a refusal a user can fix, with a Chinese message and the field it concerns.

Every service raises `DomainError` (or a subclass) for bad input or a refused step. Page views put it on
the form (`add_to_form`); the API turns it into its one error shape (`ronghe.api`):
``{"detail": "<message>", "errors": {"<field>": ["<message>"]}}`` with status 422.
Permission refusals stay Django's `PermissionDenied` (403) and missing objects `Http404` (404).
"""

from __future__ import annotations

from django.forms import BaseForm


class DomainError(Exception):
    """A refused use-case. `message` is shown to the user as is; `field` names the input it concerns."""

    default_code = "invalid"

    def __init__(self, message: str, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code

    def as_errors(self) -> dict[str, list[str]]:
        """The API's field map: the message under its field, or under ``__all__``."""
        return {self.field or "__all__": [self.message]}


class TransitionNotAllowed(DomainError):
    """The action is not allowed from the current state (or by this actor)."""

    default_code = "transition_not_allowed"


class Conflict(DomainError):
    """Someone else changed the record first; reload and try again."""

    default_code = "conflict"


class InvalidInput(DomainError):
    """Several inputs refused at once: a bound form's errors, reported through the same contract.

    `errors` maps each field (or ``__all__``) to its messages; the message names each field by its
    label, so it reads on its own: "性别：与公民身份号码不一致……；入党日期：入党时应年满18周岁".
    """

    def __init__(self, errors: dict[str, list[str]], labels: dict[str, str] | None = None) -> None:
        labels = labels or {}
        parts = [
            f"{labels.get(field, field)}：{message}" if field != "__all__" else message
            for field, messages in errors.items()
            for message in messages
        ]
        first = next((field for field in errors if field != "__all__"), None)
        super().__init__("；".join(parts) or "输入有误", field=first)
        self.errors = errors

    @classmethod
    def from_form(cls, form: BaseForm) -> InvalidInput:
        """The errors of a bound, invalid Django form, with its field labels."""
        labels = {name: str(field.label) for name, field in form.fields.items() if field.label}
        return cls({name: [str(m) for m in messages] for name, messages in form.errors.items()}, labels)

    def as_errors(self) -> dict[str, list[str]]:
        return self.errors


def add_to_form(form: BaseForm, exc: DomainError) -> None:
    """Show a domain error on the form: on its field when the form has it, else above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def add_each_to_form(form: BaseForm, exc: DomainError) -> None:
    """Like `add_to_form`, but an `InvalidInput` puts each message on its own field (a judge's sheet,
    a self-assessment: one message per score, not one joined sentence)."""
    if isinstance(exc, InvalidInput):
        for field, messages in exc.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        add_to_form(form, exc)
