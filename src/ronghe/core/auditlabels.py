"""Chinese names for audit events and object types, for the audit log page.

An audit row keeps its event's code ("auth.login"); a person reads "登录". Events not named here
(a workflow's "points.claim_approve", a new event) still read as Chinese: the workflow's noun and
action label, or the area and the verb, and never as the bare code.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from ronghe.core.workflow.process import PROCESSES, Process

EVENTS: dict[str, str] = {
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.logout": "退出登录",
    "auth.lockout": "账户锁定",
    "auth.session_expired": "会话超时",
    "auth.password_changed": "修改密码",
    "auth.otp_enrol": "绑定动态口令",
    "auth.otp_success": "动态口令验证通过",
    "auth.otp_failure": "动态口令验证失败",
    "auth.otp_recovery_used": "使用恢复码登录",
    "auth.otp_reset": "重置动态口令",
    "accounts.bootstrap_admin": "创建初始管理员",
    "user.create": "新建用户",
    "user.activate": "启用用户",
    "user.deactivate": "停用用户",
    "user.deactivate_idle": "停用长期未登录用户",
    "role.grant": "授予角色",
    "role.revoke": "撤销角色",
    "token.issue": "签发接口令牌",
    "token.revoke": "吊销接口令牌",
    "audit.search": "查询审计日志",
    "backup.created": "创建备份",
    "backup.restored": "恢复备份",
    "crypto.rotate_keys": "轮换加密密钥",
    "export.requested": "申请后台导出",
    "evidence.attach": "上传佐证材料",
    "reports.monthly_summary": "生成月度工作小结",
    "evidence.download": "下载佐证材料",
    "evidence.remove": "删除佐证材料",
    "member.create": "新增党员",
    "member.update": "修改党员信息",
    "member.list": "查看党员名册",
    "member.unmask": "查看完整身份证号/手机号",
    "member.export": "导出党员名册",
    "member.import": "导入党员名册",
    "import.columns": "确认导入文件各列",
    "member.import_rejected_download": "下载导入未通过行",
    "member.status_change": "党籍状态变更",
    "member.transfer_in": "组织关系转入",
    "member.transfer_internal": "组织关系内部转移",
    "member.transfer_out_issue": "开具组织关系介绍信",
    "org.create": "新建党组织",
    "org.update": "修改党组织",
    "org.move": "调整党组织隶属关系",
    "org.dissolve": "撤销党组织",
    "org.officer_appoint": "任命班子成员",
    "org.officer_end": "班子成员离任",
    "org.worker_add": "增加党务工作者",
    "org.worker_end": "党务工作者离任",
    "org.unit_create": "登记单位",
    "org.unit_update": "修改单位",
    "org.unit_import": "导入单位名录",
    "org.unit_export": "导出单位名录",
    "chart.table_export": "导出图表数据表",
    "org.leader_add": "登记单位领导",
    "org.leader_update": "修改单位领导",
    "org.leader_remove": "删除单位领导",
    "org.department_add": "登记业务部门",
    "org.department_update": "修改业务部门",
    "org.department_remove": "删除业务部门",
    "integration.work_point_save": "保存工作要点",
    "integration.plan_create": "编制工作计划",
    "integration.plan_update": "修改工作计划",
    "integration.task_create": "新增工作任务",
    "integration.task_update": "修改工作任务",
    "integration.task_delete": "删除工作任务",
    "integration.task_progress": "填报任务进展",
    "integration.review_open": "开展同步点评",
    "integration.review_save": "保存同步点评",
    "integration.review_opinion": "填写党组（党委）意见",
    "orgs.create": "新建党组织",
    "orglife.meeting.create": "记录会议",
    "orglife.meeting.update": "修改会议",
    "orglife.meeting.delete": "删除会议",
    "orglife.meeting.export": "导出会议记录",
    "orglife.ledger.export": "导出组织生活台账",
    "reports.statistics.export": "导出党内统计",
    "reports.annual.generate": "生成年度工作报告",
    "reports.annual.edit": "编辑年度工作报告文字",
    "reports.annual.export": "下载年度工作报告",
    "orglife.attachment.create": "上传会议附件",
    "orglife.attachment.download": "下载会议附件",
    "orglife.attendance.correct": "更正出席情况",
    "orglife.checkin.open": "开启签到",
    "orglife.checkin": "会议签到",
    "orglife.checkout": "会议签退",
    "orglife.decision.create": "记录会议决议",
    "orglife.decision.delete": "删除会议决议",
    "orglife.voter_exclusion.create": "登记不参加表决人员",
    "orglife.voter_exclusion.delete": "撤销不参加表决登记",
    "orglife.appraisal.grade": "民主评议评定等次",
    "orglife.policy.update": "修改组织生活设置",
    "orglife.requirement.update": "修改组织生活要求",
    "orglife.requirement.copy": "复制组织生活要求",
    "notices.remind": "提醒未读通知",
    "points.activity_recorded": "记录积分活动",
    "points.adjusted": "调整积分",
    "points.claim_submitted": "提交积分申报",
    "points.ledger_exported": "导出积分台账",
    "points.statement_exported": "导出积分明细",
    "points.meeting_synced": "按会议计分",
    "points.meeting_points_removed": "撤销会议积分",
    "points.publicity_started": "积分公示开始",
    "points.year_finalized": "积分年度定稿",
    "publicity.publish": "发布公示",
    "publicity.objection_lodge": "提出公示异议",
    "jointreview.open": "发起联审",
    "judging.panel_opened": "组建评审组",
    "judging.judge_added": "增加评委",
    "judging.sheet_submitted": "提交评分表",
    "judging.sheet_changed": "修改评分表",
    "ratings.campaign_opened": "启动评星活动",
    "ratings.self_assessment_saved": "保存评星自评",
    "ratings.star_removed": "摘星",
    "ratings.list_export": "导出评星名单",
    "ratings.certificate_export": "导出评星证书",
    "rectification.item.create": "新建整改事项",
    "rectification.item.update": "修改整改事项",
    "rectification.item.progress": "报告整改进展",
    "scoring.scheme_seeded": "生成默认方案",
    "scoring.scheme_cloned": "复制方案",
    "scoring.scheme_activated": "启用方案",
    "scoring.scheme_archived": "停用方案",
    "scoring.scheme_updated": "修改方案",
    "scoring.level_rules_updated": "修改等级规则",
    "scoring.indicator_created": "新增指标",
    "scoring.indicator_updated": "修改指标",
    "scoring.indicator_deleted": "删除指标",
    "scoring.dimension_updated": "修改维度",
    "discipline.case_create": "受理问题线索",
    "discipline.case_view": "查看案件",
    "discipline.case_list": "查看案件列表",
    "discipline.sanction_record": "记录处分或处理",
    "discipline.committee_create": "设立纪检组织",
    "discipline.seat_add": "增加纪检委员",
    "discipline.risk_create": "登记廉政风险点",
    "discipline.risk_view": "查看廉政风险点",
    "discipline.risk_review": "复核廉政风险点",
}

AREAS: dict[str, str] = {
    "auth": "登录与认证",
    "accounts": "账户",
    "user": "用户",
    "role": "角色",
    "token": "接口令牌",
    "audit": "审计",
    "backup": "备份",
    "crypto": "加密密钥",
    "evidence": "佐证材料",
    "member": "党员",
    "members": "党员",
    "org": "党组织",
    "orgs": "党组织",
    "orglife": "组织生活",
    "points": "积分",
    "publicity": "公示",
    "jointreview": "联审",
    "judging": "评审",
    "ratings": "评星",
    "integration": "同步部署与点评",
    "rectification": "整改",
    "scoring": "评分方案",
    "discipline": "纪检",
}

VERBS: dict[str, str] = {
    "create": "新建",
    "created": "新建",
    "add": "增加",
    "update": "修改",
    "updated": "修改",
    "change": "变更",
    "delete": "删除",
    "deleted": "删除",
    "remove": "删除",
    "export": "导出",
    "import": "导入",
    "download": "下载",
    "open": "开启",
    "opened": "开启",
    "close": "关闭",
    "submit": "提交",
    "submitted": "提交",
    "approve": "通过",
    "reject": "退回",
    "withdraw": "撤回",
    "view": "查看",
    "list": "查看列表",
    "grade": "评定",
    "copy": "复制",
}


@cache
def _processes() -> tuple[Process, ...]:
    """Every declared workflow: each app declares its processes in its rules or services module."""
    for config in apps.get_app_configs():
        if config.name.startswith("ronghe."):
            for module in ("rules", "services"):
                if module_has_submodule(config.module, module):
                    import_module(f"{config.name}.{module}")
    return tuple(PROCESSES.values())


def event_label(event: str) -> str:
    """The Chinese name of an audit event: named, a workflow step ("申报：通过"), or area and verb."""
    if event in EVENTS:
        return EVENTS[event]
    for process in _processes():
        head, _, tail = process.audit_event.partition("{action}")
        if _ and event.startswith(head) and event.endswith(tail) and len(event) > len(head) + len(tail):
            action = event[len(head) : len(event) - len(tail)]
            return f"{process.noun}：{process.action_labels.get(action, VERBS.get(action, '其他操作'))}"
    area, _, rest = event.partition(".")
    area_label = AREAS.get(area, "系统")
    verb = rest.replace(".", "_").rsplit("_", 1)[-1] if rest else ""
    return f"{area_label}：{VERBS.get(verb, '其他操作')}"


def object_type_label(object_type: str) -> str:
    """The Chinese name of a model ("members.member" → 党员), or the code if it names no model."""
    if not object_type:
        return ""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return AREAS.get(object_type.partition(".")[0], "其他对象")
    name = str(model._meta.verbose_name)
    return AREAS.get(model._meta.app_label, "其他对象") if name.isascii() else name
