"""The columns of a 发展党员 import: the headers each fact is found under (pure)."""

from __future__ import annotations

# field → accepted headers (the first is the one the template writes)
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("公民身份号码", "身份证号", "身份证号码"),
    "branch": ("党支部", "所在党支部"),
    "education": ("学历",),
    "work_position": ("工作单位及职务", "工作单位"),
    "applied_on": ("申请入党日期", "递交申请书日期", "申请日期"),
    "talked_on": ("谈话日期",),
    "activist_on": ("确定积极分子日期", "确定入党积极分子日期"),
    "activist_filed_on": ("积极分子备案日期",),
    "contacts": ("培养联系人",),
    "publicity_activist_start": ("积极分子公示开始",),
    "publicity_activist_end": ("积极分子公示结束",),
    "candidate_on": ("确定发展对象日期",),
    "candidate_filed_on": ("发展对象备案日期",),
    "introducers": ("入党介绍人",),
    "publicity_candidate_start": ("发展对象公示开始",),
    "publicity_candidate_end": ("发展对象公示结束",),
    "political_review_on": ("政审日期", "政审结论日期"),
    "political_review_result": ("政审结论",),
    "training_start": ("培训开始日期",),
    "training_end": ("培训结束日期",),
    "training_hours": ("培训学时",),
    "committee_review_on": ("支委会审查日期",),
    "pre_review_on": ("预审日期", "上级党委预审日期"),
    "form_issued_on": ("志愿书发放日期", "发放入党志愿书日期"),
}
REQUIRED = ("name", "id_number", "applied_on")
DATE_FIELDS = (
    "applied_on",
    "talked_on",
    "activist_on",
    "activist_filed_on",
    "publicity_activist_start",
    "publicity_activist_end",
    "candidate_on",
    "candidate_filed_on",
    "publicity_candidate_start",
    "publicity_candidate_end",
    "political_review_on",
    "training_start",
    "training_end",
    "committee_review_on",
    "pre_review_on",
    "form_issued_on",
)
# A rule's fact → the column its row error names (a publicity breach names the start column).
RULE_COLUMN = {
    "publicity_activist": "publicity_activist_start",
    "publicity_candidate": "publicity_candidate_start",
    "admitted_on": "form_issued_on",
}
TEMPLATE_HEADER = [names[0] for names in ALIASES.values()]
