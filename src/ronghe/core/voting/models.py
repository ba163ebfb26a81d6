"""Secret votes on phones (design.md §3 "Phone check-in and secret votes").

A `Ballot` is one voting session of a module's object (述职评议 测评, later elections): the subjects
voted on, the options, a secret code carried by the QR code, and a time window. Who voted is kept in
`Voter` (one row per account, no choices); what was voted is kept only as counts in `Tally` (no
voter, no time), so nobody — not even an administrator reading the tables — can tell who voted what.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class BallotState(models.TextChoices):
    OPEN = "open", "投票中"
    CLOSED = "closed", "已结束"


class Ballot(models.Model):
    scope_org_field = "organization"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("来源类型", max_length=40)
    object_id = models.PositiveBigIntegerField("来源")
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位"
    )
    title = models.CharField("投票名称", max_length=200)
    # [{"key": str, "label": str}] in the order shown
    subjects = models.JSONField("测评对象", default=list)
    options = models.JSONField("选项", default=list)
    token = models.CharField("投票码", max_length=64, unique=True)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    state = models.CharField("状态", max_length=10, choices=BallotState.choices, default=BallotState.OPEN)
    manage_permission = models.CharField("管理权限", max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "测评投票"
        verbose_name_plural = "测评投票"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self) -> str:
        return self.title

    def audit_org_path(self) -> str:
        return self.organization.path


class Voter(models.Model):
    """That an account has voted in a ballot (never what it chose)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    voted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "已投票人"
        verbose_name_plural = "已投票人"
        constraints = [models.UniqueConstraint(fields=["ballot", "user"], name="one_vote_per_account")]

    def __str__(self) -> str:
        return f"{self.ballot_id}:{self.user_id}"


class Tally(models.Model):
    """How many chose `option_key` for `subject_key`: counts only, no voter and no time."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="tallies")
    subject_key = models.CharField(max_length=64)
    option_key = models.CharField(max_length=32)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "计票"
        verbose_name_plural = "计票"
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "subject_key", "option_key"], name="one_tally_per_option"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_key}:{self.option_key}={self.count}"
