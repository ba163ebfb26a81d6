from django.db import models


class Audience(models.TextChoices):
    ALL = "all", "全体党员"
    SECRETARIES = "secretaries", "党组织书记"
    STAFF = "staff", "党务干部"
    PROBATIONARY = "probationary", "预备党员"
    CANDIDATES = "candidates", "发展对象"


class AttendanceSource(models.TextChoices):
    CHECKIN = "checkin", "扫码签到"
    ENTERED = "entered", "补录"


class MaterialKind(models.TextChoices):
    STUDY_DAY = "study_day", "双周学习日专题"
    LECTURE = "lecture", "党课"
    DOCUMENT = "document", "学习文件"
