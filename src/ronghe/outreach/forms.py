from __future__ import annotations

from django import forms

from ronghe.core.forms import StyledForm
from ronghe.outreach.choices import PartnerKind


class SurveyForm(StyledForm):
    title = forms.CharField(label="问卷名称", max_length=200)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    anonymous = forms.BooleanField(label="匿名问卷（不足 5 人不显示结果）", required=False, initial=True)
    satisfaction = forms.BooleanField(label="计入支部评星“群众满意度”", required=False)
    questions = forms.CharField(
        label="题目（每行一题）",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="格式：单选|题目|选项1/选项2；多选|题目|选项1/选项2；满意度|题目；文字|题目",
    )


class ActivityForm(StyledForm):
    title = forms.CharField(label="活动名称", max_length=200)
    place = forms.CharField(label="地点", max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label="开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="结束时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    hours = forms.DecimalField(label="服务时长（小时）", max_digits=4, decimal_places=1)
    description = forms.CharField(label="服务内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PairingForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=PartnerKind.choices)
    partner = forms.CharField(label="结对对象 / 联系点", max_length=200)
    leader = forms.CharField(label="联系领导", max_length=50, required=False)
    duties = forms.CharField(label="联系内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    started_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))


class VisitForm(StyledForm):
    visited_on = forms.DateField(label="联系日期", widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label="联系情况", widget=forms.Textarea(attrs={"rows": 2}))
    issue = forms.CharField(label="反映的问题", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_due = forms.DateField(
        label="办结期限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TeamForm(StyledForm):
    name = forms.CharField(label="队名", max_length=100)
    focus = forms.CharField(label="服务方向", max_length=200, required=False)
