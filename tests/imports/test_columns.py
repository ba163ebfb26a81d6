"""The roster import's column mapping: the page after upload, remembered per organization, and
`import_members --map`. Nothing is checked or written before the columns are confirmed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from ronghe.core.imports import jobs
from ronghe.core.models import AuditEntry, ColumnMemory, ImportJob
from ronghe.members.models import Member
from tests.factories import valid_id_number
from tests.imports.pages import confirm_as_shown
from tests.imports.sheets import write_csv, write_xlsx

pytestmark = pytest.mark.django_db

IDS = [valid_id_number(date(1980 + i, 3, 4), "男") for i in range(3)]


def _file(tmp_path, header):
    """Three members; the 2nd column holds ID numbers and the 4th dates whatever the headers say."""
    rows = [header] + [[f"赵{i}", IDS[i], "男", "2019-07-01", "备注"] for i in range(3)]
    return write_xlsx(tmp_path / "赵家名册.xlsx", rows, title=None)


def _columns_url(job):
    return reverse("member_io:import-columns", kwargs={"code": job.code})


def _start(client, cast, path, org=None):
    """Upload without confirming: the job waits on its columns."""
    with path.open("rb") as fh:
        data = {"organization": str((org or cast.org_a).code), "file": fh}
        response = client.post(reverse("member_io:import"), data)
    job = ImportJob.objects.latest("id")
    assert response.url == _columns_url(job)
    return job


def test_the_page_shows_each_column_and_a_changed_column_imports(client_for, cast, tmp_path):
    # given a file whose ID column is headed 证件 (no known name) and a column the system does not know
    client = client_for(cast.secretary_a)
    job = _start(client, cast, _file(tmp_path, ["姓名", "证件", "性别", "入党日期", "说明"]))

    # when the user opens the mapping page
    page = client.get(_columns_url(job)).content.decode()

    # then each column shows its header, samples (long numbers masked) and what it was understood as
    assert job.status == "mapping" and Member.objects.filter(name__startswith="赵").count() == 0
    assert "证件" in page and IDS[0][:3] + "*" * 11 + IDS[0][-4:] in page and IDS[0] not in page
    assert '<option value="name" selected>姓名</option>' in page
    assert '<option value="-" selected>不导入</option>' in page  # 证件 and 说明
    # and confirming as shown is refused: the ID number has no column
    response = confirm_as_shown(client, job)
    assert response.status_code == 400
    assert "缺少必填列：公民身份号码，请指定文件中对应的列" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "mapping"

    # when the user sets 证件 to 公民身份号码 and confirms
    response = confirm_as_shown(client, job, column_1="id_number")

    # then the check runs with that mapping and the members import
    assert response.url == reverse("member_io:import-job", kwargs={"code": job.code})
    job.refresh_from_db()
    assert (job.status, job.valid_count, job.invalid_count) == ("validated", 3, 0), job.errors
    assert job.columns == {
        "header_row": 1,
        "fields": ["name", "id_number", "gender", "joined_on", ""],
    }
    client.post(reverse("member_io:import-commit", kwargs={"code": job.code}), {"mode": "atomic"})
    assert sorted(Member.objects.filter(name__startswith="赵").values_list("name", flat=True)) == [
        "赵0",
        "赵1",
        "赵2",
    ]
    assert AuditEntry.objects.get(event="import.columns").changes["columns"]["证件"] == "id_number"


def test_the_confirmed_mapping_is_preselected_next_time_for_the_same_organization(client_for, cast, tmp_path):
    # given a mapping confirmed once in organization A
    client = client_for(cast.secretary_a)
    header = ["姓名", "证件", "性别", "入党日期", "说明"]
    first = _start(client, cast, _file(tmp_path, header))
    confirm_as_shown(client, first, column_1="id_number")
    memory = ColumnMemory.objects.get()
    assert (memory.organization, memory.fields) == (
        cast.org_a,
        ["name", "id_number", "gender", "joined_on", ""],
    )

    # when the same headers come again
    second = _start(client, cast, _file(tmp_path, header))
    page = client.get(_columns_url(second)).content.decode()

    # then 证件 is preselected as 公民身份号码 and confirming as shown is enough
    assert '<option value="id_number" selected>公民身份号码</option>' in page
    assert "沿用本组织上次的确认" in page
    confirm_as_shown(client, second)
    second.refresh_from_db()
    assert (second.status, second.valid_count) == ("validated", 3)
    # and another organization's import of the same headers starts from the automatic rules
    other = _start(client, cast, _file(tmp_path, header), org=cast.branch_a)
    page = client.get(_columns_url(other)).content.decode()
    assert "沿用本组织上次的确认" not in page and '<option value="-" selected>不导入</option>' in page


def test_a_column_whose_values_do_not_fit_asks_before_anything_is_checked(client_for, cast, tmp_path):
    # given a file whose 入党日期 and 性别 headers are swapped (dates under 性别, 男 under 入党日期)
    client = client_for(cast.secretary_a)
    job = _start(client, cast, _file(tmp_path, ["姓名", "公民身份号码", "入党日期", "性别", "备注"]))

    # when the user opens the page
    page = client.get(_columns_url(job)).content.decode()

    # then both columns are flagged with the reason and wait for a decision
    assert "有 2 列的内容与表头不符" in page
    assert "表头像“入党日期”，但抽查的 3 个值中只有 0 个像日期" in page
    assert "表头像“性别”，但抽查的 3 个值中只有 0 个像性别" in page
    assert '<option value="" selected>请选择…</option>' in page and "第 3 列 · 待确定" in page
    # and confirming without deciding says which column needs a decision; nothing was checked
    response = confirm_as_shown(client, job)
    assert response.status_code == 400
    assert "请为“入党日期”列选择对应的字段，或选“不导入”" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.errors) == ("mapping", 0, [])

    # when the user swaps them
    confirm_as_shown(client, job, column_2="gender", column_3="joined_on")

    # then every row is valid
    job.refresh_from_db()
    assert (job.status, job.valid_count, job.invalid_count) == ("validated", 3, 0), job.errors


def test_a_field_chosen_for_two_columns_is_refused(client_for, cast, tmp_path):
    client = client_for(cast.secretary_a)
    job = _start(client, cast, _file(tmp_path, ["姓名", "公民身份号码", "性别", "入党日期", "备注"]))
    response = confirm_as_shown(client, job, column_4="name")
    assert response.status_code == 400
    assert "“姓名”被指定给了两列：“姓名”和“备注”" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "mapping" and not ColumnMemory.objects.exists()


def test_a_plain_member_gets_403_and_an_outsider_404(client_for, cast, tmp_path):
    header = ["姓名", "公民身份号码", "性别", "入党日期"]
    job = _start(client_for(cast.secretary_a), cast, _file(tmp_path, header), org=cast.branch_a)
    data = {"column_0": "name", "column_1": "id_number", "column_2": "gender", "column_3": "joined_on"}
    member = client_for(cast.member_a)
    assert member.get(_columns_url(job)).status_code == 403
    assert member.post(_columns_url(job), data).status_code == 403
    outsider = client_for(cast.outsider_b)
    assert outsider.get(_columns_url(job)).status_code == 404
    assert outsider.post(_columns_url(job), data).status_code == 404
    job.refresh_from_db()
    assert job.status == "mapping" and not ColumnMemory.objects.exists()


def test_the_job_page_sends_a_job_waiting_on_its_columns_to_the_mapping(client_for, cast, tmp_path):
    client = client_for(cast.secretary_a)
    job = _start(client, cast, _file(tmp_path, ["姓名", "公民身份号码", "性别", "入党日期"]))
    response = client.get(reverse("member_io:import-job", kwargs={"code": job.code}))
    assert response.url == _columns_url(job)


def test_an_unreadable_header_leaves_every_column_to_the_user(client_for, cast, tmp_path):
    # given a CSV under a title row whose headers the system does not know
    rows = [["赵家名册"], ["名", "号", "入党"], *([f"赵{i}", IDS[i], "2019-07-01"] for i in range(3))]
    client = client_for(cast.secretary_a)
    job = _start(client, cast, write_csv(tmp_path / "a.csv", rows))
    # then the widest row is taken as the header and the user maps it
    page = client.get(_columns_url(job)).content.decode()
    assert "表头在第 2 行" in page
    confirm_as_shown(client, job, column_0="name", column_1="id_number", column_2="joined_on")
    job.refresh_from_db()
    assert (job.status, job.valid_count) == ("validated", 3), job.errors


def _run(path, cast, *args):
    out = StringIO()
    call_command("import_members", str(path), "--org", str(cast.org_a.code), *args, stdout=out)
    return out.getvalue()


def test_the_command_takes_map_for_a_column_the_rules_do_not_know(cast, tmp_path):
    path = _file(tmp_path, ["姓名", "证件", "性别", "入党日期", "说明"])
    with pytest.raises(CommandError, match="缺少必填列：公民身份号码"):
        _run(path, cast, "--dry-run")
    output = _run(path, cast, "--map", "证件=id_number", "--map", "说明=不导入")
    assert "新增 3 人" in output
    assert Member.objects.filter(name__startswith="赵").count() == 3


def test_the_command_refuses_a_column_in_doubt_unless_mapped(cast, tmp_path):
    path = _file(tmp_path, ["姓名", "公民身份号码", "入党日期", "性别", "备注"])
    with pytest.raises(CommandError) as caught:
        _run(path, cast, "--dry-run")
    assert str(caught.value) == (
        "“入党日期”列按表头应为“入党日期”，但抽查的 3 个值中只有 0 个像日期"
        '（可用 --map "入党日期=字段" 指定）'
    )
    output = _run(path, cast, "--dry-run", "--json", "--map", "入党日期=性别", "--map", "性别=joined_on")
    assert json.loads(output) == {"valid": 3, "invalid": []}
    assert not Member.objects.filter(name__startswith="赵").exists()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("证件=passport", "--map：没有名为“passport”的字段，可用的字段有：name、gender、ethnicity"),
        ("护照=id_number", "--map：文件表头中没有名为“护照”的列"),
        ("证件", "--map 参数“证件”格式不正确，应为“列名=字段”"),
    ],
)
def test_the_command_refuses_an_unknown_column_or_field_in_chinese(cast, tmp_path, option, message):
    path = _file(tmp_path, ["姓名", "证件", "性别", "入党日期", "说明"])
    with pytest.raises(CommandError) as caught:
        _run(path, cast, "--map", option)
    assert str(caught.value).startswith(message)
    assert not Member.objects.filter(name__startswith="赵").exists()


def test_the_command_applies_the_mapping_the_organization_confirmed_on_the_page(client_for, cast, tmp_path):
    # given 证件 mapped to 公民身份号码 and 说明 left out on the page, for organization A
    header = ["姓名", "证件", "性别", "入党日期", "说明"]
    client = client_for(cast.secretary_a)
    job = _start(client, cast, _file(tmp_path, header))
    confirm_as_shown(client, job, column_1="id_number", column_4="-")
    Member.objects.filter(name__startswith="赵").delete()
    # when the same headers are imported from the command line with no --map
    output = _run(_file(tmp_path, header), cast)
    # then the command reads the columns as confirmed and says so
    assert "各列沿用本组织上次在导入页面确认的对应关系" in output and "新增 3 人" in output
    imported = Member.objects.filter(name__startswith="赵")
    assert imported.filter(id_number_index__isnull=False).exclude(id_number_masked="").count() == 3
    # and another organization's import of the same headers is not given A's choice
    out = StringIO()
    with pytest.raises(CommandError, match="缺少必填列：公民身份号码"):
        call_command(
            "import_members", str(_file(tmp_path, header)), "--org", str(cast.org_b.code), stdout=out
        )


def test_an_alias_does_not_take_the_field_from_its_own_label(cast, tmp_path):
    # given a file with both 身份证号 (an alias, holding old 15-digit numbers) and 公民身份号码
    rows = [["姓名", "身份证号", "公民身份号码", "入党日期"]] + [
        [f"赵{i}", "110101800304123", IDS[i], "2019-07-01"] for i in range(3)
    ]
    output = _run(write_xlsx(tmp_path / "a.xlsx", rows, title=None), cast)
    # then the 公民身份号码 column is the ID number
    assert "新增 3 人" in output
    assert Member.objects.filter(name__startswith="赵").count() == 3


def test_a_job_waiting_on_its_columns_can_be_cancelled_and_expires(client_for, cast, tmp_path):
    # given two uploads waiting on their columns
    client = client_for(cast.secretary_a)
    header = ["姓名", "公民身份号码", "性别", "入党日期"]
    cancelled = _start(client, cast, _file(tmp_path, header))
    waiting = _start(client, cast, _file(tmp_path, header))
    uploads = [jobs.storage_dir() / j.stored_name for j in (cancelled, waiting)]
    # when one is cancelled from the mapping page and the other is left for more than a day
    client.post(reverse("member_io:import-cancel", kwargs={"code": cancelled.code}))
    ImportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(hours=25))
    jobs.maintain()
    # then both uploads are gone and neither job can be confirmed any more
    cancelled.refresh_from_db()
    waiting.refresh_from_db()
    assert (cancelled.status, waiting.status) == ("cancelled", "failed")
    assert waiting.message == "上传的文件超过 24 小时未导入，已按规定删除，请重新上传"
    assert not any(path.exists() for path in uploads)
    assert client.get(_columns_url(waiting)).url == reverse(
        "member_io:import-job", kwargs={"code": waiting.code}
    )


def test_the_mapping_page_reads_the_file_once(client_for, cast, tmp_path, monkeypatch):
    """calamine loads a whole sheet even for its head: opening the page again and a refused confirmation
    use the head read the first time."""
    import python_calamine as pc

    loads = []
    real = pc.CalamineWorkbook.from_path
    monkeypatch.setattr(pc.CalamineWorkbook, "from_path", lambda path: loads.append(path) or real(path))
    client = client_for(cast.secretary_a)
    job = _start(client, cast, _file(tmp_path, ["姓名", "证件", "性别", "入党日期", "说明"]))
    for _ in range(2):
        assert "证件" in client.get(_columns_url(job)).content.decode()
    assert confirm_as_shown(client, job).status_code == 400  # no ID column yet
    assert len(loads) == 1
    # the confirmed mapping still imports (the checking pass reads the file itself)
    confirm_as_shown(client, job, column_1="id_number")
    job.refresh_from_db()
    assert (job.status, job.valid_count) == ("validated", 3), job.errors
