"""The one history of every declared process: who moved what from which state to which, when and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class History(models.Model):
    """One transition (or the start) of an object in a process. Append-only. `at` is when it was
    recorded, `effective_on` the date it takes effect where that differs (转正 dated by the branch's decision)."""

    process = models.CharField("流程", max_length=40)
    object_id = models.PositiveBigIntegerField("对象")
    from_state = models.CharField("原状态", max_length=30, blank=True)
    to_state = models.CharField("新状态", max_length=30)
    action = models.CharField("操作", max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    effective_on = models.DateField("生效日期", null=True, blank=True)
    comment = models.TextField("意见", blank=True)
    attachments = models.JSONField("附件", default=list, blank=True)
    data = models.JSONField("其他", default=dict, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    # Set by `services.history_for` for the page: the Chinese names of the action and the states.
    action_label: str
    from_label: str
    to_label: str

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["process", "object_id", "at"], name="workflow_history_object")]

    def __str__(self) -> str:
        return f"{self.process} {self.object_id} {self.from_state}→{self.to_state}"
