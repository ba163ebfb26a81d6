from django.db import models


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"
    SUSPENDED = "suspended", "停止党籍"
    LEFT = "left", "出党"
    DECEASED = "deceased", "死亡"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    CANCELLED = "cancelled", "已取消预备党员资格"


ACTIVE_STATUSES = frozenset({MemberStatus.PROBATIONARY, MemberStatus.FULL})


class Education(models.TextChoices):
    POSTGRADUATE = "研究生", "研究生"
    UNDERGRADUATE = "大学本科", "大学本科"
    JUNIOR_COLLEGE = "大学专科", "大学专科"
    TECHNICAL = "中专", "中专"
    HIGH_SCHOOL = "高中", "高中"
    MIDDLE_SCHOOL = "初中及以下", "初中及以下"


class Occupation(models.TextChoices):
    """The 职业 bands of the national statistics (domain-rules §6)."""

    WORKER = "工人", "工人(工勤技能人员)"
    FARMER = "农牧渔民", "农牧渔民"
    PROFESSIONAL = "专业技术人员", "企事业单位、社会组织专业技术人员"
    MANAGER = "管理人员", "企事业单位、社会组织管理人员"
    CIVIL_SERVANT = "党政机关工作人员", "党政机关工作人员"
    STUDENT = "学生", "学生"
    OTHER = "其他职业人员", "其他职业人员"
    RETIRED = "离退休人员", "离退休人员"


class StatusAction(models.TextChoices):
    """Status changes recorded in a member's history (domain-rules §3 stage 五, §5)."""

    MAKE_FULL = "make_full", "转正"
    EXTEND_PROBATION = "extend_probation", "延长预备期"
    CANCEL_PROBATION = "cancel_probation", "取消预备党员资格"
    SUSPEND = "suspend", "停止党籍"
    RESTORE = "restore", "恢复党籍"
    EXPEL = "expel", "出党"
    DECEASE = "decease", "死亡"


class TransferKind(models.TextChoices):
    INTERNAL = "internal", "系统内转接"
    OUTGOING = "outgoing", "转出（介绍信）"
    INCOMING = "incoming", "转入（介绍信）"


class TransferStatus(models.TextChoices):
    PENDING = "pending", "待回执"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已撤回"


class TransferAction(models.TextChoices):
    CONFIRM = "confirm", "确认回执"
    CANCEL = "cancel", "撤回"
