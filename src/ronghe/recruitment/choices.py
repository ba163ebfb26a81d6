from django.db import models


class Stage(models.TextChoices):
    """The five stages of 发展党员 (发展细则, domain-rules §3), plus the two ends that leave the pipeline."""

    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"
    CANCELLED = "cancelled", "已取消预备党员资格"


PIPELINE = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL)


class Action(models.TextChoices):
    """What a secretary records on a case: one form each (the 25 steps grouped by who acts when)."""

    TALK = "talk", "党组织派人谈话"
    ACTIVIST = "activist", "确定入党积极分子"
    CANDIDATE = "candidate", "确定发展对象"
    REVIEW = "review", "政治审查和集中培训"
    PRE_REVIEW = "pre_review", "支委会审查、预审和志愿书"
    MEETING = "meeting", "支部大会讨论接收"
    APPROVE = "approve", "上级党委谈话和审批"
    OATH = "oath", "编入支部和入党宣誓"
    FULL = "full", "转正"
    ARCHIVE = "archive", "材料归档"


class ReviewResult(models.TextChoices):
    PASSED = "passed", "合格"
    FAILED = "failed", "不合格"


class FullOutcome(models.TextChoices):
    """支部大会讨论转正的结果 (domain-rules §3 step 23)."""

    FULL = "full", "按期转正"
    EXTEND = "extend", "延长预备期"
    CANCEL = "cancel", "取消预备党员资格"


class ObservationKind(models.TextChoices):
    ASSESSMENT = "assessment", "培养考察"
    REPORT = "report", "思想汇报"
