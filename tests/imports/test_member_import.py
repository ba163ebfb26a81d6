"""Roster import on messy files, through the `import_members` command and the import services."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ronghe.core import crypto
from ronghe.core.models import AuditEntry
from ronghe.members.models import Member
from tests.factories import valid_id_number
from tests.imports.sheets import HEADER, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _run(path, cast, *args, org=None):
    out = StringIO()
    call_command("import_members", str(path), "--org", str((org or cast.org_a).code), *args, stdout=out)
    return out.getvalue()


def _by_id(number):
    return Member.objects.get(id_number_index=crypto.blind_index(number, "id_number"))


def _messy(tmp_path):
    """Title row, merged org cell over rows 3–4, full-width digits, every date form, and three bad rows."""
    ids = [valid_id_number(date(1980, 3, 4), "男"), valid_id_number(date(1982, 5, 6), "女")]
    full_width = ids[1].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    rows = [
        [
            " 姓 名",
            "性别",
            "身份证号",
            "出生日期",
            "民族",
            "学历",
            "入党时间",
            "转正时间",
            "所在党支部",
            "联系电话",
        ],
        [
            "王一",
            "男",
            ids[0],
            None,
            "汉族",
            "本科",
            date(2019, 7, 1),
            "2020.7",
            "甲局第一党支部",
            "13800001111",
        ],
        [
            "王二",
            "女",
            full_width,
            "",
            "",
            "大专",
            "2019年7月1日",
            "2020/7/1",
            None,
            "１３９００００２２２２",
        ],
        ["王三", "女", 110105194912310021, None, "", "", "2019.07.01", "", "", ""],
        ["王四", "男", "110105198001010000", None, "", "", "2019-13-01", "", "", ""],
        [
            "王五",
            "男",
            valid_id_number(date(1979, 1, 1), "男"),
            None,
            "",
            "",
            "2019-07-01",
            "",
            "乙局第一党支部",
            "",
        ],
    ]
    return write_xlsx(tmp_path / "名册.xlsx", rows, merge_org=2), ids


def test_dry_run_json_lists_every_bad_row(cast, tmp_path):
    # given a messy roster
    path, _ = _messy(tmp_path)
    # when
    output = _run(path, cast, "--dry-run", "--json")
    # then
    assert json.loads(output) == {
        "valid": 2,
        "invalid": [
            {"row": 5, "column": "身份证号", "message": "身份证号列必须为文本格式"},
            {"row": 6, "column": "身份证号", "message": "公民身份号码校验码错误，请核对是否输错"},
            {"row": 6, "column": "入党时间", "message": "日期“2019-13-01”不存在"},
            {"row": 7, "column": "所在党支部", "message": "党组织“乙局第一党支部”不在您的管理范围内"},
        ],
    }
    assert Member.objects.count() == 2  # the cast's two members only: nothing written


def test_valid_only_imports_the_good_rows_with_their_parsed_values(cast, tmp_path):
    path, ids = _messy(tmp_path)
    output = _run(path, cast, "--valid-only")
    assert output.strip().endswith("导入完成：新增 2 人，更新 0 人，跳过错误 3 行")
    first, second = _by_id(ids[0]), _by_id(ids[1])
    assert (first.name, first.gender, first.birth_date) == ("王一", "男", date(1980, 3, 4))
    assert (first.joined_on, first.full_on, first.education) == (
        date(2019, 7, 1),
        date(2020, 7, 1),
        "大学本科",
    )
    assert first.organization == cast.branch_a
    assert first.status == "full"
    # the merged 所在党支部 cell covers 王二's row too
    assert second.organization == cast.branch_a
    assert (second.joined_on, second.full_on, second.education) == (
        date(2019, 7, 1),
        date(2020, 7, 1),
        "大学专科",
    )
    assert second.phone_masked == "139****2222"
    entry = AuditEntry.objects.get(event="member.import")
    assert entry.changes == {
        "file": "名册.xlsx",
        "mode": "valid_only",
        "created": 2,
        "updated": 0,
        "rejected": 3,
    }


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(cast, tmp_path):
    path, ids = _messy(tmp_path)
    with pytest.raises(CommandError, match="有 3 行存在错误，未导入任何数据"):
        _run(path, cast)
    assert not Member.objects.filter(name__in=["王一", "王二"]).exists()
    assert not AuditEntry.objects.filter(event="member.import").exists()


def test_reimporting_updates_and_never_duplicates(cast, tmp_path):
    number = valid_id_number(date(1980, 3, 4), "男")
    rows = [
        HEADER,
        ["赵一", "男", number, None, "汉族", "本科", "2019-07-01", "2020-07-01", "", "13800001111"],
    ]
    _run(write_xlsx(tmp_path / "a.xlsx", rows), cast)
    rows[1][0], rows[1][9] = "赵壹", "13900002222"
    output = _run(write_xlsx(tmp_path / "b.xlsx", rows), cast)
    assert "新增 0 人，更新 1 人" in output
    member = _by_id(number)
    assert (member.name, member.phone_masked, member.organization) == ("赵壹", "139****2222", cast.org_a)
    assert Member.objects.filter(id_number_index=member.id_number_index).count() == 1


def test_a_person_registered_outside_the_target_is_rejected(cast, tmp_path):
    from ronghe.members.services import reveal_id_number

    number = reveal_id_number(cast.member_b_record)
    rows = [HEADER, ["李乙", "男", number, None, "", "", "2010-07-01", "2011-07-01", "", ""]]
    output = _run(write_xlsx(tmp_path / "a.xlsx", rows), cast, "--dry-run", "--json")
    assert json.loads(output)["invalid"] == [
        {
            "row": 3,
            "column": "公民身份号码",
            "message": "该公民身份号码已登记在导入范围以外的党组织，请先办理组织关系转接",
        }
    ]


def test_the_same_id_twice_in_one_file_is_an_error(cast, tmp_path):
    number = valid_id_number()
    rows = [
        HEADER,
        ["甲", "男", number, None, "", "", "2019-07-01", "", "", ""],
        ["乙", "男", number, None, "", "", "2019-07-01", "", "", ""],
    ]
    output = _run(write_xlsx(tmp_path / "a.xlsx", rows, title=None), cast, "--dry-run", "--json")
    assert json.loads(output) == {
        "valid": 1,
        "invalid": [{"row": 3, "column": "公民身份号码", "message": "与第 2 行的公民身份号码重复"}],
    }


def test_a_formula_in_a_key_column_is_rejected(cast, tmp_path):
    rows = [HEADER, ['="张"&"三"', "男", valid_id_number(), None, "", "", "2019-07-01", "", "", ""]]
    output = _run(write_xlsx(tmp_path / "a.xlsx", rows, title=None), cast, "--dry-run", "--json")
    assert json.loads(output)["invalid"] == [
        {"row": 2, "column": "姓名", "message": "该单元格是公式，此列必须直接填写数值或文字"}
    ]


def test_csv_in_gbk_with_title_rows_imports(cast, tmp_path):
    number = valid_id_number(date(1990, 1, 1), "女")
    rows = [
        ["甲局党员花名册"],
        ["填报日期：2024年"],
        HEADER,
        ["钱一", "", number, "", "", "", "2019/7/1", "", "甲局第一党支部", ""],
    ]
    output = _run(write_csv(tmp_path / "a.csv", rows, encoding="gb18030"), cast)
    assert "新增 1 人" in output
    member = _by_id(number)
    assert (member.name, member.gender, member.status, member.organization) == (
        "钱一",
        "女",
        "probationary",
        cast.branch_a,
    )


def test_a_missing_header_is_refused(cast, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["名字", "号码"], ["x", "y"]])
    with pytest.raises(CommandError, match="未找到表头"):
        _run(path, cast, "--dry-run")


def test_an_unknown_org_code_is_refused(cast, tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER])
    with pytest.raises(CommandError, match="未找到编码为 not-a-code 的党组织"):
        call_command("import_members", str(path), "--org", "not-a-code", stdout=StringIO())


def test_with_user_the_users_scope_applies(cast, tmp_path):
    path = write_csv(tmp_path / "a.csv", [HEADER])
    with pytest.raises(CommandError, match="该用户无权向此党组织导入党员"):
        _run(path, cast, "--user", "sec_b", "--dry-run")


def test_imported_members_show_at_once_in_the_cached_roster_and_home(cast, tmp_path, client_for):
    from django.urls import reverse

    client = client_for(cast.committee_admin)
    before = client.get(reverse("members:member-list")).context["page"].paginator.count
    home_before = client.get(reverse("home:home")).context["member_count"]
    path, _ids = _messy(tmp_path)
    _run(path, cast, "--valid-only")  # COPY: no model signals fire
    assert client.get(reverse("members:member-list")).context["page"].paginator.count == before + 2
    assert client.get(reverse("home:home")).context["member_count"] == home_before + 2


def test_the_command_loads_the_workbook_once(cast, tmp_path, monkeypatch):
    """calamine loads the whole sheet even for the head: the head read, the checking pass and the write
    share one load (a 100,000-row file took three before)."""
    import python_calamine as pc

    loads = []
    real = pc.CalamineWorkbook.from_path
    monkeypatch.setattr(pc.CalamineWorkbook, "from_path", lambda path: loads.append(path) or real(path))
    number = valid_id_number(date(1981, 3, 4), "男")
    rows = [
        HEADER,
        ["钱一", "男", number, None, "汉族", "本科", "2019-07-01", "2020-07-01", "", "13800001112"],
    ]
    output = _run(write_xlsx(tmp_path / "once.xlsx", rows), cast)
    assert "新增 1 人" in output and _by_id(number).name == "钱一"
    assert len(loads) == 1
    # a changed file with the same name is read afresh, never from the kept sheet
    rows[1][0] = "钱壹"
    output = _run(write_xlsx(tmp_path / "once.xlsx", rows), cast)
    assert "更新 1 人" in output and _by_id(number).name == "钱壹"


def test_a_reimport_without_a_phone_column_keeps_the_phone_and_other_columns(cast, tmp_path):
    # given a member imported with a phone, an education and a 入党日期
    number = valid_id_number(date(1982, 3, 4), "女")
    rows = [
        HEADER,
        ["孙一", "女", number, None, "汉族", "本科", "2019-07-01", "2020-07-01", "", "13800003333"],
    ]
    _run(write_xlsx(tmp_path / "a.xlsx", rows), cast)
    # when a file with only 姓名, 公民身份号码 and 入党日期 renames her
    output = _run(
        write_xlsx(
            tmp_path / "b.xlsx", [["姓名", "公民身份号码", "入党日期"], ["孙壹", number, "2019-07-01"]]
        ),
        cast,
    )
    # then the name changes and what the file does not carry stays as it was
    assert "更新 1 人" in output
    member = _by_id(number)
    assert (member.name, member.phone_masked, member.education, member.joined_on) == (
        "孙壹",
        "138****3333",
        "大学本科",
        date(2019, 7, 1),
    )
