from django.db import models


class PublicationState(models.TextChoices):
    OPEN = "open", "公示中"
    CLOSED = "closed", "已结束"


class PublicationAction(models.TextChoices):
    CLOSE = "close", "结束公示"


class ObjectionState(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class ObjectionAction(models.TextChoices):
    UPHOLD = "uphold", "认定成立"
    DISMISS = "dismiss", "认定不成立"
