from django.db import models


class Role(models.TextChoices):
    WORK_COMMITTEE_ADMIN = "work_committee_admin", "工委管理员"
    UNIT_ADMIN = "unit_admin", "单位党务管理员"
    UNIT_LEADER = "unit_leader", "单位领导"
    BUSINESS_SYSTEM = "business_system", "业务系统接口"
    BRANCH_SECRETARY = "branch_secretary", "支部书记/党务"
    MEMBER = "member", "党员"
    JUDGE = "judge", "评委"
    DISCIPLINE_REVIEWER = "discipline_reviewer", "纪检审核"
    AUDIT_ADMIN = "audit_admin", "审计管理员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"


# 三员分立: these three roles are mutually exclusive for one user.
THREE_ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


class TokenRevocation(models.TextChoices):
    MANUAL = "manual", "手动吊销"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    DEACTIVATED = "deactivated", "账户停用"
