"""Input parsing for the training pages (rules and checks live in services)."""

from __future__ import annotations

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.education.choices import Audience, MaterialKind


class ClassForm(StyledForm):
    title = forms.CharField(label="培训班名称", max_length=200)
    audience = forms.ChoiceField(label="培训对象", choices=Audience.choices)
    starts_on = forms.DateField(label="开班日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="结业日期", widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label="培训内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SessionForm(StyledForm):
    title = forms.CharField(label="课程", max_length=200)
    starts_at = forms.DateTimeField(
        label="开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="结束时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    hours = forms.DecimalField(label="学时", max_digits=4, decimal_places=1)


class AttendanceForm(StyledForm):
    member = forms.IntegerField(label="学员", widget=forms.Select)
    hours = forms.DecimalField(label="学时", max_digits=4, decimal_places=1)
    note = forms.CharField(label="补录理由", max_length=200)


class StudyImportForm(StyledForm):
    month = forms.CharField(label="月份（YYYY-MM）", max_length=7)
    file = forms.FileField(label="学习强国导出表（xlsx/csv）")
    confirm = forms.BooleanField(label="确认导入已匹配的行", required=False)


class PolicyForm(StyledForm):
    member_hours = forms.DecimalField(label="党员年度学时要求", max_digits=5, decimal_places=1)
    officer_hours = forms.DecimalField(label="书记、委员年度学时要求", max_digits=5, decimal_places=1)


class ExternalTrainingForm(StyledForm):
    title = forms.CharField(label="培训名称", max_length=200)
    organiser = forms.CharField(label="举办单位", max_length=200)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label="学时", max_digits=4, decimal_places=1)
    file = forms.FileField(label="培训证明（结业证书、通知或照片）", required=False)


class ExternalDecisionForm(StyledForm):
    action = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "退回")], label="审核结果")
    comment = forms.CharField(label="审核意见", required=False, max_length=200)


class BirthdayForm(StyledForm):
    # chosen above the list of the month's members (the page's GET form), carried here unseen
    held_on = forms.DateField(label="仪式日期", widget=forms.HiddenInput)
    oath_retaken = forms.BooleanField(label="重温入党誓词", required=False, initial=True)
    note = forms.CharField(label="说明", max_length=200, required=False)
    photo = forms.FileField(label="仪式照片（JPG、PNG）", required=False)


class MaterialForm(StyledForm):
    title = forms.CharField(label="标题", max_length=200)
    kind = forms.ChoiceField(label="类别", choices=MaterialKind.choices)
    summary = forms.CharField(label="内容简介", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    url = forms.URLField(
        label="链接（视频、文章网址）", required=False, max_length=500, assume_scheme="https"
    )
    file = forms.FileField(label="文件（PDF、DOCX 等）", required=False)
