from __future__ import annotations

from django import forms

from ronghe.core.forms import StyledForm


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
