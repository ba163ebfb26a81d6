"""Surveys: answered once, stored without the person, results only after closing and for groups of
five or more — on the page, in the API and in the xlsx."""

import io
import json
from decimal import Decimal

import pytest
import python_calamine as pc
from django.urls import reverse

from ronghe.core.errors import DomainError
from ronghe.core.models import AuditEntry
from ronghe.outreach import queries, services
from ronghe.outreach.models import Respondent, Survey, Tally, TextBag
from tests.factories import MemberFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
QUESTIONS = "单选|您参加学习的主要方式|集中学习/自学/线上\n多选|希望的学习内容|党史/政策/业务\n满意度|您对支部工作是否满意\n文字|意见建议"


def _people(org, n, prefix):
    out = []
    for i in range(n):
        member = MemberFactory(name=f"{prefix}{i}", organization=org)
        out.append(UserFactory(username=f"{prefix}-{i}", member=member))
    return out


def _survey(cast, **extra):
    survey = services.create_survey(
        actor=cast.secretary_a,
        organization=cast.org_a,
        data={
            "title": "党员思想状况调查",
            "year": 2026,
            "questions": QUESTIONS,
            "satisfaction": True,
            **extra,
        },
    )
    return services.publish(actor=cast.secretary_a, survey=survey)


def _answer(user, survey, scale=4, text="多组织线上学习"):
    services.answer(user=user, survey=survey, answers={1: "0", 2: ["0", "2"], 3: str(scale), 4: text})


def test_a_second_answer_is_refused_and_nothing_changes(cast):
    survey = _survey(cast)
    _answer(cast.member_a, survey)
    with pytest.raises(DomainError, match="您已提交过本问卷，不能重复作答"):
        _answer(cast.member_a, survey)
    assert Respondent.objects.count() == 1
    assert sum(Tally.objects.filter(question__order=3).values_list("count", flat=True)) == 1


def test_nothing_stored_links_an_answer_to_a_person(cast):
    # given: the first respondent of the group answers something distinctive
    survey = _survey(cast)
    _answer(cast.member_a, survey, scale=0, text="独特的意见")
    # then: the answer tables hold no user, member or time; every option's count exists from the start
    for model in (Tally, TextBag):
        names = {f.name for f in model._meta.get_fields()}
        assert not names & {"user", "member", "created_at", "answered_at", "respondent"}
    assert Tally.objects.filter(question__survey=survey).count() == 3 + 3 + 5
    assert {f.name for f in Respondent._meta.get_fields()} == {"id", "survey", "user", "group"}
    # the audit row says who answered which survey, never what
    entry = AuditEntry.objects.get(event="outreach.survey.answer")
    assert "独特的意见" not in json.dumps(entry.changes, ensure_ascii=False)


def test_results_are_withheld_below_five_and_shown_from_five(cast, client_for):
    survey = _survey(cast)
    people = [cast.member_a, *_people(cast.branch_a, 3, "甲员")]
    for user in people:
        _answer(user, survey)
    services.close(actor=cast.secretary_a, survey=survey)
    # four respondents: nothing on the page, in the API, in the xlsx
    client = client_for(cast.secretary_a)
    page = client.get(reverse("outreach:survey-detail", args=[survey.code])).content.decode()
    assert "答卷人数不足 5 人，为保护匿名不显示结果" in page and "多组织线上学习" not in page
    api = client.get(f"/api/v1/outreach/surveys/{survey.code}/results").json()
    assert api["visible"] is False and api["questions"] == [] and api["groups"] == []
    content = client.get(reverse("outreach:survey-export", args=[survey.code])).content
    rows = pc.CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    cells = [c for row in rows for c in row if c not in (None, "")]
    assert "多组织线上学习" not in cells and cells[-1] == "答卷人数不足 5 人，为保护匿名不显示结果"
    # a fifth person: a new survey of five shows the results
    survey2 = _survey(cast)
    for user in [*people, *_people(cast.branch_a, 1, "甲新")]:
        _answer(user, survey2)
    services.close(actor=cast.secretary_a, survey=survey2)
    res = queries.results(survey2)
    assert res.visible and res.respondents == 5
    assert [o.count for o in res.questions[0].options] == [5, 0, 0]
    assert res.questions[2].satisfaction == Decimal("100.00")
    assert res.questions[3].texts == ["多组织线上学习"] * 5


def test_small_groups_are_merged_or_the_breakdown_withheld(cast):
    survey = _survey(cast)
    branch_2 = OrganizationFactory(name="甲局第二党支部", parent=cast.org_a, unit=cast.unit_a)
    for user in _people(cast.branch_a, 5, "一支"):
        _answer(user, survey, scale=4)
    for user in _people(branch_2, 2, "二支"):  # two: alone they would be exposed
        _answer(user, survey, scale=0)
    services.close(actor=cast.secretary_a, survey=survey)
    res = queries.results(survey)
    assert res.visible and res.groups == []
    assert res.groups_message == "部分党组织答卷人数不足 5 人，合并后仍不足，不按党组织分组显示"
    # the satisfaction of branch 2 (two people) is withheld; the 总支's is counted over seven
    found = queries.satisfaction_by_organization([cast.branch_a.pk, branch_2.pk, cast.org_a.pk], 2026)
    assert found[branch_2.pk].percent is None and found[branch_2.pk].respondents == 2
    assert found[cast.branch_a.pk].percent == Decimal("100.00")
    assert found[cast.org_a.pk].percent == Decimal("71.43")


def test_satisfaction_feeds_the_ratings_indicator(cast):
    from datetime import date

    from ronghe.ratings.derived import branch_values

    survey = _survey(cast)
    for i, user in enumerate(_people(cast.branch_a, 5, "满意")):
        _answer(user, survey, scale=4 if i < 4 else 1)
    services.close(actor=cast.secretary_a, survey=survey)
    value = branch_values(2026, [cast.branch_a.pk], today=date(2026, 12, 31))[cast.branch_a.pk]
    assert value["outreach.survey_satisfaction"].value == Decimal("80.00")
    assert value["outreach.survey_satisfaction"].detail == "满意度问卷答卷 5 人，满意及非常满意占 80.00%"


def test_only_members_in_scope_answer_and_only_while_open(cast, client_for):
    survey = services.create_survey(
        actor=cast.secretary_a,
        organization=cast.org_a,
        data={"title": "草稿", "year": 2026, "questions": "文字|建议"},
    )
    url = reverse("outreach:survey-answer", args=[survey.code])
    assert client_for(cast.member_a).get(url).status_code == 404  # a draft
    services.publish(actor=cast.secretary_a, survey=survey)
    b_user = UserFactory(username="mem_b", member=cast.member_b_record)
    assert client_for(b_user).get(url).status_code == 404
    with pytest.raises(DomainError, match="您不在本问卷的调查范围内"):
        services.answer(user=b_user, survey=survey, answers={1: "x"})
    response = client_for(cast.member_a).post(url, {"q1": "希望多组织讨论"})
    assert response.status_code == 302
    again = client_for(cast.member_a).post(url, {"q1": "再答一次"})
    assert again.status_code == 400 and "您已提交过本问卷，不能重复作答" in again.content.decode()
    assert Respondent.objects.count() == 1


def test_bad_questions_and_missing_answers_are_refused(cast):
    with pytest.raises(DomainError, match="第 1 行：选择题至少需要两个选项"):
        services.create_survey(
            actor=cast.secretary_a,
            organization=cast.org_a,
            data={"title": "坏", "year": 2026, "questions": "单选|只有一项|是"},
        )
    assert not Survey.objects.exists()
    survey = _survey(cast)
    with pytest.raises(DomainError, match="请回答第 3 题"):
        services.answer(user=cast.member_a, survey=survey, answers={1: "0", 2: ["1"], 3: "", 4: ""})
    with pytest.raises(DomainError, match="第 1 题只能选一项"):
        services.answer(user=cast.member_a, survey=survey, answers={1: ["0", "1"], 2: ["1"], 3: "4", 4: ""})
    assert not Respondent.objects.exists()


def test_no_response_or_export_names_a_respondent(cast, client_for):
    # given: five people answer, each with a text that would identify them by position
    survey = _survey(cast)
    people = [cast.member_a, *_people(cast.branch_a, 4, "答者")]
    for i, user in enumerate(people):
        _answer(user, survey, scale=i % 5, text=f"意见{i}")
    services.close(actor=cast.secretary_a, survey=survey)
    client = client_for(cast.secretary_a)
    # when: the results are read on the page, through the API and as xlsx
    page = client.get(reverse("outreach:survey-detail", args=[survey.code])).content.decode()
    found = client.get(f"/api/v1/outreach/surveys/{survey.code}/results").json()
    api = json.dumps(found, ensure_ascii=False)
    xlsx = client.get(reverse("outreach:survey-export", args=[survey.code])).content
    rows = pc.CalamineWorkbook.from_filelike(io.BytesIO(xlsx)).get_sheet_by_index(0).to_python()
    cells = " ".join(str(c) for row in rows for c in row if c not in (None, ""))
    # then: all five texts are there, and nothing names or identifies who wrote them
    for text in (page, api, cells):
        assert all(f"意见{i}" in text for i in range(5))
        for user in people:
            assert user.member.name not in text and user.username not in text
    assert "user" not in found and "answers" not in found
    # the stored texts: the five, with no person beside them (each inserted at a random position)
    bag = TextBag.objects.get(question__survey=survey, question__order=4).texts
    assert sorted(bag) == [f"意见{i}" for i in range(5)]


def test_results_are_charts_with_their_tables_and_exports_only_from_five(cast, client_for):
    from tests.charts import assert_every_chart_has_its_table

    survey = _survey(cast)
    people = [cast.member_a, *_people(cast.branch_a, 3, "图表")]
    for user in people:
        _answer(user, survey)
    services.close(actor=cast.secretary_a, survey=survey)
    client = client_for(cast.secretary_a)
    url = reverse("outreach:survey-detail", args=[survey.code])
    # four respondents: no chart, and no table to export
    assert 'data-chart="bar"' not in client.get(url).content.decode()
    assert client.get(url, {"format": "xlsx", "table": "question-1-table"}).status_code == 404
    # five: a bar chart per choice and scale question, each with its table and its Excel
    survey2 = _survey(cast)
    for user in [*people, *_people(cast.branch_a, 1, "图五")]:
        _answer(user, survey2)
    services.close(actor=cast.secretary_a, survey=survey2)
    url2 = reverse("outreach:survey-detail", args=[survey2.code])
    page = client.get(url2).content.decode()
    assert assert_every_chart_has_its_table(page) == 3  # single, multiple, scale; the text question has none
    book = client.get(url2, {"format": "xlsx", "table": "question-1-table"}).content
    rows = pc.CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_index(0).to_python()
    assert rows[1][:2] == ["选项", "人数"] and rows[2][:2] == ["集中学习", 5]
