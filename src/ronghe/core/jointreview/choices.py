from django.db import models


class ReviewState(models.TextChoices):
    OPEN = "open", "审核中"
    PASSED = "passed", "已通过"
    OVERRIDDEN = "overridden", "不采纳异议通过"


class ReviewAction(models.TextChoices):
    PASS = "pass", "各部门均同意"
    OVERRIDE = "override", "不采纳异议"


class Verdict(models.TextChoices):
    AGREE = "agree", "同意"
    OBJECT = "object", "有异议"
