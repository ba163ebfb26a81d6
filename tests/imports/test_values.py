from datetime import date, datetime

import pytest

from ronghe.core.imports.errors import CellError
from ronghe.core.imports.values import clean_text, normalize_header, parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(datetime(2019, 7, 1), date(2019, 7, 1), id="excel_datetime"),
        pytest.param(date(2019, 7, 1), date(2019, 7, 1), id="excel_date"),
        pytest.param("2019-07-01", date(2019, 7, 1), id="iso"),
        pytest.param("2019/7/1", date(2019, 7, 1), id="slashes"),
        pytest.param("2019.07.01", date(2019, 7, 1), id="dots"),
        pytest.param("2019.7", date(2019, 7, 1), id="year_month_dot"),
        pytest.param(2019.7, date(2019, 7, 1), id="year_month_number"),
        pytest.param("2019年7月1日", date(2019, 7, 1), id="chinese"),
        pytest.param("2019年7月", date(2019, 7, 1), id="chinese_month"),
        pytest.param("２０１９年７月１日", date(2019, 7, 1), id="full_width"),
        pytest.param(" 2019 - 07 - 01 ", date(2019, 7, 1), id="stray_spaces"),
        pytest.param("20190701", date(2019, 7, 1), id="compact"),
        pytest.param(43647, date(2019, 7, 1), id="excel_serial_in_number_cell"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
    ],
)
def test_parse_date_accepts_the_written_forms(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param("2019-02-30", "日期“2019-02-30”不存在", id="no_such_day"),
        pytest.param("2019-13", "日期“2019-13”不存在", id="month_13"),
        pytest.param(
            "七月一日",
            "日期格式无法识别，应为 2019-07-01、2019/7/1、2019.07.01、2019.7 或 2019年7月1日",
            id="words",
        ),
    ],
)
def test_parse_date_refuses_with_a_chinese_message(raw, message):
    with pytest.raises(CellError) as exc:
        parse_date(raw)
    assert str(exc.value) == message


def test_clean_text_normalises_full_width_and_spaces():
    assert clean_text("  张　三 ") == "张 三"
    assert clean_text("１３８００１３８０００") == "13800138000"
    assert clean_text(13800138000.0) == "13800138000"


def test_normalize_header_drops_spaces_markers_and_notes():
    assert normalize_header(" 公民身份 号码 ") == "公民身份号码"
    assert normalize_header("*姓名") == "姓名"
    assert normalize_header("入党日期（必填）") == "入党日期"
