"""What every app's API router shares: the one error shape, paging and the year parameter.

Every error the API answers has one shape (`ErrorOut`): ``{"detail": "<中文说明>"}``, and for 422
also ``"errors": {"<field or __all__>": ["<message>"]}``. The handlers that produce it are installed on
the API in `ronghe.api`; operations declare `ERRORS` in their responses so the OpenAPI schema shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar, cast, overload

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.params import functions as param_functions
from ninja.parser import Parser

# Deep enough for any list of a province (1M members); beyond it an offset is a mistake, and past
# 2**63 the database cannot even take it. Out-of-range paging is a 422, never a 500.
MAX_OFFSET = 10_000_000
FIRST_YEAR, LAST_YEAR = 2000, 2100

_M = TypeVar("_M", bound=Model)
_R = TypeVar("_R")
_T = TypeVar("_T")


class ErrorOut(Schema):
    detail: str = Field(..., description="给用户看的中文说明")
    errors: dict[str, list[str]] | None = Field(
        None, description="仅 422：按输入字段列出的错误，不属于某一字段的在 __all__ 下"
    )


# Declared in every operation's responses: {200: ThingOut, **ERRORS}.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,  # the body is not JSON
    401: ErrorOut,  # neither a session nor a valid token
    403: ErrorOut,  # seen, but without the right (or a session request without its CSRF token)
    404: ErrorOut,  # not found, or outside the caller's subtree
    422: ErrorOut,  # input refused: by its schema, a form or a service (core.errors.DomainError)
}


class Paging(Schema):
    """`?limit=&offset=` of every list operation. An app with longer pages subclasses it for `limit`."""

    limit: int = Field(50, ge=1, le=200, description="每页条数")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")

    @overload
    def window(self, items: QuerySet[_M, _R]) -> QuerySet[_M, _R]: ...
    @overload
    def window(self, items: Sequence[_T]) -> Sequence[_T]: ...
    def window(self, items: QuerySet[_M, _R] | Sequence[_T]) -> QuerySet[_M, _R] | Sequence[_T]:
        """The requested page of a queryset or list."""
        return items[self.offset : self.offset + self.limit]


def year_param() -> Any:  # the parameter's declaration, given as the default of `year: int | None`
    """A `?year=` query parameter: optional (this year), bounded like the pages' year fields."""
    return param_functions.Query(None, ge=FIRST_YEAR, le=LAST_YEAR, description="年度，不填为今年")


# ------------------------------------------------------------- NUL characters refused

NUL_MESSAGE = "不能包含空字符（\\u0000）"


class NulText:
    """A JSON string that contained NUL, in place of the string: no schema type accepts it, so the input is
    refused on its field (422) instead of reaching the database, where PostgreSQL's text cannot hold NUL."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return "NulText()"


NUL_FIELDS = (
    "_ronghe_nul_fields"  # request attribute: the body's fields that held NUL, as `_field` names them
)


def _mark_nul(value: Any, path: tuple[str, ...], found: set[str]) -> Any:
    if isinstance(value, str):
        if "\x00" not in value:
            return value
        found.add(".".join(path) or "__all__")
        return NulText(value)
    if isinstance(value, list):
        return [_mark_nul(v, (*path, str(i)), found) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _mark_nul(v, (*path, str(k)), found) for k, v in value.items()}
    return value


class NulRefusingParser(Parser):
    """ninja's JSON and query parser, refusing NUL in any value (schemathesis found the 500 on PostgreSQL:
    a unit name with NUL in `joint_units`). A query parameter with NUL is a 422 on that parameter."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        found: set[str] = set()
        data = _mark_nul(super().parse_body(request), (), found)
        setattr(request, NUL_FIELDS, found)
        return cast(dict[str, Any], data)

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        bad = [key for key, values in data.lists() if "\x00" in key or any("\x00" in str(v) for v in values)]
        if bad:
            raise ValidationError([{"loc": ("query", key), "type": "nul_character"} for key in bad])
        return super().parse_querydict(data, list_fields, request)


# ------------------------------------------------------------- schema errors in Chinese

_TYPE_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": "数值过大",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "finite_number": "应为有限的数字",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数位数过多",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "string_pattern_mismatch": "格式不正确",
    "uuid_parsing": "应为有效的编码（UUID）",
    "uuid_type": "应为有效的编码（UUID）",
    "uuid_version": "应为有效的编码（UUID）",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_type": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期，格式 YYYY-MM-DD",
    "datetime_parsing": "应为日期时间，格式如 2026-01-01T09:00:00+08:00",
    "datetime_type": "应为日期时间，格式如 2026-01-01T09:00:00+08:00",
    "datetime_from_date_parsing": "应为日期时间，格式如 2026-01-01T09:00:00+08:00",
    "datetime_object_invalid": "应为日期时间，格式如 2026-01-01T09:00:00+08:00",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
}


def _message(error: dict[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "nul_character":
        return NUL_MESSAGE
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字符"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if kind == "greater_than":
        return f"应大于 {ctx.get('gt')}"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "less_than":
        return f"应小于 {ctx.get('lt')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind in ("enum", "literal_error"):
        return f"应为以下之一：{str(ctx.get('expected', '')).replace(' or ', ', ')}"
    return _TYPE_MESSAGES.get(kind, "输入无效")


def _field(loc: Iterable[Any]) -> str:
    """`("body", "payload", "attendance", 0, "status")` → "attendance.0.status"; the body as a whole → __all__."""
    parts = list(loc)
    rest = parts[2:] if parts and parts[0] == "body" else parts[1:]
    return ".".join(str(p) for p in rest) or "__all__"


def schema_errors(
    errors: Iterable[dict[str, Any]], nul_fields: Iterable[str] = ()
) -> tuple[str, dict[str, list[str]]]:
    """ninja's validation errors (pydantic's, with where they came from) as (detail, field map), in Chinese.
    A field in `nul_fields` held NUL (`NulRefusingParser`): whatever its type error, that is the message."""
    by_field: dict[str, list[str]] = {}
    nul = set(nul_fields)
    for error in errors:
        field = _field(error.get("loc", ()))
        message = NUL_MESSAGE if field in nul else _message(error)
        if message != NUL_MESSAGE or message not in by_field.get(field, []):
            by_field.setdefault(field, []).append(message)
    parts = [
        f"{field} {message}" if field != "__all__" else message
        for field, messages in by_field.items()
        for message in messages
    ]
    return "输入有误：" + "；".join(parts), by_field
