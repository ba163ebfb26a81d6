"""Input parsing for organizational-life pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from ronghe.core.forms import StyledForm, StyledFormMixin
from ronghe.members.models import Member
from ronghe.orglife.choices import (
    MARKED_STATUSES,
    AttendanceStatus,
    ExpectedAttendees,
    Grade,
    MeetingKind,
    Period,
    VoteMethod,
)
from ronghe.orglife.models import MeetingRequirement, OrgLifePolicy
from ronghe.orglife.services import AttendanceEntry
from ronghe.orgs.choices import OrgKind

if TYPE_CHECKING:  # the stubs' model forms take their model as a type argument; Django's cannot
    _RequirementModelForm = forms.ModelForm[MeetingRequirement]
    _PolicyModelForm = forms.ModelForm[OrgLifePolicy]
else:
    _RequirementModelForm = _PolicyModelForm = forms.ModelForm

DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _dt_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(StyledForm):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=200)
    held_at = forms.DateTimeField(label="开始时间", input_formats=DT_FORMATS, widget=_dt_widget())
    ends_at = forms.DateTimeField(
        label="结束时间", input_formats=DT_FORMATS, widget=_dt_widget(), required=False
    )
    place = forms.CharField(label="地点", max_length=100, required=False)
    host = forms.ModelChoiceField(label="主持人", queryset=Member.objects.none(), required=False)
    recorder = forms.ModelChoiceField(label="记录人", queryset=Member.objects.none(), required=False)
    agenda = forms.CharField(label="议程", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    minutes = forms.CharField(
        label="会议记录（传达内容、讨论情况）", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    remarks = forms.CharField(label="发言情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    sitting_in = forms.CharField(
        label="列席人员",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="每行一人：姓名 单位/职务",
    )
    requires_sign_out = forms.BooleanField(label="需要签退", required=False)

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        self.members = members
        super().__init__(*args, **kwargs)
        ids = [m.pk for m in members]
        for name, label in (("host", "主持人"), ("recorder", "记录人")):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Member.objects.filter(pk__in=ids)
            field.error_messages["invalid_choice"] = f"{label}须为本组织党员"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("held_at") and data.get("ends_at") and data["ends_at"] <= data["held_at"]:
            self.add_error("ends_at", "结束时间必须晚于开始时间")
        attendance: dict[int, AttendanceEntry] = {}
        for m in self.members:
            status = self.data.get(f"att-{m.pk}", AttendanceStatus.UNMARKED)
            reason = self.data.get(f"reason-{m.pk}", "").strip()[:200]
            if status not in AttendanceStatus.values:
                self.add_error(None, f"{m.name} 的出席情况无效")
                continue
            if status == AttendanceStatus.EXCUSED and not reason:
                self.add_error(None, f"出席情况：{m.name} 请假，须填写请假原因")
            attendance[m.pk] = AttendanceEntry(status, reason)
        data["attendance"] = attendance
        data["sitting_in_rows"] = [
            tuple((line.strip().split(maxsplit=1) + [""])[:2])
            for line in data.get("sitting_in", "").splitlines()
            if line.strip()
        ]
        return data

    def meeting_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            k: d[k]
            for k in (
                "kind",
                "title",
                "held_at",
                "ends_at",
                "place",
                "host",
                "recorder",
                "agenda",
                "minutes",
                "remarks",
                "requires_sign_out",
            )
        }


class MeetingFilterForm(StyledForm):
    q = forms.CharField(label="会议名称/党组织", required=False)
    kind = forms.ChoiceField(label="会议类型", required=False, choices=[("", "全部"), *MeetingKind.choices])
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    # from a member's profile (参会记录): the meetings the member was expected at
    member = forms.UUIDField(label="党员", required=False, widget=forms.HiddenInput)


class DecisionForm(StyledForm):
    text = forms.CharField(label="决议内容", widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(label="表决方式", choices=VoteMethod.choices)
    yes = forms.IntegerField(label="赞成", min_value=0, initial=0)
    no = forms.IntegerField(label="反对", min_value=0, initial=0)
    abstain = forms.IntegerField(label="弃权", min_value=0, initial=0)


class VoterExclusionForm(StyledForm):
    member = forms.ModelChoiceField(label="党员", queryset=Member.objects.none())
    reason = forms.CharField(label="不计入应到会人数的原因", max_length=200)
    approval_ref = forms.CharField(label="上级批准文号", max_length=100)

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        member.queryset = Member.objects.filter(pk__in=[m.pk for m in members]).order_by("name", "id")
        member.error_messages["invalid_choice"] = "党员：须为本次会议有表决权的党员"


class CorrectionForm(StyledForm):
    status = forms.ChoiceField(
        label="出席情况", choices=[c for c in AttendanceStatus.choices if c[0] in MARKED_STATUSES]
    )
    reason = forms.CharField(label="请假/缺席原因", max_length=200, required=False)
    note = forms.CharField(label="更正理由", max_length=200)


class AttachmentForm(StyledForm):
    file = forms.FileField(label="附件（照片或文档）")


class RequirementForm(StyledFormMixin, _RequirementModelForm):
    org_kinds = forms.MultipleChoiceField(
        label="适用党组织类型", choices=OrgKind.choices, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    class Meta:
        model = MeetingRequirement
        fields = ["period", "min_count", "org_kinds", "expected", "coverage", "is_active"]

    def clean_min_count(self) -> int:
        n: int = self.cleaned_data["min_count"]
        if n < 1:
            raise forms.ValidationError("每周期最少次数至少为 1")
        return n


class CopyRequirementsForm(StyledForm):
    from_year = forms.IntegerField(label="从年度", min_value=2000, max_value=2100)
    to_year = forms.IntegerField(label="复制到年度", min_value=2000, max_value=2100)


class PolicyForm(StyledFormMixin, _PolicyModelForm):
    class Meta:
        model = OrgLifePolicy
        fields = [
            "late_entry_mode",
            "late_after_days",
            "checkin_code_minutes",
            "checkin_early_minutes",
            "study_day_weekday",
            "study_day_weeks",
        ]

    def clean_study_day_weekday(self) -> int:
        n: int = self.cleaned_data["study_day_weekday"]
        if not 1 <= n <= 7:
            raise forms.ValidationError("双周学习日星期应为 1 到 7")
        return n

    def clean_study_day_weeks(self) -> str:
        raw = self.cleaned_data["study_day_weeks"]
        try:
            weeks = sorted({int(x) for x in raw.replace("，", ",").split(",") if x.strip()})
        except ValueError as exc:
            raise forms.ValidationError("双周学习日所在周应为 1 到 5 的数字，用逗号分隔") from exc
        if not weeks or any(not 1 <= w <= 5 for w in weeks):
            raise forms.ValidationError("双周学习日所在周应为 1 到 5 的数字，用逗号分隔")
        return ",".join(str(w) for w in weeks)

    def clean_checkin_code_minutes(self) -> int:
        n: int = self.cleaned_data["checkin_code_minutes"]
        if not 1 <= n <= 240:
            raise forms.ValidationError("签到码有效期应在 1 到 240 分钟之间")
        return n


GRADE_CHOICES = [("", "未评定"), *Grade.choices]
PERIOD_CHOICES = Period.choices
EXPECTED_CHOICES = ExpectedAttendees.choices
