"""Column mapping rules (core.imports.mapping) with the roster's columns: no database."""

from __future__ import annotations

from datetime import date

import pytest

from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.mapping import (
    choose,
    doubt_about,
    guess,
    header_key,
    known_names,
    match_headers,
    parse_map_options,
    refuse_undecided,
    remembered,
)
from ronghe.core.imports.reading import split_head
from ronghe.members.imports.columns import CHECKS, SPEC
from tests.factories import valid_id_number

ID1 = valid_id_number(date(1980, 1, 2), "男")
ID2 = valid_id_number(date(1985, 3, 4), "女")
ID3 = valid_id_number(date(1990, 5, 6), "男")


@pytest.mark.parametrize(
    ("headers", "expected", "_case"),
    [
        (["姓名", "身份证号"], [("name", "label"), ("id_number", "alias")], "an alias binds when alone"),
        (
            ["身份证号", "公民身份号码"],
            [("", ""), ("id_number", "label")],
            "an alias never binds when another column carries the field's own label",
        ),
        (
            ["公民身份号码", "身份证号"],
            [("id_number", "label"), ("", "")],
            "the own label wins whatever the order",
        ),
        (["身份证号", "证件号码"], [("id_number", "alias"), ("", "")], "the first of two aliases"),
        (["姓名", "姓名"], [("name", "label"), ("", "")], "a label twice binds the first"),
        ([" 入党 日期 *", "入党时间"], [("joined_on", "label"), ("", "")], "spaces and markers ignored"),
        (["名字", None, ""], [("", ""), ("", ""), ("", "")], "unknown and empty headers stay unbound"),
    ],
)
def test_headers_match_own_label_before_alias(headers, expected, _case):
    assert match_headers(headers, SPEC) == expected


@pytest.mark.parametrize(
    ("values", "doubted", "_case"),
    [
        ([ID1, ID2, ID3], False, "ID numbers"),
        (["张三", "李四", "王五"], True, "names under an ID header"),
        ([ID1, "张三", "李四"], True, "one in three fits"),
        ([ID1, ID2, "张三", "李四"], False, "exactly half fits: not doubted"),
        ([ID1[:-1], ID2[:-2], "12345678901"], False, "mistyped ID numbers are row errors, not doubt"),
        (["张三", "李四", None, ""], False, "two values are no evidence"),
        ([None, "", " "], False, "an empty column"),
        ([3.1010219800102e17, 3.1e17, 3.2e17], False, "numeric cells: the row asks for text"),
    ],
)
def test_id_number_values_are_checked(values, doubted, _case):
    assert bool(doubt_about(values, CHECKS["id_number"])) is doubted


def test_doubt_says_how_many_values_fit():
    assert doubt_about(["党员", "预备", "2019-07-01", "2020-01-01"], CHECKS["joined_on"]) == ""
    assert doubt_about(["党员", "预备", "正式", "2020-01-01"], CHECKS["joined_on"]) == (
        "抽查的 4 个值中只有 1 个像日期"
    )


def _rows():
    return [
        ["张三", ID1, "2019-07-01", "男"],
        ["李四", ID2, "2018/7/1", "女"],
        ["王五", ID3, "2017年7月1日", "男"],
    ]


def test_a_column_whose_values_do_not_fit_asks_instead_of_binding():
    # given an 入党日期 column holding names and a 姓名 column holding dates (swapped headers)
    headers = ["入党日期", "公民身份号码", "姓名", "性别"]
    # when the mapping is guessed
    mapping = guess(2, headers, _rows(), SPEC)
    # then both columns wait for a decision, the others are bound
    undecided = mapping.undecided()
    assert [(c.header, c.suggested) for c in undecided] == [("入党日期", "joined_on"), ("姓名", "name")]
    assert undecided[0].doubt == "抽查的 3 个值中只有 0 个像日期"
    assert mapping.field_columns() == {"id_number": 1, "gender": 3}
    with pytest.raises(
        ImportRefused, match="“入党日期”列按表头应为“入党日期”，但抽查的 3 个值中只有 0 个像日期"
    ):
        refuse_undecided(mapping, SPEC)


def test_choices_override_the_guess_and_complete_the_mapping():
    mapping = guess(2, ["入党日期", "公民身份号码", "姓名", "性别"], _rows(), SPEC)
    chosen = choose(mapping, {0: "name", 2: "joined_on"}, SPEC)
    assert chosen.field_columns() == {"name": 0, "id_number": 1, "joined_on": 2, "gender": 3}
    assert chosen.undecided() == []
    assert chosen.as_json() == {"header_row": 2, "fields": ["name", "id_number", "joined_on", "gender"]}


def test_a_field_chosen_for_another_column_leaves_the_guessed_one():
    mapping = guess(1, ["姓名", "公民身份号码", "入党日期", "备用号码"], [], SPEC)
    chosen = choose(mapping, {3: "id_number"}, SPEC)
    assert chosen.field_columns() == {"name": 0, "id_number": 3, "joined_on": 2}


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({0: "name", 1: "name"}, "“姓名”被指定给了两列：“姓名”和“公民身份号码”"),
        ({1: ""}, "缺少必填列：公民身份号码，请指定文件中对应的列"),
        ({7: "name"}, "文件中没有第 8 列"),
        ({1: "passport"}, "没有名为“passport”的字段"),
    ],
)
def test_bad_choices_are_refused_in_chinese(choices, message):
    mapping = guess(1, ["姓名", "公民身份号码", "入党日期"], [], SPEC)
    with pytest.raises(ImportRefused) as caught:
        choose(mapping, choices, SPEC)
    assert caught.value.message == message


def test_map_options_name_columns_by_header_and_fields_by_code_or_label():
    headers = ["名字", "证件", "入党", "其他"]
    assert parse_map_options(
        ["名字=name", "证件 = 公民身份号码", "入党=joined_on", "其他=不导入"], headers, SPEC
    ) == {
        0: "name",
        1: "id_number",
        2: "joined_on",
        3: "",
    }


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("证件=passport", "--map：没有名为“passport”的字段，可用的字段有：name、gender"),
        ("护照=id_number", "--map：文件表头中没有名为“护照”的列"),
        ("证件", "--map 参数“证件”格式不正确，应为“列名=字段”"),
    ],
)
def test_bad_map_options_are_refused_in_chinese(option, message):
    with pytest.raises(ImportRefused) as caught:
        parse_map_options([option], ["名字", "证件"], SPEC)
    assert caught.value.message.startswith(message)


def test_a_remembered_mapping_is_preselected_and_needs_no_decision():
    mapping = guess(2, ["入党日期", "公民身份号码", "姓名", "性别"], _rows(), SPEC)
    again = remembered(mapping, ["name", "id_number", "joined_on", ""], SPEC)
    assert again.undecided() == []
    assert again.field_columns() == {"name": 0, "id_number": 1, "joined_on": 2}
    # a remembered mapping for another number of columns is not applied
    assert remembered(mapping, ["name"], SPEC) == mapping


def test_the_header_key_ignores_spacing_and_markers_but_not_order():
    assert header_key(["姓名", "公民身份号码"]) == header_key([" 姓 名*", "公民身份号码"])
    assert header_key(["姓名", "公民身份号码"]) != header_key(["公民身份号码", "姓名"])


def test_the_header_row_is_the_one_naming_most_known_columns():
    # given a title row, a note row, the header, then 25 data rows
    rows = [(1, ["党员名册", None]), (2, ["填报单位：甲局", "姓名"]), (3, ["姓名", "身份证号", "入党时间"])]
    rows += [(n, [f"党员{n}", ID1, "2019-07-01"]) for n in range(4, 29)]
    # when the head is split off
    head, rest = split_head(iter(rows), known_names(SPEC))
    # then the header is row 3, the sample is the first 20 rows under it, and every data row follows
    assert (head.row, head.cells) == (3, ["姓名", "身份证号", "入党时间"])
    assert len(head.samples) == 20 and head.samples[0][0] == "党员4"
    assert [n for n, _ in rest] == list(range(4, 29))


def test_without_a_known_header_the_widest_row_is_taken():
    rows = [(1, ["名册", None, None]), (2, ["名", "号", "日期"]), (3, ["x", "y", None])]
    head, _rest = split_head(iter(rows), known_names(SPEC))
    assert head.row == 2
