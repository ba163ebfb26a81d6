"""递补: a set-aside winner's place goes to the best-placed runner-up, by the 工委 with a reason, during
联审 or 公示; the runner-up passes a 递补联审 (and a 递补公示 once 公示 began) before the result is
announced. Refused with a Chinese message, nothing written: no reason, not set aside, already
replaced, a tie at the next place, nobody left, already announced."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from ronghe.accounts.choices import Role
from ronghe.core.audit import AuditEntry
from ronghe.core.errors import DomainError
from ronghe.core.jointreview import services as jointreview
from ronghe.core.publicity import services as publicity
from ronghe.selections import rules, services
from ronghe.selections.choices import NominationState
from ronghe.selections.models import Nomination
from tests.factories import UserFactory, grant
from tests.selections.flow import agree_all, close_publicity, to_review

pytestmark = pytest.mark.django_db


def _set_aside(cast, nomination, comment="纪委异议成立"):
    services.set_aside(actor=cast.committee_admin, nomination=nomination, comment=comment)
    nomination.refresh_from_db()
    return nomination


def _state(*nominations):
    return [
        (n.title, n.state, n.winner, n.replaces_id)
        for n in Nomination.objects.filter(pk__in=[x.pk for x in nominations]).order_by("place")
    ]


@pytest.mark.parametrize(
    ("_case", "rows", "expected"),
    [
        ("best placed", [rules.RunnerUp("b", "乙", 3), rules.RunnerUp("a", "甲", 2)], "a"),
        ("unplaced never", [rules.RunnerUp("a", "甲", None), rules.RunnerUp("b", "乙", 4)], "b"),
    ],
)
def test_next_in_line_is_the_best_placed_runner_up(_case, rows, expected):
    assert rules.next_in_line(rows).key == expected


@pytest.mark.parametrize(
    ("_case", "rows", "message"),
    [
        ("nobody", [], "没有可以递补的推荐对象"),
        ("only unplaced", [rules.RunnerUp("a", "甲", None)], "没有可以递补的推荐对象"),
        (
            "tie",
            [rules.RunnerUp("a", "甲", 2), rules.RunnerUp("b", "乙", 2), rules.RunnerUp("c", "丙", 4)],
            "第 2 名有 2 个并列的推荐对象（甲、乙），不能确定递补人选，名额空出",
        ),
    ],
)
def test_next_in_line_refuses(_case, rows, message):
    with pytest.raises(ValueError, match=message):
        rules.next_in_line(rows)


def test_a_runner_up_replaces_a_winner_set_aside_in_the_joint_review(cast, people, travel):
    # given 李一 won the one place and was set aside on the 纪委's objection
    admin = cast.committee_admin
    campaign, a1, a2, b1 = to_review(cast, people)
    _set_aside(cast, b1)
    # when the 工委 promotes the runner-up with a reason
    promoted = services.promote_runner_up(actor=admin, nomination=b1, reason="李一暂缓授予，按名次递补")
    # then 王一 (2nd) takes the place; 王二 (3rd) does not
    assert promoted.pk == a1.pk
    assert _state(a1, a2, b1) == [
        ("李一", NominationState.SET_ASIDE, True, None),
        ("王一", NominationState.NOMINATED, True, b1.pk),
        ("王二", NominationState.NOMINATED, False, None),
    ]
    entry = AuditEntry.objects.get(event="selections.nomination_promoted")
    assert entry.changes["reason"] == "李一暂缓授予，按名次递补"
    assert entry.changes["replaces"] == "李一"
    # the runner-up goes to a 递补联审; 公示 waits for it
    supplementary = services.review_of(campaign)
    assert (supplementary.title, [i["label"] for i in supplementary.items]) == (
        f"{campaign.name}递补联审",
        ["王一"],
    )
    jointreview.override(
        actor=admin,
        review=jointreview.for_object(rules.CAMPAIGN, campaign.pk).last(),
        reason="李一已暂缓授予",
    )
    with pytest.raises(DomainError, match="联审尚未通过"):
        services.publish(actor=admin, campaign=campaign)
    agree_all(campaign, people)
    services.publish(actor=admin, campaign=campaign)
    assert [i["label"] for i in services.publication_of(campaign).items] == ["王一"]
    close_publicity(campaign, cast, travel)
    services.announce(actor=admin, campaign=campaign)
    a1.refresh_from_db()
    assert (a1.state, a1.certificate_no) == (NominationState.AWARDED, "2025-worker-001")
    # once announced nobody more is promoted
    with pytest.raises(DomainError, match="评选结果已公布，不能再递补"):
        services.promote_runner_up(actor=admin, nomination=b1, reason="再递补")


def test_an_objection_upheld_in_publicity_is_replaced_after_a_second_publicity(cast, people, travel):
    # given 李一 is on the 公示 and an objection against him is upheld
    admin = cast.committee_admin
    campaign, a1, a2, b1 = to_review(cast, people)
    agree_all(campaign, people)
    services.publish(actor=admin, campaign=campaign)
    publication = services.publication_of(campaign)
    objection = publicity.lodge_objection(
        actor=cast.member_a, publication=publication, text="李一另有问题", item_key=str(b1.pk)
    )
    publicity.handle_objection(actor=admin, objection=objection, upheld=True, reason="经核实属实")
    # when the 工委 promotes the runner-up
    services.promote_runner_up(actor=admin, nomination=b1, reason="公示异议成立，按名次递补")
    # then 李一 is set aside now, 王一 is on a 递补公示 and a 递补联审
    assert _state(a1, b1) == [
        ("李一", NominationState.SET_ASIDE, True, None),
        ("王一", NominationState.NOMINATED, True, b1.pk),
    ]
    second = services.publication_of(campaign)
    assert (second.title, [i["label"] for i in second.items]) == (f"{campaign.name}递补人选公示", ["王一"])
    # the result waits for both
    travel.move_to(publication.ends_on + timedelta(days=1))
    publicity.close(actor=admin, publication=publication)
    with pytest.raises(DomainError, match="公示尚未结束"):
        services.announce(actor=admin, campaign=campaign)
    close_publicity(campaign, cast, travel)
    with pytest.raises(DomainError, match="递补人选的联审尚未通过"):
        services.announce(actor=admin, campaign=campaign)
    agree_all(campaign, people)
    services.announce(actor=admin, campaign=campaign)
    assert _state(a1, a2, b1) == [
        ("李一", NominationState.SET_ASIDE, True, None),
        ("王一", NominationState.AWARDED, True, b1.pk),
        ("王二", NominationState.NOT_AWARDED, False, None),
    ]


def test_refusals_write_nothing(cast, people):
    admin = cast.committee_admin
    campaign, a1, a2, b1 = to_review(cast, people)
    with pytest.raises(DomainError, match="只有暂缓授予（或公示异议经核实成立）的入选对象"):
        services.promote_runner_up(actor=admin, nomination=b1, reason="理由")
    _set_aside(cast, b1)
    with pytest.raises(DomainError, match="请填写递补的理由"):
        services.promote_runner_up(actor=admin, nomination=b1, reason="  ")
    with pytest.raises(DomainError, match="只有暂缓授予"):
        services.promote_runner_up(actor=admin, nomination=a2, reason="理由")  # not a winner
    assert _state(a1, a2, b1)[1:] == [
        ("王一", NominationState.NOMINATED, False, None),
        ("王二", NominationState.NOMINATED, False, None),
    ]
    assert jointreview.for_object(rules.CAMPAIGN, campaign.pk).count() == 1
    services.promote_runner_up(actor=admin, nomination=b1, reason="递补")
    with pytest.raises(DomainError, match="“李一”的名额已由“王一”递补"):
        services.promote_runner_up(actor=admin, nomination=b1, reason="再递补")
    # the promoted one set aside in turn: 王二 next; then nobody is left
    _set_aside(cast, Nomination.objects.get(pk=a1.pk))
    services.promote_runner_up(actor=admin, nomination=Nomination.objects.get(pk=a1.pk), reason="递补")
    _set_aside(cast, Nomination.objects.get(pk=a2.pk))
    with pytest.raises(DomainError, match="没有可以递补的推荐对象"):
        services.promote_runner_up(actor=admin, nomination=Nomination.objects.get(pk=a2.pk), reason="递补")
    assert AuditEntry.objects.filter(event="selections.nomination_promoted").count() == 2


def test_a_tie_at_the_next_place_leaves_the_place_empty(cast, people):
    admin = cast.committee_admin
    campaign, a1, a2, b1 = to_review(cast, people)
    Nomination.objects.filter(pk=a2.pk).update(place=a1.place)
    _set_aside(cast, b1)
    with pytest.raises(
        DomainError, match="第 2 名有 2 个并列的推荐对象（王一、王二），不能确定递补人选，名额空出"
    ):
        services.promote_runner_up(actor=admin, nomination=b1, reason="递补")
    assert not Nomination.objects.filter(replaces__isnull=False).exists()


def test_the_page_replaces_for_the_committee_only(cast, people, client_for):
    campaign, a1, _a2, b1 = to_review(cast, people)
    _set_aside(cast, b1)
    url = reverse("selections:nomination-replace", args=[b1.code])
    # a unit admin (view, no manage) is refused; an outsider does not see it
    assert client_for(people["unit_b"]).post(url, {"comment": "递补"}).status_code == 403
    # a 工委 admin of A's subtree only does not see B's nominee
    stranger = UserFactory(username="gw_a")
    grant(stranger, Role.WORK_COMMITTEE_ADMIN, cast.org_a)
    assert client_for(stranger).post(url, {"comment": "递补"}).status_code == 404
    client = client_for(cast.committee_admin)
    page = client.get(reverse("selections:nomination-detail", args=[b1.code])).content.decode()
    assert "按名次递补" in page
    response = client.post(url, {"comment": ""})
    assert response.status_code == 422
    assert "请填写递补的理由" in response.content.decode()
    assert not Nomination.objects.filter(replaces__isnull=False).exists()
    response = client.post(url, {"comment": "李一暂缓授予"}, follow=True)
    body = response.content.decode()
    assert "已由第 2 名“王一”递补“李一”的名额，递补人选须经联审" in body
    assert 'id="nomination-replaced-by">名额已由第 2 名' in body
    assert Nomination.objects.get(replaces=b1).pk == a1.pk
