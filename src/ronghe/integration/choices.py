from django.db import models


class WorkKind(models.TextChoices):
    """What a work point or a task is about: 党建, 业务, or both at once (融合)."""

    PARTY = "party", "党建"
    BUSINESS = "business", "业务"
    INTEGRATED = "integrated", "融合"


class WorkPointState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class PlanState(models.TextChoices):
    DRAFT = "draft", "编制中"
    SUBMITTED = "submitted", "已报送"
    ACKNOWLEDGED = "acknowledged", "工委已确认"


class TaskState(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    DONE = "done", "已完成"


class OwnerKind(models.TextChoices):
    DEPARTMENT = "department", "业务部门"
    BRANCH = "branch", "党支部"
    PERSON = "person", "个人"


class ReviewGrade(models.TextChoices):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class ReviewState(models.TextChoices):
    DRAFT = "draft", "点评中"
    FINALIZED = "finalized", "已定稿"


QUARTERS = ((1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度"))
