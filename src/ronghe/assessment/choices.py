from django.db import models


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class CampaignState(models.TextChoices):
    OPEN = "open", "考核中"
    FINALIZED = "finalized", "已定档"


class RoundState(models.TextChoices):
    PREPARING = "preparing", "准备中"
    VOTING = "voting", "测评中"
    COUNTED = "counted", "已计票"
    FINALIZED = "finalized", "已定等次"


class Quadrant(models.TextChoices):
    BOTH_STRONG = "both_strong", "党建业务双强"
    PARTY_LAGGING = "party_lagging", "党建滞后"
    BUSINESS_LAGGING = "business_lagging", "业务滞后"
    BOTH_WEAK = "both_weak", "双弱"


# 述职评议 and 党建 grades (domain-rules §8: 好/较好/一般/差), best first; rank 4 … 1.
PARTY_GRADES = (("good", "好", 4), ("fair_good", "较好", 3), ("average", "一般", 2), ("poor", "差", 1))
# The unit's annual grade; rank 4 … 1. Labels are the scheme's (its levels), these are the defaults.
UNIT_GRADES = (("优秀", 4), ("良好", 3), ("一般", 2), ("较差", 1))


class VanguardKind(models.TextChoices):
    POST = "post", "党员先锋岗"
    COMMANDO = "commando", "党员突击队"
    AREA = "area", "党员责任区"
    PROJECT = "project", "党建引领重点项目"


class VanguardState(models.TextChoices):
    ACTIVE = "active", "进行中"
    ACHIEVED = "achieved", "已完成"
    MISSED = "missed", "未完成"
