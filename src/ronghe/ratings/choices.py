from django.db import models


class CampaignState(models.TextChoices):
    OPEN = "open", "自评申报与评定"
    REVIEW = "review", "联审中"
    PUBLICITY = "publicity", "公示中"
    NAMED = "named", "已命名"


class EntryState(models.TextChoices):
    DRAFT = "draft", "未申报"
    SUBMITTED = "submitted", "待初审"
    RETURNED = "returned", "退回修改"
    CHECKED = "checked", "待评定"
    EVALUATED = "evaluated", "已评定"
    SET_ASIDE = "set_aside", "暂缓命名"
    NAMED = "named", "已命名"


class RecheckState(models.TextChoices):
    PENDING = "pending", "待复核"
    KEPT = "kept", "保留星级"
    REDUCED = "reduced", "摘星"


class StarChangeKind(models.TextChoices):
    RECHECK = "recheck", "复核摘星"
    REMOVED = "removed", "年中摘星"
