"""The 纪实 dossier of one person, in Word (to edit before filing) and PDF (to print or file as is):
every step with its date, who acts, the decisions, the documents on file, the 考察 records and the
history — what the archive (材料归档) keeps. The content is gathered once (`dossier`); each format only
lays it out, so the two never disagree."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ronghe.core import pdf
from ronghe.core.evidence.models import Evidence
from ronghe.core.workflow.models import History
from ronghe.recruitment import rules, steps
from ronghe.recruitment.models import Observation, RecruitmentCase

TITLE = "发展党员工作纪实"
BASICS_HEADER = ["项目", "内容"]
STEPS_HEADER = ["步骤", "内容", "办理主体", "日期", "材料"]
OBSERVATIONS_HEADER = ["日期", "类型", "内容"]
HISTORY_HEADER = ["时间", "事项", "阶段", "经办人", "说明"]
NONE_YET = "尚无。"


@dataclass(frozen=True)
class Dossier:
    name: str
    basics: list[list[str]]
    steps: list[list[str]]
    decisions: list[str]
    observations: list[list[str]]
    history: list[list[str]]


def _d(day: object) -> str:
    return day.strftime("%Y年%m月%d日") if day else "—"  # type: ignore[attr-defined]


def dossier(
    case: RecruitmentCase,
    *,
    facts: rules.Facts,
    contacts: list[str],
    introducers: list[str],
    files: list[Evidence],
    observations: list[Observation],
    history: list[History],
) -> Dossier:
    """The dossier's content as text rows, whatever the format."""
    basics = [
        ["姓名", case.name],
        ["性别", case.gender],
        ["出生日期", _d(case.birth_date)],
        ["公民身份号码", case.id_number_masked],
        ["学历", case.education or "—"],
        ["工作单位及职务", case.work_position or "—"],
        ["所在党支部", case.organization.name],
        ["当前阶段", case.get_stage_display()],
        ["培养联系人", "、".join(contacts) or "—"],
        ["入党介绍人", "、".join(introducers) or "—"],
        ["入党时间（支部大会通过之日）", _d(rules.joined_on(facts))],
        [
            "预备期",
            f"{_d(facts.admitted_on)} 至 {_d(rules.probation_end(facts.admitted_on, facts.extension_months))}"
            if facts.admitted_on
            else "—",
        ],
        ["转正时间（党龄起算）", _d(rules.full_on(facts))],
    ]
    by_document: dict[str, list[str]] = {}
    for e in files:
        by_document.setdefault(e.note, []).append(e.original_name or e.label)
    step_rows = [
        [
            str(s.number),
            s.title,
            s.actor,
            _d(steps.step_done(s, facts, [o.on for o in observations])),
            "；".join(f"{d}：{'、'.join(by_document.get(d, [])) or '未上传'}" for d in s.documents) or "—",
        ]
        for s in steps.STEPS
    ]
    decisions = []
    if facts.political_review_on:
        decisions.append(
            f"政治审查：{_d(facts.political_review_on)}，结论{case.get_political_review_result_display() or '未填写'}。"
        )
    if facts.training_start:
        decisions.append(
            f"集中培训：{_d(facts.training_start)} 至 {_d(facts.training_end)}，{facts.training_hours or 0} 学时。"
        )
    if facts.admitted_on:
        decisions.append(
            f"支部大会讨论接收：{_d(facts.admitted_on)}，应到会有表决权党员 {facts.voters_expected} 人，实到 "
            f"{facts.voters_present} 人，赞成 {facts.votes_yes} 票（书面意见 {facts.written_yes} 票）。"
        )
    if facts.approved_on:
        decisions.append(
            f"上级党委审批：{case.approver.name if case.approver else '—'} {_d(facts.approved_on)} 批准为预备党员"
            + (f"（超过三个月的原因：{facts.approval_delay_reason}）" if facts.approval_delay_reason else "")
            + "。"
        )
    if facts.extension_meeting_on:
        decisions.append(
            f"延长预备期：支部大会 {_d(facts.extension_meeting_on)} 决定延长 {facts.extension_months} 个月。"
        )
    if facts.full_meeting_on:
        decisions.append(
            f"支部大会讨论转正：{_d(facts.full_meeting_on)}，{case.get_full_outcome_display()}；"
            f"上级党委 {_d(facts.full_approved_on)} 审批。"
        )
    for stage, (start, end) in facts.publicity.items():
        decisions.append(f"{rules.PUBLICITY_LABELS[stage]}公示：{_d(start)} 至 {_d(end)}。")
    return Dossier(
        name=case.name,
        basics=basics,
        steps=step_rows,
        decisions=decisions,
        observations=[[_d(o.on), o.get_kind_display(), o.content] for o in observations],
        history=[
            [
                f"{h.at:%Y-%m-%d %H:%M}",
                getattr(h, "action_label", h.action) or "登记",
                getattr(h, "to_label", h.to_state),
                h.actor.username if h.actor else "系统",
                h.comment,
            ]
            for h in history
        ],
    )


def _table(doc: Document, header: list[str], rows: Iterable[list[str]]) -> None:  # type: ignore[valid-type]
    table = doc.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def dossier_docx(d: Dossier) -> bytes:
    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(TITLE)
    run.bold = True
    run.font.size = Pt(22)
    doc.add_heading("一、基本情况", level=2)
    _table(doc, BASICS_HEADER, d.basics)
    doc.add_heading("二、发展步骤", level=2)
    _table(doc, STEPS_HEADER, d.steps)
    doc.add_heading("三、决定和表决", level=2)
    for line in d.decisions or [NONE_YET]:
        doc.add_paragraph(line)
    doc.add_heading("四、培养考察和思想汇报", level=2)
    if d.observations:
        _table(doc, OBSERVATIONS_HEADER, d.observations)
    else:
        doc.add_paragraph(NONE_YET)
    doc.add_heading("五、办理记录", level=2)
    _table(doc, HISTORY_HEADER, d.history)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def dossier_pdf(d: Dossier) -> bytes:
    from reportlab.platypus import Paragraph

    style = pdf.styles()

    def para(text: str, kind: str = "normal") -> Paragraph:
        return Paragraph(pdf.escape(text), style[kind])

    story = [
        para(f"{TITLE}（{d.name}）", "title"),
        para("一、基本情况", "heading"),
        pdf.table([BASICS_HEADER, *d.basics], [60, 110], center_from=2, wrap=True),
        para("二、发展步骤", "heading"),
        pdf.table([STEPS_HEADER, *d.steps], [10, 44, 26, 26, 64], center_from=5, wrap=True),
        para("三、决定和表决", "heading"),
        *[para(line) for line in d.decisions or [NONE_YET]],
        para("四、培养考察和思想汇报", "heading"),
    ]
    if d.observations:
        story.append(
            pdf.table([OBSERVATIONS_HEADER, *d.observations], [28, 24, 118], center_from=3, wrap=True)
        )
    else:
        story.append(para(NONE_YET))
    story += [
        para("五、办理记录", "heading"),
        pdf.table([HISTORY_HEADER, *d.history], [30, 28, 28, 26, 58], center_from=5, wrap=True),
    ]
    return pdf.build(story, title=f"{TITLE}-{d.name}")
