"""统一社会信用代码 (GB 32100-2015) at its boundaries: orgs.rules.check_credit_code, no database."""

import random

import pytest

from ronghe.orgs.rules import CREDIT_ALPHABET, check_credit_code, credit_check_character


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("91110000600037341L", id="enterprise_case"),
        pytest.param("9131000063159284XQ", id="enterprise_letters_case"),
        pytest.param("N2110000MA00000014", id="letter_authority_case"),
        pytest.param("", id="blank_allowed_case"),
    ],
)
def test_valid_codes_pass(code):
    check = check_credit_code(code)
    assert check.valid is True
    assert check.code == code


def test_lowercase_and_full_width_are_normalised():
    check = check_credit_code("9131 0000-63159284xq")
    assert check.valid is True
    assert check.code == "9131000063159284XQ"
    assert check_credit_code("９１１１００００６０００３７３４１Ｌ").code == "91110000600037341L"


def test_wrong_check_character_is_a_mismatch_naming_the_expected_one():
    check = check_credit_code("91110000600037341K")
    assert (check.problem, check.check_mismatch, check.expected) == ("", True, "L")
    assert check.valid is False


def test_the_standards_worked_example_fails():
    # S = 1640, 1640 mod 31 = 28, so the check is 3; its 18th character Z is not even in the alphabet
    assert credit_check_character("91350100M000100Y4") == "3"
    assert check_credit_code("91350100M000100Y4Z").valid is False


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param("91110000600037341", "应为18位，现为17位", id="too_short_case"),
        pytest.param("91110000600037341LL", "应为18位，现为19位", id="too_long_case"),
        pytest.param(
            "9111000060003734IL", "第17位“I”：统一社会信用代码不使用字母 I、O、S、V、Z", id="letter_i_case"
        ),
        pytest.param(
            "91110000O00037341L", "第9位“O”：统一社会信用代码不使用字母 I、O、S、V、Z", id="letter_o_case"
        ),
        pytest.param(
            "9111000060003734ZL", "第17位“Z”：统一社会信用代码不使用字母 I、O、S、V、Z", id="letter_z_case"
        ),
        pytest.param(
            "S1110000600037341L", "第1位“S”：统一社会信用代码不使用字母 I、O、S、V、Z", id="letter_s_case"
        ),
        pytest.param(
            "911100006000V7341L", "第13位“V”：统一社会信用代码不使用字母 I、O、S、V、Z", id="letter_v_case"
        ),
        pytest.param("91110000600037341*", "第18位“*”不是有效字符，只能是数字和大写字母", id="symbol_case"),
        pytest.param("B1110000600037341L", "第1位“B”不是有效的登记管理部门代码", id="authority_case"),
        pytest.param(
            "94110000600037341L",
            "第2位“4”不是有效的机构类别代码（第1位为“9”时应为1、2、3）",
            id="category_case",
        ),
        pytest.param(
            "911A0000600037341L", "第3–8位应为登记管理机关的行政区划代码（6位数字）", id="area_case"
        ),
    ],
)
def test_structural_faults_are_refused_with_the_reason(code, message):
    check = check_credit_code(code)
    assert check.problem == message
    assert check.valid is False


def test_every_single_substitution_and_adjacent_swap_is_detected():
    """security.md USCC-1: a prime modulus with distinct weights catches them all."""
    rng = random.Random(32100)
    for _ in range(300):
        body = (
            "91"
            + "".join(rng.choice("0123456789") for _ in range(6))
            + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
        )
        code = body + credit_check_character(body)
        assert check_credit_code(code).valid
        i = rng.randrange(8, 17)
        other = rng.choice([c for c in CREDIT_ALPHABET if c != code[i]])
        assert not check_credit_code(code[:i] + other + code[i + 1 :]).valid
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert not check_credit_code(swapped).valid
