"""Surveys (问卷) answered on the phone, stored so that no answer can be linked to a person.

Like the secret votes of `core.voting`: `Respondent` records that an account answered (never what), and
the answers are kept only as counts per option (`Tally`, no person and no time) and, for text questions,
as one list per question and group into which each text is inserted at a random position (`TextBag`),
so neither row order nor time ties a text to the account that wrote it. Counts are kept per group (the
respondent's own organization), and results are shown only for groups of at least five respondents.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ronghe.outreach.choices import PartnerKind, QuestionKind, SurveyState


class Survey(models.Model):
    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="发布党组织"
    )
    title = models.CharField("问卷名称", max_length=200)
    description = models.TextField("说明", blank=True)
    year = models.PositiveSmallIntegerField("年度")
    anonymous = models.BooleanField("匿名", default=True)
    satisfaction = models.BooleanField("计入群众满意度", default=False)
    state = models.CharField("状态", max_length=10, choices=SurveyState.choices, default=SurveyState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "问卷"
        verbose_name_plural = "问卷"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField("序号")
    kind = models.CharField("题型", max_length=10, choices=QuestionKind.choices)
    text = models.CharField("题目", max_length=300)
    options = models.JSONField("选项", default=list)  # labels; their index is the option key

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = "题目"
        ordering = ["survey_id", "order"]
        constraints = [models.UniqueConstraint(fields=["survey", "order"], name="one_question_per_order")]

    def __str__(self) -> str:
        return self.text


class Respondent(models.Model):
    """That an account answered a survey (never what it answered), and the group it was counted in."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "已答卷人"
        verbose_name_plural = "已答卷人"
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="one_answer_per_account")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.user_id}"


class Tally(models.Model):
    """How many of a group chose option `option` of a question: counts only."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tallies")
    group = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    option = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "选项计数"
        verbose_name_plural = "选项计数"
        constraints = [
            models.UniqueConstraint(fields=["question", "group", "option"], name="one_tally_per_group_option")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.option}={self.count}"


class TextBag(models.Model):
    """The texts a group wrote for a question, in random order (each inserted at a random position)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="bags")
    group = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    texts = models.JSONField(default=list)

    class Meta:
        verbose_name = "文字答案"
        verbose_name_plural = "文字答案"
        constraints = [models.UniqueConstraint(fields=["question", "group"], name="one_bag_per_group")]

    def __str__(self) -> str:
        return f"{self.question_id}:{len(self.texts)}"


class VolunteerActivity(models.Model):
    """志愿服务: an activity published by a branch or unit for its members, checked into by phone."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="组织党组织"
    )
    title = models.CharField("活动名称", max_length=200)
    place = models.CharField("地点", max_length=200, blank=True)
    description = models.TextField("服务内容", blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    hours = models.DecimalField("服务时长（小时）", max_digits=4, decimal_places=1)
    checkin_code = models.CharField(max_length=16, null=True, blank=True, unique=True)
    checkin_expires_at = models.DateTimeField("签到码失效时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务活动"
        verbose_name_plural = "志愿服务活动"
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path


class VolunteerRecord(models.Model):
    """A member's sign-up for an activity and, once checked in, the hours served."""

    scope_org_field = "member__organization"
    scope_member_field = "member"

    activity = models.ForeignKey(VolunteerActivity, on_delete=models.CASCADE, related_name="records")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    signed_up_at = models.DateTimeField("报名时间", null=True, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    hours = models.DecimalField("服务时长（小时）", max_digits=4, decimal_places=1, default=0)
    year = models.PositiveSmallIntegerField("年度", db_index=True)

    class Meta:
        verbose_name = "志愿服务记录"
        verbose_name_plural = "志愿服务记录"
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="one_record_per_activity")]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.member_id}"

    def audit_org_path(self) -> str:
        return self.activity.organization.path


class Pairing(models.Model):
    """A branch's partner of "三结对五联系" (1–3 a branch), or a leader's grassroots contact point."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="党组织"
    )
    kind = models.CharField("类型", max_length=20, choices=PartnerKind.choices)
    partner = models.CharField("结对对象 / 联系点", max_length=200)
    leader = models.CharField("联系领导", max_length=50, blank=True)
    duties = models.TextField("联系内容", blank=True)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "结对联系"
        verbose_name_plural = "结对联系"
        ordering = ["organization_id", "kind", "id"]

    def __str__(self) -> str:
        return self.partner

    def audit_org_path(self) -> str:
        return self.organization.path


class ContactVisit(models.Model):
    """One visit or contact: what was done, the issue raised and its follow-up until closed."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("联系日期")
    summary = models.TextField("联系情况")
    issue = models.TextField("反映的问题", blank=True)
    follow_up_due = models.DateField("办结期限", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    outcome = models.TextField("办理结果", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "联系记录"
        verbose_name_plural = "联系记录"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.pairing_id}:{self.visited_on}"

    def audit_org_path(self) -> str:
        return self.pairing.organization.path


class VolunteerTeam(models.Model):
    """党员志愿服务先锋队: a branch's or unit's standing team of volunteers."""

    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="所属党组织"
    )
    name = models.CharField("队名", max_length=100)
    focus = models.CharField("服务方向", max_length=200, blank=True)
    members = models.ManyToManyField("members.Member", through="TeamMembership", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "党员志愿服务先锋队"
        verbose_name_plural = "党员志愿服务先锋队"
        ordering = ["organization_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="one_team_name_per_organization")
        ]

    def __str__(self) -> str:
        return self.name

    def audit_org_path(self) -> str:
        return self.organization.path


class TeamMembership(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    is_captain = models.BooleanField("队长", default=False)
    joined_on = models.DateField("加入日期")

    class Meta:
        verbose_name = "先锋队队员"
        verbose_name_plural = "先锋队队员"
        ordering = ["-is_captain", "joined_on", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "member"], name="one_membership_per_team")]

    def __str__(self) -> str:
        return f"{self.team_id}:{self.member_id}"
