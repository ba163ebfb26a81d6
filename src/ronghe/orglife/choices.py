from django.db import models


class MeetingKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", "党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支委会"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE_MEETING = "life_meeting", "组织生活会"
    DEMOCRATIC_APPRAISAL = "democratic_appraisal", "民主评议党员"
    HEART_TALK = "heart_talk", "谈心谈话"
    STUDY_DAY = "study_day", "双周学习日"
    LEADERSHIP_LIFE_MEETING = "leadership_life_meeting", "民主生活会"


class MeetingState(models.TextChoices):
    """A meeting ahead is only planned; it counts (compliance, points) once held."""

    PLANNED = "planned", "已安排"
    HELD = "held", "已召开"


class AttendanceStatus(models.TextChoices):
    # First, so the attendance form starts on it: nobody is present until checked in or marked.
    UNMARKED = "unmarked", "未标记"
    PRESENT = "present", "出席"
    EXCUSED = "excused", "请假"
    ABSENT = "absent", "缺席"


# The statuses a held meeting's attendance may have (every expected member marked).
MARKED_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT)


class AttendanceSource(models.TextChoices):
    RECORDED = "recorded", "录入"
    CHECKIN = "checkin", "扫码签到"
    CORRECTED = "corrected", "书记更正"


class Period(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class ExpectedAttendees(models.TextChoices):
    ALL = "all", "全体党员"
    COMMITTEE = "committee", "支委委员"
    GROUP = "group", "党小组成员"


class ComplianceState(models.TextChoices):
    MET = "met", "已完成"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "逾期未完成"
    NOT_DUE = "not_due", "未到期"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class VoteMethod(models.TextChoices):
    HANDS = "hands", "举手表决"
    BALLOT = "ballot", "无记名投票"


class LateEntryMode(models.TextChoices):
    MARK = "mark", "允许补录并标注“补录”"
    REFUSE = "refuse", "超过期限不允许补录"
