"""Ratings pages and API: what each role sees and may do, errors on the form, scope, downloads."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from ronghe.core.jointreview import services as jointreview
from ronghe.core.publicity import services as publicity
from ronghe.core.scoring.models import Campaign, Scheme
from ronghe.ratings import services
from ronghe.ratings.choices import EntryState
from ronghe.ratings.models import Entry
from tests.ratings.flow import HIGH, LOW, MID, PDF, TODAY, YEAR, entry_of, evaluated, open_campaign


def test_list_is_empty_until_a_campaign_opens(client_for, cast, travel):
    client = client_for(cast.committee_admin)
    page = client.get("/ratings/")
    assert "还没有评星活动" in page.content.decode()
    assert "开启评星活动" in page.content.decode()
    page = client_for(cast.secretary_a).get("/ratings/")
    assert "开启评星活动" not in page.content.decode()


def test_open_a_campaign_through_the_form(client_for, cast, travel):
    client = client_for(cast.committee_admin)
    page = client.get("/ratings/create/")
    assert "还没有已启用的支部评星方案" in page.content.decode()
    client.post("/ratings/create/", {"seed": "1", "seed_year": str(YEAR)})
    scheme = Scheme.objects.get(purpose="branch_stars", year=YEAR)
    data = {
        "year": YEAR,
        "scheme": str(scheme.code),
        "apply": "2026-03-20",
        "check": "2026-03-10",
        "evaluate": "2026-04-30",
        "publicity_days": 5,
    }
    refused = client.post("/ratings/create/", data)
    assert refused.status_code == 200
    assert "初审截止不能早于自评申星截止" in refused.content.decode()
    assert not Campaign.objects.exists()
    done = client.post("/ratings/create/", data | {"check": "2026-03-31", "quota_five": "20"})
    campaign = Campaign.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/ratings/{campaign.code}/"
    assert campaign.quotas == [{"rank": 5, "max_percent": "20"}]
    page = client.get(done["Location"]).content.decode()
    assert "甲局第一党支部" in page and "乙局第一党支部" in page


def test_the_branch_self_assesses_on_its_page(client_for, cast, people):
    campaign = open_campaign(cast)
    entry = entry_of(campaign, cast.branch_a)
    client = client_for(cast.secretary_a)
    page = client.get(f"/ratings/entries/{entry.code}/").content.decode()
    assert "自评申星" in page and 'id="evidence-form"' in page
    refused = client.post(
        f"/ratings/entries/{entry.code}/self-assess/",
        {"applied_level": "4", "self_summary": "全年工作", "score_brand": "11", "submit": "1"},
    )
    assert refused.status_code == 422
    assert "“党建品牌与特色”的分值应在 0–10 之间" in refused.content.decode()
    refused = client.post(
        f"/ratings/entries/{entry.code}/self-assess/",
        {"applied_level": "4", "self_summary": "全年工作", "submit": "1"},
    )
    assert refused.status_code == 422 and "至少提交一份佐证材料" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.state == EntryState.DRAFT and entry.applied_level == 4  # saved, not submitted
    upload = SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")
    attached = client.post(
        "/evidence/attach/",
        {
            "kind": "ratings.entry",
            "object_id": entry.pk,
            "file": upload,
            "next": f"/ratings/entries/{entry.code}/",
        },
    )
    assert attached.status_code == 302
    done = client.post(
        f"/ratings/entries/{entry.code}/self-assess/",
        {"applied_level": "4", "self_summary": "全年工作", "submit": "1"},
    )
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED
    page = client.get(f"/ratings/entries/{entry.code}/").content.decode()
    assert 'id="evidence-form"' not in page  # evidence is frozen with the submitted self-assessment


def test_another_unit_cannot_open_the_entry(client_for, cast, people):
    entry = entry_of(open_campaign(cast), cast.branch_a)
    assert client_for(cast.outsider_b).get(f"/ratings/entries/{entry.code}/").status_code == 404
    assert client_for(cast.member_a).get(f"/ratings/entries/{entry.code}/").status_code == 403


def test_outsider_sees_only_their_branches_on_the_campaign_page(client_for, cast, people):
    campaign = open_campaign(cast)
    page = client_for(cast.outsider_b).get(f"/ratings/{campaign.code}/").content.decode()
    assert "乙局第一党支部" in page and "甲局第一党支部" not in page
    assert f"/ratings/{campaign.code}/propose/" not in page  # not the 工委


def test_what_if_lists_who_would_move(client_for, cast, people, monkeypatch):
    from decimal import Decimal as D

    from ronghe.ratings import derived

    monkeypatch.setattr(
        derived,
        "branch_values",
        lambda y, ids: {
            i: {
                "orglife.compliance_rate": derived.DerivedValue(D("100"), "", ""),
                "orgs.committee_complete": derived.DerivedValue(D("1"), "", ""),
                "orgs.election_on_time": derived.DerivedValue(D("1"), "", ""),
            }
            for i in ids
        },
    )
    campaign = open_campaign(cast, quota="100")
    evaluated(cast, people, campaign, cast.branch_a, cast.secretary_a, people["unit_a"], HIGH)
    evaluated(
        cast,
        people,
        campaign,
        cast.branch_b,
        people["sec_b"],
        people["unit_b"],
        HIGH | {"satisfaction": "96"},
    )
    page = client_for(cast.committee_admin).get(f"/ratings/{campaign.code}/what-if/", {"quota_five": "50"})
    body = page.content.decode()
    assert "试算结果：1 个支部星级变化" in body
    assert "甲局第一党支部" in body and "四星" in body
    assert Entry.objects.get(campaign=campaign, organization=cast.branch_a).level == 5  # nothing saved


def _named(cast, people, travel):
    campaign = open_campaign(cast)
    a = evaluated(cast, people, campaign, cast.branch_a, cast.secretary_a, people["unit_a"], LOW)
    evaluated(cast, people, campaign, cast.branch_b, people["sec_b"], people["unit_b"], MID)
    services.propose(actor=cast.committee_admin, campaign=campaign, due_on=TODAY + timedelta(days=3))
    jointreview.give_opinion(
        actor=people["jijian"], review=services.review_of(campaign), department="discipline", verdict="agree"
    )
    services.publish(actor=cast.committee_admin, campaign=campaign)
    publication = services.publication_of(campaign)
    travel.move_to(publication.ends_on + timedelta(days=1))
    publicity.close(actor=cast.committee_admin, publication=publication)
    services.name(actor=cast.committee_admin, campaign=campaign)
    a.refresh_from_db()
    return campaign, a


def test_after_naming_certificate_list_and_home_card(client_for, cast, people, travel):
    campaign, a = _named(cast, people, travel)
    client = client_for(cast.secretary_a)
    cert = client.get(f"/ratings/entries/{a.code}/certificate.docx")
    assert cert.status_code == 200 and cert["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in cert["Content-Disposition"]
    listing = client_for(cast.committee_admin).get(f"/ratings/{campaign.code}/list.xlsx")
    assert listing.status_code == 200
    home = client_for(cast.member_a).get("/").content.decode()
    assert "本支部星级" in home and f"{a.current_level} 星" in home
    page = client_for(cast.secretary_a).get(f"/ratings/entries/{a.code}/").content.decode()
    assert "建立提升计划" in page  # ≤3★: the follow-up form
    assert "材料齐全" in page  # judges' comments are shown once published


def test_home_shows_the_rating_to_do(client_for, cast, people):
    open_campaign(cast)
    body = client_for(cast.secretary_a).get("/").content.decode()
    assert "评星待办" in body and "待自评申星的支部" in body


def test_rating_to_do_counts_each_step_in_its_own_scope(cast, people):
    # the steps' counts come from one grouped statement (issue 19); each is still the count of the step's
    # states in the subtrees where the user holds the step's permission, as counted one by one before
    from ronghe.core.scope import has_perm_anywhere, scoped
    from ronghe.ratings import queries

    campaign = open_campaign(cast)
    Entry.objects.filter(campaign=campaign, organization=cast.branch_b).update(state=EntryState.SUBMITTED)
    steps = [
        ("ratings.apply", (EntryState.DRAFT, EntryState.RETURNED), "待自评申星的支部"),
        ("ratings.check", (EntryState.SUBMITTED,), "待初审的评星申报"),
        ("ratings.manage", (EntryState.CHECKED,), "待评定的支部"),
    ]
    users = [
        cast.committee_admin,
        cast.secretary_a,
        cast.outsider_b,
        cast.member_a,
        people["unit_a"],
        people["unit_b"],
    ]
    for user in users:
        expected = {
            f"{YEAR}年 {label}": n
            for perm, states, label in steps
            if has_perm_anywhere(user, perm)
            and (n := scoped(Entry.objects.filter(campaign=campaign, state__in=states), user, perm).count())
        }
        got = {
            label: n for label, n, _url, _late in queries.todo(user, TODAY) if label.startswith(f"{YEAR}年")
        }
        assert got == expected, user.username
    assert any(queries.todo(u, TODAY) for u in users)


# ---------------------------------------------------------------- API


def test_api_lists_campaigns_and_scoped_results(client_for, cast, people):
    campaign = open_campaign(cast)
    evaluated(cast, people, campaign, cast.branch_b, people["sec_b"], people["unit_b"], MID)
    client = client_for(cast.outsider_b)
    campaigns = client.get("/api/v1/ratings/campaigns").json()
    assert [(c["year"], c["state"]) for c in campaigns] == [(YEAR, "open")]
    results = client.get(f"/api/v1/ratings/campaigns/{campaign.code}/results").json()
    assert [r["organization_name"] for r in results] == ["乙局第一党支部"]
    row = results[0]
    assert row["state"] == "evaluated" and 0 <= row["level"] <= 5 and isinstance(row["stars"], list)
    assert row["organization"] == str(cast.branch_b.code)


def test_api_self_assessment_refusal_has_the_one_error_shape(client_for, cast, people):
    entry = entry_of(open_campaign(cast), cast.branch_a)
    client = client_for(cast.secretary_a)
    response = client.post(
        f"/api/v1/ratings/entries/{entry.code}/self-assessment",
        {"applied_level": 4, "summary": "全年工作", "submit": True},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("申报星级须至少提交一份佐证材料")
    assert response.json()["errors"] == {"evidence": [response.json()["detail"]]}
    outsider = client_for(cast.outsider_b).post(
        f"/api/v1/ratings/entries/{entry.code}/self-assessment",
        {"applied_level": 4, "summary": "x"},
        content_type="application/json",
    )
    assert outsider.status_code == 404
    assert Entry.objects.get(pk=entry.pk).applied_level == 4


def test_year_boundary_for_late_entries(client_for, cast, people, travel):
    campaign = open_campaign(cast)  # apply until 03-20
    travel.move_to(date(YEAR, 3, 20))
    assert services.late_entries(campaign).count() == 0  # the last day itself is not late
    travel.move_to(date(YEAR, 3, 21))
    assert services.late_entries(campaign).count() == 2


def test_breadcrumbs_lead_back_to_the_list_and_the_campaign(client_for, cast, people):
    campaign = open_campaign(cast)
    entry = entry_of(campaign, cast.branch_a)
    client = client_for(cast.committee_admin)
    page = client.get(f"/ratings/{campaign.code}/").content.decode()
    assert 'href="/ratings/"' in page and "ratings:campaign-list" not in page
    page = client.get(f"/ratings/entries/{entry.code}/").content.decode()
    assert f'href="/ratings/{campaign.code}/"' in page
