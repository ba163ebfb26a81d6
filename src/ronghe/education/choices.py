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
