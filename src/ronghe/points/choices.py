from django.db import models


class SourceType(models.TextChoices):
    ATTENDANCE = "attendance", "组织生活出席"
    TRAINING = "training", "培训学习"
    VOLUNTEERING = "volunteering", "志愿服务"
    VANGUARD = "vanguard", "先锋岗与突击队"
    STUDY = "study", "学习强国"
    CLAIM = "claim", "积分申报"
    ADJUSTMENT = "adjustment", "调整"
    SANCTION = "sanction", "党纪政务处分"
    HONOUR = "honour", "评选表彰"
    DUES = "dues", "党费交纳"


class ClaimState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


class ClaimAction(models.TextChoices):
    APPROVE = "approve", "通过"
    REJECT = "reject", "退回"
    WITHDRAW = "withdraw", "撤回"


class YearStatus(models.TextChoices):
    OPEN = "open", "进行中"
    PUBLICITY = "publicity", "公示中"
    FINALIZED = "finalized", "已定稿"
