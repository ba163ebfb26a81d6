from django.urls import path

from ronghe.points.views import claims, members, schemes, year_end

app_name = "points"
urlpatterns = [
    path("mine/", members.my_points, name="my-points"),
    path("ranking/", members.ranking, name="ranking"),
    path("members/<uuid:code>/", members.member_points, name="member-points"),
    path("members/<uuid:code>/adjust/", members.member_adjust, name="member-adjust"),
    path("members/<uuid:code>/statement.xlsx", members.member_statement, name="member-statement"),
    path("entries/<uuid:code>/", members.entry_detail, name="entry-detail"),
    path("members/<uuid:code>/statement.docx", members.member_statement_docx, name="member-statement-docx"),
    path("claims/", claims.claim_list, name="claim-list"),
    path("claims/create/", claims.claim_create, name="claim-create"),
    path("claims/review/", claims.claim_review, name="claim-review"),
    path("claims/<uuid:code>/", claims.claim_detail, name="claim-detail"),
    path("claims/<uuid:code>/photo/", claims.claim_photo, name="claim-photo"),
    path("claims/<uuid:code>/decide/", claims.claim_decide, name="claim-decide"),
    path("claims/<uuid:code>/withdraw/", claims.claim_withdraw, name="claim-withdraw"),
    path("schemes/", schemes.scheme_list, name="scheme-list"),
    path("schemes/<uuid:code>/", schemes.scheme_detail, name="scheme-detail"),
    path("schemes/<uuid:code>/update/", schemes.scheme_update, name="scheme-update"),
    path("schemes/<uuid:code>/clone/", schemes.scheme_clone, name="scheme-clone"),
    path("schemes/<uuid:code>/activate/", schemes.scheme_activate, name="scheme-activate"),
    path("schemes/<uuid:code>/archive/", schemes.scheme_archive, name="scheme-archive"),
    path("schemes/<uuid:code>/settings/", schemes.scheme_settings, name="scheme-settings"),
    path("schemes/<uuid:code>/indicators/create/", schemes.indicator_create, name="indicator-create"),
    path("schemes/<uuid:code>/indicators/<int:pk>/", schemes.indicator_update, name="indicator-update"),
    path(
        "schemes/<uuid:code>/indicators/<int:pk>/delete/", schemes.indicator_delete, name="indicator-delete"
    ),
    path("year-end/", year_end.year_end, name="year-end"),
    path("ledger/<uuid:code>.xlsx", members.ledger_export, name="ledger-export"),
]
