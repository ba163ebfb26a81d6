"""The side navigation: entries by permission, grouped, the current page's entry lit."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def labels(response):
    return {g["label"]: [i["label"] for i in g["items"]] for g in response.context["nav_groups"]}


def test_auditor_sees_the_home_page_and_the_audit_log_only(client_for, cast):
    response = client_for(cast.auditor).get(reverse("home:home"))
    assert labels(response) == {"": ["工作台", "我的导出"], "系统管理": ["审计日志"]}


def test_member_sees_own_points_pages_only(client_for, cast):
    response = client_for(cast.member_a).get(reverse("home:home"))
    assert labels(response) == {
        "": ["工作台", "通知公告", "我的导出"],  # 通知公告 reach every member (issue 16)
        "党员积分": ["我的积分", "我的申报"],
        "党费": ["我的党费"],
        "学习教育": ["我的学习"],
        "联系服务": ["我的志愿服务", "我的问卷"],
        "评星与评审": ["公示"],
        "评选表彰与品牌": ["我的荣誉", "创新案例"],
    }


def test_secretary_sees_the_domain_pages_but_not_administration(client_for, cast):
    groups = labels(client_for(cast.secretary_a).get(reverse("home:home")))
    assert list(groups) == [
        "",
        "党组织与党员",
        "组织生活",
        "统计报告",
        "党员积分",
        "发展党员",
        "党费",
        "学习教育",
        "联系服务",
        "评星与评审",
        "评选表彰与品牌",
        "同步部署与点评",
        "融合考核",
    ]
    assert groups["学习教育"] == [
        "培训班",
        "学时完成情况",
        "学习资料",
        "外部培训审核",
        "政治生日仪式",
        "学习强国排名",
        "导入学习强国",
        "党务干部配备",
    ]
    assert groups["联系服务"] == ["志愿服务", "志愿服务先锋队", "问卷调查", "结对联系"]
    assert groups["融合考核"] == ["融合考核", "业务指标", "述职评议", "党员先锋岗"]
    assert groups["发展党员"] == ["发展党员纪实", "全县概况", "导入发展名单"]
    assert "党费设置" not in groups["党费"]  # dues.manage is the 工委's and the unit's
    assert groups["评星与评审"] == ["评星定级", "公示", "整改事项"]
    assert groups["评选表彰与品牌"] == ["评选表彰", "党建品牌", "示范点", "创新案例"]
    assert groups["同步部署与点评"] == ["工作要点", "工作计划", "工作任务", "逾期任务", "同步点评"]
    assert "组织生活要求" not in groups["组织生活"]  # orglife.manage_requirements is the 工委's
    assert "年度评定" not in groups["党员积分"]


def test_the_longest_matching_entry_is_active(client_for, cast):
    response = client_for(cast.committee_admin).get(reverse("members:member-list"))
    active = [i["url"] for g in response.context["nav_groups"] for i in g["items"] if i["active"]]
    assert active == [reverse("members:member-list")]


def test_anonymous_gets_no_navigation(client):
    response = client.get(reverse("accounts:login"))
    assert response.context["nav_groups"] == []
