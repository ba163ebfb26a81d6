import json
from datetime import date
from io import StringIO

from django.core.management import call_command

from tests.factories import valid_id_number
from tests.imports.sheets import HEADER, write_xlsx


def test_smoke(cast, tmp_path):
    rows = [HEADER,
            ["王 一", "男", valid_id_number(date(1980, 1, 2), "男"), None, "汉族", "本科", date(2019, 7, 1), "2020.7", "甲局第一党支部", "13800001111"],
            ["王二", "女", 110105194912310021, None, "", "", "2019/7/1", "", "", ""],
            ["王三", "女", valid_id_number(date(1980, 1, 2), "女"), None, "", "", "2019年7月1日", "", "乙局第一党支部", ""],
            ]
    p = write_xlsx(tmp_path / "a.xlsx", rows)
    out = StringIO()
    call_command("import_members", str(p), "--org", str(cast.org_a.code), "--dry-run", "--json", stdout=out)
    print(out.getvalue())
    data = json.loads(out.getvalue())
    assert data["valid"] == 1
