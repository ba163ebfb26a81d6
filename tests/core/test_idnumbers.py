from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ronghe.core.idnumbers import (
    IdentifierError,
    check_char,
    make_id_number,
    mask_id_number,
    mask_phone,
    parse_id_number,
    parse_phone,
)


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "34052419800101001X", "370101190102039973", "360426199101010071"]
)
def test_known_valid_numbers(number):
    assert parse_id_number(number).number == number


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("110105194912310021", "校验码错误"),
        ("110105194902301234", "出生日期不是有效日期"),
        ("11010519491231002", "应为18位"),
        ("", "不能为空"),
        ("991051194912310021", "地址码"),
        ("110105210001010011", "超出合理范围"),
    ],
)
def test_invalid_numbers_give_chinese_reason(raw, message):
    with pytest.raises(IdentifierError, match=message):
        parse_id_number(raw, today=date(2026, 11, 24))


def test_lowercase_and_fullwidth_are_normalised():
    assert parse_id_number("11010519491231002x").number == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


def test_birth_date_and_sex_are_derived():
    info = parse_id_number("11010519491231002X")
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "女"


bodies = st.builds(
    lambda area, born, seq: f"{area}{born:%Y%m%d}{seq:03d}",
    st.sampled_from(["110105", "370181", "440304", "650102"]),
    st.dates(min_value=date(1920, 1, 1), max_value=date(2008, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


@given(bodies)
def test_body_with_its_check_char_validates(body):
    assert parse_id_number(body + check_char(body), today=date(2026, 11, 24)).number == body + check_char(
        body
    )


@given(bodies, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_substitution_is_rejected(body, pos, char):
    number = body + check_char(body)
    if number[pos] == char or (pos < 17 and char == "X"):
        return
    altered = number[:pos] + char + number[pos + 1 :]
    with pytest.raises(IdentifierError):
        parse_id_number(altered, today=date(2026, 11, 24))


@given(bodies, st.integers(min_value=0, max_value=16))
def test_adjacent_transposition_is_rejected(body, pos):
    number = body + check_char(body)
    if number[pos] == number[pos + 1]:
        return
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
    with pytest.raises(IdentifierError):
        parse_id_number(swapped, today=date(2026, 11, 24))


def test_generated_numbers_carry_sex_parity():
    assert parse_id_number(make_id_number("110105", date(1990, 1, 2), 7, "女")).sex == "女"
    assert parse_id_number(make_id_number("110105", date(1990, 1, 2), 7, "男")).sex == "男"


def test_masks():
    assert mask_id_number("11010519491231002X") == "110105************"
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("raw", "expected"), [("138 1234 5678", "13812345678"), ("+8613812345678", "13812345678")]
)
def test_phone_normalised(raw, expected):
    assert parse_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "abc"])
def test_bad_phone_rejected(raw):
    with pytest.raises(IdentifierError, match="手机号码应为11位"):
        parse_phone(raw)
