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


class PartnerKind(models.TextChoices):
    CONTACT_POINT = "contact_point", "领导干部基层联系点"
    GRASSROOTS = "grassroots", "结对基层党组织"
    SERVICE_TARGET = "service_target", "服务对象"
    KEY_PROJECT = "key_project", "重点项目"
    COMMUNITY = "community", "村（社区）"
