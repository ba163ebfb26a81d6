from django.db import models


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ACTIVE = "active", "启用"
    ARCHIVED = "archived", "已归档"


class SchemePurpose(models.TextChoices):
    MEMBER_POINTS = "member_points", "党员积分（5A）"
    BRANCH_STARS = "branch_stars", "支部评星"
    SELECTION = "selection", "评选"
    UNIT_ASSESSMENT = "unit_assessment", "融合考核"


class IndicatorKind(models.TextChoices):
    DERIVED = "derived", "自动采集"
    ENTERED = "entered", "评分录入"
    VETO = "veto", "一票否决"
