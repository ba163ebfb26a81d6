"""The permission policy: role → permissions. The single source of truth, asserted by tests."""

from __future__ import annotations

from ronghe.accounts.choices import THREE_ADMINS, Role

# Permissions are "<area>.<action>". A role grants them inside the subtree of the node it is assigned at.
PERMISSIONS: dict[str, str] = {
    "orgs.view": "查看党组织",
    "orgs.edit": "维护党组织",
    "members.view": "查看党员",
    "members.edit": "维护党员",
    "members.view_sensitive": "查看完整身份证号和手机号",
    "members.import": "导入党员名册",
    "members.export": "导出党员名册",
    "orglife.view": "查看组织生活",
    "orglife.edit": "记录组织生活",
    "orglife.manage_requirements": "设置组织生活要求",
    "points.view": "查看积分",
    "points.edit": "维护积分",
    "points.approve": "审核积分申报",
    "points.manage_scheme": "设置积分方案",
    "ratings.view": "查看评星定级",
    "ratings.apply": "支部自评申星",
    "ratings.check": "评星初审",
    "ratings.manage": "组织评星定级",
    "integration.view": "查看同步部署与点评",
    "integration.plan": "编制工作计划、办理任务",
    "integration.manage": "发布工作要点、同步点评",
    "dues.view": "查看党费",
    "dues.edit": "登记党费收缴",
    "dues.import": "导入工资表核定党费基数",
    "dues.approve_relief": "审批少交、免交党费（上一级党委）",
    "dues.manage": "设置党费核定方式",
    "recruitment.view": "查看发展党员纪实",
    "recruitment.edit": "记录发展党员步骤",
    "recruitment.approve": "审批接收预备党员和转正",
    "recruitment.import": "导入发展党员名单",
    "selections.view": "查看评选表彰、品牌和示范点",
    "selections.nominate": "推荐评选对象、登记品牌、报送创新案例",
    "selections.manage": "组织评选表彰、命名示范点、审核创新案例",
    "judging.score": "评委评分",
    "review.discipline": "纪检联审",
    "discipline.view": "查看问题线索、案件和廉政风险点（纪检）",
    "discipline.manage": "办理问题线索和案件、维护廉政风险点（纪检）",
    "assessment.view": "查看融合考核",
    "assessment.manage": "组织融合考核与述职评议",
    "assessment.report": "报送业务指标完成值和述职材料",
    "assessment.vanguard": "设立党员先锋岗、突击队、责任区",
    "education.view": "查看学习教育（培训、学时、学习强国）",
    "education.edit": "举办培训、记录学时、导入学习强国积分",
    "education.manage": "设置年度学时要求",
    "outreach.view": "查看志愿服务与问卷",
    "outreach.edit": "发布问卷、组织志愿服务",
    "reports.view": "查看统计",
    "reports.edit": "编写年度工作报告",
    "audit.view": "查看审计日志",
    "users.manage": "管理用户账户",
    "roles.grant": "授予角色",
    "security.policy": "安全策略",
    "tokens.manage": "管理接口令牌",
    "notices.publish": "发布通知公告",
    "self.view": "查看本人信息",
}

_DOMAIN_READ = {
    "orgs.view",
    "members.view",
    "orglife.view",
    "points.view",
    "ratings.view",
    "selections.view",
    "assessment.view",
    "reports.view",
    "integration.view",
    "dues.view",
    "recruitment.view",
    "education.view",
    "outreach.view",
}
_DOMAIN_WRITE = {
    "orgs.edit",
    "members.edit",
    "members.import",
    "members.export",
    "orglife.edit",
    "points.edit",
    "points.approve",
    "ratings.apply",
    "selections.nominate",
    "assessment.vanguard",
    "integration.plan",
    "dues.edit",
    "dues.import",
    "recruitment.edit",
    "recruitment.import",
    "education.edit",
    "outreach.edit",
    "reports.edit",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.WORK_COMMITTEE_ADMIN: frozenset(
        _DOMAIN_READ
        | _DOMAIN_WRITE
        | {
            "members.view_sensitive",
            "orglife.manage_requirements",
            "points.manage_scheme",
            "ratings.check",
            "ratings.manage",
            "selections.manage",
            "assessment.manage",
            "assessment.report",
            "integration.manage",
            "education.manage",
            "dues.approve_relief",
            "dues.manage",
            "recruitment.approve",
            "notices.publish",
            "self.view",
        }
    ),
    Role.UNIT_ADMIN: frozenset(
        _DOMAIN_READ
        | _DOMAIN_WRITE
        | {
            "members.view_sensitive",
            "ratings.check",
            "assessment.report",
            "dues.approve_relief",
            "dues.manage",
            "recruitment.approve",
            "notices.publish",
            "self.view",
        }
    ),
    # A unit's leader sees Party building and business side by side, and changes nothing.
    Role.UNIT_LEADER: frozenset(
        {
            "orgs.view",
            "orglife.view",
            "points.view",
            "ratings.view",
            "selections.view",
            "integration.view",
            "assessment.view",
            "reports.view",
            "self.view",
        }
    ),
    # A business system's service account: it reports KPI results through the API, nothing else.
    Role.BUSINESS_SYSTEM: frozenset({"assessment.report"}),
    Role.BRANCH_SECRETARY: frozenset(_DOMAIN_READ | _DOMAIN_WRITE | {"self.view"}),
    Role.MEMBER: frozenset({"self.view"}),
    Role.JUDGE: frozenset({"orgs.view", "ratings.view", "selections.view", "judging.score", "self.view"}),
    Role.DISCIPLINE_REVIEWER: frozenset(
        {
            "orgs.view",
            "members.view",
            "ratings.view",
            "selections.view",
            "review.discipline",
            "discipline.view",
            "discipline.manage",
            "reports.view",
            "self.view",
        }
    ),
    Role.AUDIT_ADMIN: frozenset({"audit.view"}),
    Role.SYSTEM_ADMIN: frozenset({"users.manage", "orgs.view", "orgs.edit"}),
    Role.SECURITY_ADMIN: frozenset({"roles.grant", "security.policy", "tokens.manage"}),
}


def permissions_for(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


# Permissions that reach no member's data: the administrators' own duties and the organization tree.
NON_DATA_PERMISSIONS = frozenset(
    {
        "audit.view",
        "users.manage",
        "roles.grant",
        "security.policy",
        "tokens.manage",
        "orgs.view",
        "orgs.edit",
    }
)


def has_data_access(role: str) -> bool:
    """A role reaches members' data when it grants any permission beyond the administrators' duties
    and the organization tree (every business role does: at least `self.view`)."""
    return bool(permissions_for(role) - NON_DATA_PERMISSIONS)


def roles_conflict(a: str, b: str) -> bool:
    """三员分立 (security.md AC-1; GB/T 22239-2019 L3 访问控制 d) "实现管理用户的权限分离"): one account
    never holds two different administrator roles (系统/安全/审计管理员), nor an administrator role
    together with a role that reaches members' data. The same role at two nodes is no conflict.
    Symmetric, so the order of the grants does not matter."""
    if a == b:
        return False
    if a in THREE_ADMINS and b in THREE_ADMINS:
        return True
    if a in THREE_ADMINS:
        return has_data_access(b)
    if b in THREE_ADMINS:
        return has_data_access(a)
    return False


# Two-factor login (security.md AUTH-8): the 三员 and the 工委管理员 always; more roles by setting.
MFA_ALWAYS = frozenset(THREE_ADMINS | {Role.WORK_COMMITTEE_ADMIN})


def mfa_required(roles: set[str] | frozenset[str], extra_roles: frozenset[str]) -> bool:
    """An account signs in with a second factor (TOTP) when any role it holds is one of the 三员 or the
    工委管理员 (GB/T 22239-2019 L3 身份鉴别 d); ASVS 4.0.3 4.3.1), or is listed in `RONGHE_MFA_ROLES`
    (`extra_roles`, "all" meaning every role)."""
    if "all" in extra_roles:
        return bool(roles)
    return bool(roles & (MFA_ALWAYS | extra_roles))
