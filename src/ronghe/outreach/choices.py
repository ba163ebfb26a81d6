from django.db import models


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    SCALE = "scale", "满意度（1–5）"
    TEXT = "text", "文字"


class SurveyState(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "答题中"
    CLOSED = "closed", "已结束"
